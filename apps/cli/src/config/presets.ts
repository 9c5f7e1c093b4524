import type { AppConfigInput } from './schema.js';

/**
 * Per-env presets: the paper's settings (spec §3.7, the RL4VLM `VLM_PPO/scripts/*.sh`) adapted to
 * the `tiny` tfjs model on two CPU cores. Each value the adaptation changes has the paper's original
 * beside it as `paper:`. What is kept as in the paper: γ 0.9, GAE λ 0.95, clip ε 0.1, value
 * coefficient 0.5, no entropy bonus, 4 PPO epochs, CoT coefficient λ 0.5, seed 1, the cosine schedule.
 *
 * What is scaled down, and why: the paper fine-tunes a 7B LLaVA with LoRA on 2 GPUs for 15,000
 * env steps per process; the `tiny` model learns orders of magnitude faster per step but each step
 * costs CPU time, so rollouts are ~100× shorter and learning rates are those of a small model
 * trained from scratch (1e-5 is for a pretrained 7B model and would not move a tiny one).
 */
export interface Preset {
  description: string;
  config: AppConfigInput;
}

const paperShared = {
  thoughtCoef: 0.5, // paper: 0.5 (gym-cards)
  gamma: 0.9, // paper: 0.9
  gaeLambda: 0.95, // paper: 0.95
  clipRatio: 0.1, // paper: 0.1
  valueClip: 0.1, // paper: 0.1
  valueCoef: 0.5, // paper: 0.5
  entropyCoef: 0, // paper: unused (0)
  epochs: 4, // paper: 4
  maxGradNorm: 1, // paper: 0.01 (with lr 1e-5 on a pretrained 7B model; too tight for a tiny model from SFT)
  targetKl: 0.02, // paper: none (a CoT run's first update moved the policy by KL ≈ 1.6 without it)
};

/**
 * `maxNewTokens` per env: the oracle's longest chain-of-thought reply in `tiny`'s tokens plus EOS
 * (NumberLine 59, EZPoints 79, Points24 111, Blackjack 133 over 150 seeded episodes; a test keeps
 * this true). A shorter limit cuts every reply before `"action":` (paper: 256).
 */
function gymCards(
  id: string,
  description: string,
  ppo: { numUpdates: number; stepsPerEnv: number; successWindow: number; numEnvs?: number; lr?: number },
  sftEpisodes: number,
  maxNewTokens: number,
  sftEpochs = 12,
): Preset {
  return {
    description,
    config: {
      seed: 1, // paper: 1
      env: { id, text: { cot: true } },
      policy: { id: 'tfjs:tiny' },
      stages: ['sft', 'ppo'],
      sft: {
        // paper: LLaVA-1.6 fine-tuned on LEVI-Project/sft-data (GPT-4V-style transcripts), 1 epoch, lr 2e-5, batch 64
        data: { episodes: sftEpisodes, noise: 0.2 },
        // epochs: the tiny model needs a few hundred steps to learn to read the frame (RESULTS.md)
        train: { epochs: sftEpochs, batchSize: 8, lr: 2e-3, maxNewTokens },
      },
      ppo: {
        ...paperShared,
        generate: { temperature: 0.2, maxNewTokens }, // paper: 0.2 / 256
        numUpdates: ppo.numUpdates, // paper: 15000 env steps // num-steps
        numEnvs: ppo.numEnvs ?? 4, // paper: 1 env per process, 2 processes
        stepsPerEnv: ppo.stepsPerEnv, // paper: 512 (NumberLine, Blackjack) / 1024 (EZPoints, Points24)
        miniBatchSize: 8, // paper: 1
        gradAccumSteps: 1, // paper: 128
        schedule: { lr: ppo.lr ?? 1e-4, minLr: 1e-6, cosineSteps: ppo.numUpdates }, // paper: 1e-5 → 1e-9, T_max 25
        successWindow: ppo.successWindow, // paper: 200 (Blackjack 1000)
      },
      eval: { episodes: 50, temperature: 0, maxNewTokens }, // paper: no separate evaluation (a 200-episode training window)
      checkpoint: { every: 2, keepLast: 2 }, // paper: never saves
    },
  };
}

/**
 * Points24 with a plan (RESULTS.md "Points24", issue 19): `tiny` at 128 px (64 image tokens of
 * 16 px; at 64 px a card is 14 px wide and its rank unreadable), the `plan` thought (sorted cards,
 * the solver's canonical formula for that multiset with a cursor, the action = the token after the
 * cursor: the search becomes a lookup), and SFT on enough oracle episodes to cover most of the 715
 * value multisets an evaluation deals, with little noise (a random move mostly leads off the
 * canonical plan, to dead ends and searched completions a lookup cannot learn).
 */
function points24Plan(): Preset {
  const maxNewTokens = 80; // the longest plan reply: 61 tiny tokens with EOS on the oracle's path (presets-tokens.test.ts), 72 after random moves
  const base = gymCards(
    'gym-cards/Points24-v0',
    '',
    { numUpdates: 6, stepsPerEnv: 32, successWindow: 50, lr: 3e-5 },
    4096,
    maxNewTokens,
    4,
  ).config;
  return {
    description:
      "Points24 with the 'plan' thought: tiny at 128 px, SFT on 4,096 oracle episodes (5% noisy), 4 epochs, then 6 PPO updates of 4×32 steps at lr 3e-5",
    config: {
      ...base,
      env: { id: 'gym-cards/Points24-v0', text: { cot: true, thought: 'plan' } },
      policy: { id: 'tfjs:tiny', options: { config: { imageSize: 128 } } },
      // 4,096 episodes deal 96% of the solvable evaluation deals' value multisets (RESULTS.md);
      // 5% held out is still ~1,400 examples
      sft: {
        data: { episodes: 4096, noise: 0.05 },
        train: { ...base.sft?.train, evalFraction: 0.05 },
      },
    },
  };
}

/**
 * ALFWorld-style household tasks on our engine (`alfworld/Household-v0`, issue 19), sized for
 * `tiny` on CPU:
 * - **text only** (`image: false`): the frame draws what the feedback already says (the floor plan,
 *   the receptacles here and what is in them, what is held), in 5×7-pixel labels that the policy's
 *   64 px downscale makes unreadable; it would cost 16 image tokens and a 300² render per step for
 *   nothing (paper: THOR frames);
 * - **the search expert** (`expert: 'search'`) as the SFT oracle: the full expert walks straight to
 *   where an object is, which the one-step prompt never shows, so a policy cannot imitate it; the
 *   search expert acts only on the current feedback (visits the receptacles that can hold the
 *   object in name order, opening closed ones) and still solves every generated game (mean 6.5–12
 *   steps per task type, at most 31 of the 50);
 * - **a win-only reward** (1 on the winning step): the evaluation's success is `return > 0`, which
 *   RL4VLM's per-step progress reward would also pay for partial progress (paper: 50·win +
 *   goal-condition rate − invalid, every step);
 * - the thought is the expert's: the goal, then its reason (the subgoal), then the command;
 *   λ = 0.2, RL4VLM's CoT coefficient for ALFWorld.
 */
function alfworld(): Preset {
  const maxNewTokens = 144; // the search expert's longest reply: 138 tiny tokens with EOS over 150 episodes (presets-tokens.test.ts)
  return {
    description:
      'ALFWorld household (our engine), text only: SFT on 512 search-expert episodes, 4 epochs, then 8 PPO updates of 8×32 steps at lr 3e-5 (win-only reward, λ 0.2)',
    config: {
      seed: 1,
      env: {
        id: 'alfworld/Household-v0',
        kwargs: {
          image: false,
          expert: 'search',
          reward: { successBonus: 1, progressWeight: 0, invalidPenalty: 0 },
        },
        text: { cot: true },
      },
      policy: { id: 'tfjs:tiny' },
      stages: ['sft', 'ppo'],
      sft: {
        data: { episodes: 512, noise: 0 },
        train: { epochs: 4, batchSize: 8, lr: 2e-3, maxNewTokens, evalFraction: 0.05 },
      },
      ppo: {
        ...paperShared,
        thoughtCoef: 0.2, // paper: 0.2 (ALFWorld)
        generate: { temperature: 0.2, maxNewTokens },
        numUpdates: 8,
        numEnvs: 8,
        stepsPerEnv: 32,
        miniBatchSize: 8,
        gradAccumSteps: 1,
        schedule: { lr: 3e-5, minLr: 1e-6, cosineSteps: 8 },
        successWindow: 100,
      },
      eval: { episodes: 60, temperature: 0, maxNewTokens, maxEpisodeSteps: 50 },
      checkpoint: { every: 1, keepLast: 2 },
    },
  };
}

/** The presets `--preset` accepts. */
export const PRESETS: Record<string, Preset> = {
  numberline: gymCards(
    'gym-cards/NumberLine-v0',
    'NumberLine: SFT on 64 oracle episodes (20% noisy), 20 epochs, then 6 PPO updates of 4×16 steps',
    { numUpdates: 6, stepsPerEnv: 16, successWindow: 50 },
    64,
    64,
    20,
  ),
  ezpoints: gymCards(
    'gym-cards/EZPoints-v0',
    'EZPoints: SFT on 96 oracle episodes (20% noisy), 12 epochs, then 6 PPO updates of 4×32 steps at lr 3e-5',
    // lr 3e-5: at 1e-4 PPO lowered a 99% warm start to 93.5% (RESULTS.md)
    { numUpdates: 6, stepsPerEnv: 32, successWindow: 50, lr: 3e-5 },
    96,
    96,
  ),
  points24: gymCards(
    'gym-cards/Points24-v0',
    'Points24: SFT on 96 oracle episodes (20% noisy), 12 epochs, then 6 PPO updates of 4×32 steps',
    { numUpdates: 6, stepsPerEnv: 32, successWindow: 50 },
    96,
    128,
  ),
  blackjack: gymCards(
    'gym-cards/Blackjack-v0',
    'Blackjack: SFT on 1,024 oracle episodes (20% noisy), 8 epochs, then 10 PPO updates of 16×16 steps at lr 3e-5',
    // 1,024 episodes: the tiny model needs them to learn to add up the cards (RESULTS.md); rewards
    // are ±1 at the end of 1–2-step episodes, so PPO needs wide batches and a small step
    { numUpdates: 10, stepsPerEnv: 16, successWindow: 1000, numEnvs: 16, lr: 3e-5 }, // paper: window 1000
    1024,
    160,
    8,
  ),
  'points24-plan': points24Plan(),
  alfworld: alfworld(),
  quickstart: {
    description:
      "The README's main job: NumberLine, SFT on 64 oracle episodes (20% noisy, 20 epochs), 3 PPO updates of 4×8 steps, 40 evaluation episodes (≈3–4 CPU-minutes)",
    config: {
      ...gymCards(
        'gym-cards/NumberLine-v0',
        '',
        { numUpdates: 3, stepsPerEnv: 8, successWindow: 50 },
        64,
        64,
        20,
      ).config,
      eval: { episodes: 40, temperature: 0, maxNewTokens: 64 },
      checkpoint: { every: 1, keepLast: 2 },
    },
  },
  smoke: {
    description: 'A seconds-long run of every stage, for tests and trying a plugin (any env)',
    config: {
      seed: 1,
      env: { id: 'gym-cards/NumberLine-v0' },
      policy: { id: 'tfjs:tiny' },
      sft: {
        data: { episodes: 4 },
        train: { epochs: 1, batchSize: 4, evalGenerations: 2, maxNewTokens: 24 },
      },
      ppo: {
        numUpdates: 1,
        numEnvs: 2,
        stepsPerEnv: 4,
        epochs: 1,
        miniBatchSize: 4,
        generate: { maxNewTokens: 24 },
        successWindow: 10,
      },
      // Group rollouts small enough for seconds: `--algorithm grpo|rloo|gigpo` with this preset.
      algorithms: Object.fromEntries(
        ['grpo', 'rloo', 'gigpo'].map((id) => [id, { groups: 2, groupSize: 2, maxEpisodeSteps: 4 }]),
      ),
      eval: { episodes: 4, numEnvs: 2, maxNewTokens: 24, maxEpisodeSteps: 6 },
      checkpoint: { every: 1, keepLast: 1 },
      gallery: { episodes: 2 },
    },
  },
};

/**
 * GiGPO (verl-agent) instead of PPO on a preset's env: the same SFT warm start, no critic, group
 * rollouts of `groups` seeds × `groupSize` copies played to the end, episode + anchor-state step
 * advantages. `groupSize` 4 (paper: 8) and a lower lr, as PPO's presets use, for the tiny model.
 */
function withGigpo(base: Preset, description: string, groups: number, maxEpisodeSteps: number): Preset {
  return {
    description,
    config: {
      ...base.config,
      algorithm: 'gigpo',
      algorithms: { gigpo: { groups, groupSize: 4, maxEpisodeSteps, gamma: 0.95, stepWeight: 1 } },
    },
  };
}

PRESETS['numberline-gigpo'] = withGigpo(
  PRESETS.numberline!,
  "NumberLine with GiGPO: the numberline preset's SFT, then 6 GiGPO updates of 4 seeds × 4 copies (≤ 12 steps each)",
  4,
  12,
);
PRESETS['ezpoints-gigpo'] = withGigpo(
  PRESETS.ezpoints!,
  "EZPoints with GiGPO: the ezpoints preset's SFT, then 6 GiGPO updates of 8 seeds × 4 copies (≤ 12 steps each)",
  8,
  12,
);

/** The preset for a name, or an error listing the presets. */
export function getPreset(name: string): Preset {
  const preset = PRESETS[name];
  if (!preset) {
    throw new Error(
      `Unknown preset '${name}'. Presets:\n${Object.entries(PRESETS)
        .map(([k, p]) => `  - ${k}: ${p.description}`)
        .join('\n')}`,
    );
  }
  return preset;
}
