import type { Info, Prompt, ResetResult, StepResult } from '@rl4vlm/env';
import type { GenerateOptions, Generation, PolicyTokenizer, VlmPolicy } from '@rl4vlm/policy';
import { type ActionSplit, type ActionSplitOptions, cotLogProb, splitThoughtAction } from './action-split.js';
import { anchorKey } from './anchor-key.js';
import { deriveSeed, SeedStream } from './seeds.js';

/**
 * What the trainer needs from an env: a `TextEnv` (prompt + text step) satisfies it. The trainer
 * never imports a concrete env.
 */
export interface TextEnvLike<Obs = unknown> {
  reset(options?: { seed?: number }): Promise<ResetResult<Obs>> | ResetResult<Obs>;
  step(reply: string): Promise<StepResult<Obs>> | StepResult<Obs>;
  prompt(observation: Obs, info: Info): Prompt;
}

/** One env step of a rollout: facts collected once and never changed (scored values live in their own columns). */
export interface RolloutSample {
  envIndex: number;
  /** The group this step's trajectory belongs to: its seed's index in a group rollout, else its episode. */
  groupId: number;
  /** The trajectory (episode) this step belongs to, unique within one update's experience. */
  episodeId: number;
  /** 0 for the first step of the episode. */
  stepInEpisode: number;
  /** Identity of the raw observation this step acted on (see `anchorKey`): equal keys, identical states. */
  anchorKey: string;
  /** The prompt shown at this step, stored so the update scores exactly it (spec §3.10 pitfall 2). */
  prompt: Prompt;
  /** The info the prompt was built from. */
  info: Info;
  promptTokenIds?: number[];
  responseTokenIds: number[];
  text: string;
  split: ActionSplit;
  /** Per-token log-probs at rollout time (from generation, or re-scored before the update). */
  tokenLogProbs: number[];
  /** λ-weighted log-prob at rollout time. */
  oldLogProb: number;
  value: number;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  done: boolean;
  /** `info.parse.ok` from the TextEnv: false when the reply did not parse into an action. */
  parseOk: boolean;
}

/** A finished episode. */
export interface EpisodeSummary {
  envIndex: number;
  /** The episode's `episodeId` (and `groupId`) in the samples. */
  episodeId?: number;
  groupId?: number;
  /** True when a group rollout cut it at `maxEpisodeSteps` before the env ended it. */
  cut?: boolean;
  return: number;
  length: number;
  /** The paper's success: return > 0. */
  success: boolean;
  /** `info.success` at the last step, where the env defines it. */
  infoSuccess?: boolean;
  formatErrors: number;
}

/** `steps[t][n]`: step t of env n. */
export interface Rollout {
  steps: RolloutSample[][];
  /** The prompts after the last step (for the bootstrap value), one per env. */
  lastPrompts: Prompt[];
  /** True where the last step ended its episode (no bootstrap needed). */
  lastDones: boolean[];
  episodes: EpisodeSummary[];
  generatedTokens: number;
  seconds: number;
}

/** Options of {@link collectRollout}. */
export interface RolloutOptions {
  envs: readonly TextEnvLike[];
  policy: VlmPolicy;
  /** Needed to split thought from action; without it the split is empty (every token counts as action). */
  tokenizer?: Pick<PolicyTokenizer, 'decodeWithOffsets'>;
  /** Steps per env. */
  numSteps: number;
  /** Run seed; resets and sampling seeds derive from `(seed, update)`. */
  seed: number;
  /** Update index (0-based); part of every derived seed. */
  update: number;
  /**
   * Global index of `envs[0]` (default 0). Reset and per-row sampling seeds derive from the
   * global index, so envs `[a, b)` played in another process give the same steps as in one rollout.
   */
  envOffset?: number;
  generate: GenerateOptions;
  /** CoT coefficient λ. */
  thoughtCoef: number;
  split?: ActionSplitOptions;
  /** Called after every vector step. */
  onStep?: (done: number, total: number) => void;
  /** Checked before every vector step; when it returns true the rollout stops with {@link RolloutStopped}. */
  shouldStop?: () => boolean;
}

/**
 * Where an update's rollout comes from: {@link collectRollout} in this process (the default), or
 * a backend that plays the same envs elsewhere (e.g. `@rl4vlm/rollout-redis`). It must return
 * what `collectRollout(options)` would — rollouts are a pure function of (weights, seed, update)
 * — and throw {@link RolloutStopped} when `shouldStop` asks it to.
 */
export type RolloutCollector = (options: RolloutOptions) => Promise<Rollout>;

/** Thrown by {@link collectRollout} when `shouldStop` asked it to stop; the partial rollout is dropped. */
export class RolloutStopped extends Error {
  constructor() {
    super('Rollout stopped on request');
    this.name = 'RolloutStopped';
  }
}

interface ParseInfoLike {
  ok?: boolean;
}

/** Where a step sample comes from: its place in the experience, what the env showed, what the policy said. */
export interface StepSampleInput {
  envIndex: number;
  groupId: number;
  episodeId: number;
  stepInEpisode: number;
  observation: unknown;
  prompt: Prompt;
  info: Info;
  generation: Generation;
  result: StepResult<unknown>;
  tokenizer?: Pick<PolicyTokenizer, 'decodeWithOffsets'>;
  split?: ActionSplitOptions;
  thoughtCoef: number;
}

/** One {@link RolloutSample} from a generation and the env's answer to it (shared by every collector). */
export function stepSample(a: StepSampleInput): RolloutSample {
  const g = a.generation;
  const r = a.result;
  const split = a.tokenizer
    ? splitThoughtAction(g.tokenIds, a.tokenizer, a.split)
    : { actionStart: 0, length: g.tokenIds.length, foundKey: false };
  return {
    envIndex: a.envIndex,
    groupId: a.groupId,
    episodeId: a.episodeId,
    stepInEpisode: a.stepInEpisode,
    anchorKey: anchorKey(a.observation),
    prompt: a.prompt,
    info: a.info,
    promptTokenIds: g.promptTokenIds,
    responseTokenIds: g.tokenIds,
    text: g.text,
    split,
    tokenLogProbs: g.logProbs,
    oldLogProb: g.logProbs.length === g.tokenIds.length ? cotLogProb(g.logProbs, split, a.thoughtCoef) : 0,
    value: g.value ?? 0,
    reward: r.reward,
    terminated: r.terminated,
    truncated: r.truncated,
    done: r.terminated || r.truncated,
    parseOk: (r.info.parse as ParseInfoLike | undefined)?.ok !== false,
  };
}

/**
 * The sampling seed of env `envIndex` at a step: the step's seed plus the index times the golden
 * ratio — the per-row derivation `tfjs:*` policies already used inside one batch, so an unsplit
 * rollout samples exactly as before per-row seeds existed, and a split one samples the same.
 */
export function rowSeed(stepSeed: number, envIndex: number): number {
  return (stepSeed + Math.imul(envIndex, 0x9e3779b1)) | 0;
}

/**
 * Plays `numSteps` steps in every env with one batched `generate` call per step:
 * prompt → generate → parse/step → store. Every env is reset at the start with a seed derived
 * from `(seed, update, envIndex)`, every reply is sampled with its own seed
 * {@link rowSeed}`((seed, update, step), envIndex)`, and envs are auto-reset (unseeded, continuing its own generator) when
 * an episode ends, so a rollout is a pure function of `(weights, seed, update)`. Episodes still
 * running at the end are cut there; GAE bootstraps them with V(s_T).
 */
export async function collectRollout(o: RolloutOptions): Promise<Rollout> {
  const started = performance.now();
  const n = o.envs.length;
  if (n === 0) throw new RangeError('collectRollout needs at least one env');
  if (!Number.isInteger(o.numSteps) || o.numSteps < 1)
    throw new RangeError(`numSteps must be a positive integer, got ${o.numSteps}`);
  const offset = o.envOffset ?? 0;
  const current = await Promise.all(
    o.envs.map(async (env, i) =>
      env.reset({ seed: deriveSeed(o.seed, SeedStream.envReset, o.update, offset + i) }),
    ),
  );
  // Episode ids from the global env index and the env's episode count, so shards played
  // elsewhere (`envOffset`) never reuse one another's ids.
  const episodeCounts = new Array<number>(n).fill(0);
  const episodeId = (i: number) => (offset + i) * 2 ** 20 + episodeCounts[i]!;
  const running = Array.from({ length: n }, (_, i) => ({
    ret: 0,
    len: 0,
    formatErrors: 0,
    id: episodeId(i),
  }));
  const steps: RolloutSample[][] = [];
  const episodes: EpisodeSummary[] = [];
  let generatedTokens = 0;
  let lastDones = new Array<boolean>(n).fill(false);
  for (let t = 0; t < o.numSteps; t++) {
    // Let signal handlers and timers run: a policy whose generate() never truly awaits would
    // otherwise keep the event loop from delivering SIGINT/SIGTERM.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (o.shouldStop?.()) throw new RolloutStopped();
    const prompts = current.map((c, i) => o.envs[i]!.prompt(c.observation, c.info));
    // The info travels with the prompt for policies that read it (scripted baselines).
    const withInfo = prompts.map((p, i) => ({ ...p, info: current[i]!.info }));
    const stepSeed = deriveSeed(o.seed, SeedStream.generation, o.update, t);
    const generations = await o.policy.generate(withInfo, {
      ...o.generate,
      seed: stepSeed,
      seeds: prompts.map((_, i) => rowSeed(stepSeed, offset + i)),
    });
    if (generations.length !== n)
      throw new Error(`Policy '${o.policy.id}' returned ${generations.length} generations for ${n} prompts`);
    const results = await Promise.all(generations.map(async (g, i) => o.envs[i]!.step(g.text)));
    const row: RolloutSample[] = [];
    for (let i = 0; i < n; i++) {
      const g = generations[i]!;
      const r = results[i]!;
      const ep = running[i]!;
      const sample = stepSample({
        envIndex: offset + i,
        groupId: ep.id,
        episodeId: ep.id,
        stepInEpisode: ep.len,
        observation: current[i]!.observation,
        prompt: prompts[i]!,
        info: current[i]!.info,
        generation: g,
        result: r,
        tokenizer: o.tokenizer,
        split: o.split,
        thoughtCoef: o.thoughtCoef,
      });
      const { parseOk, done } = sample;
      generatedTokens += g.tokenIds.length;
      row.push(sample);
      ep.ret += r.reward;
      ep.len += 1;
      if (!parseOk) ep.formatErrors += 1;
      if (done) {
        const infoSuccess = typeof r.info.success === 'boolean' ? r.info.success : undefined;
        episodes.push({
          envIndex: offset + i,
          episodeId: ep.id,
          groupId: ep.id,
          return: ep.ret,
          length: ep.len,
          success: ep.ret > 0,
          infoSuccess,
          formatErrors: ep.formatErrors,
        });
        episodeCounts[i]! += 1;
        running[i] = { ret: 0, len: 0, formatErrors: 0, id: episodeId(i) };
        current[i] = await o.envs[i]!.reset();
      } else {
        current[i] = { observation: r.observation, info: r.info };
      }
    }
    steps.push(row);
    lastDones = row.map((s) => s.done);
    o.onStep?.(t + 1, o.numSteps);
  }
  const lastPrompts = current.map((c, i) => o.envs[i]!.prompt(c.observation, c.info));
  return {
    steps,
    lastPrompts,
    lastDones,
    episodes,
    generatedTokens,
    seconds: (performance.now() - started) / 1000,
  };
}
