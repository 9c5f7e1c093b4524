import { Rng } from '@rl4vlm/env';
import {
  type LegalLabels,
  type OracleFn,
  OraclePolicy,
  type PromptWithInfo,
  RandomPolicy,
  type VlmPolicy,
} from '@rl4vlm/policy';
import type { OracleDataConfig } from './config.js';
import { packExample } from './packed-example.js';
import type { TextEnvLike } from './rollout.js';
import { deriveSeed, SeedStream } from './seeds.js';
import type { SftExample } from './sft.js';

/** What a noise step of {@link buildOracleDataset} can record: the reply played, or the teacher's. */
export const NOISE_TARGETS = ['noise', 'teacher'] as const;
/** What a noise step of {@link buildOracleDataset} records: the reply played, or the teacher's. */
export type NoiseTarget = (typeof NOISE_TARGETS)[number];

/** Options of {@link buildOracleDataset}. */
export interface OracleDatasetOptions {
  env: TextEnvLike;
  /** The teacher, e.g. an `OraclePolicy` wrapping the env's oracle. */
  teacher: VlmPolicy;
  /** Replies used instead of the teacher's with probability `noise`, e.g. a `RandomPolicy`. */
  noisePolicy?: VlmPolicy;
  /** Probability that a step's reply comes from `noisePolicy`: a deliberately imperfect dataset. Default 0. */
  noise?: number;
  /**
   * What a noise step records. `noise` (default): the noise policy's reply, so the data itself
   * is imperfect. `teacher`: the teacher's reply to that state, while the env still plays the
   * noise reply (DART-style noise injection): the data stays correct and also covers the states
   * a slip leads to, with the teacher's way back, which expert-only transcripts never show.
   */
  noiseTarget?: NoiseTarget;
  episodes: number;
  seed: number;
  /** Safety cap on steps per episode. Default 50. */
  maxEpisodeSteps?: number;
}

/**
 * SFT transcripts from an env's oracle: plays `episodes` seeded episodes with the teacher (or,
 * with probability `noise` per step, the noise policy), recording (prompt, info, reply) at each
 * step. The env is stepped with the played reply, so the states follow the data's own policy;
 * with `noiseTarget: 'teacher'` a noise step records the teacher's reply instead of the one played.
 * Frames are kept deflated ({@link packExample}): reading `prompt` gives them back exactly.
 */
export async function buildOracleDataset(o: OracleDatasetOptions): Promise<SftExample[]> {
  const noise = o.noise ?? 0;
  if (noise > 0 && !o.noisePolicy) throw new Error('buildOracleDataset: noise > 0 needs a noisePolicy');
  const rng = new Rng(deriveSeed(o.seed, SeedStream.dataset, 1));
  const out: SftExample[] = [];
  for (let e = 0; e < o.episodes; e++) {
    let current = await o.env.reset({ seed: deriveSeed(o.seed, SeedStream.dataset, 2, e) });
    for (let t = 0; t < (o.maxEpisodeSteps ?? 50); t++) {
      const prompt = o.env.prompt(current.observation, current.info);
      const source = noise > 0 && rng.float() < noise ? o.noisePolicy! : o.teacher;
      const request = [{ ...prompt, info: current.info } as PromptWithInfo];
      const seed = rng.seed();
      const [g] = await source.generate(request, { temperature: 0, seed });
      const relabel = source !== o.teacher && o.noiseTarget === 'teacher';
      const target = relabel
        ? (await o.teacher.generate(request, { temperature: 0, seed }))[0]!.text
        : g!.text;
      out.push(packExample({ prompt, info: current.info, target }));
      const r = await o.env.step(g!.text);
      if (r.terminated || r.truncated) break;
      current = { observation: r.observation, info: r.info };
    }
  }
  return out;
}

/**
 * The SFT data an `sft.data` config section asks for, from the env's oracle: its episodes are
 * seeded by `data.seed`, or by the run seed when that is null, so a later SFT round given
 * another `data.seed` trains on episodes the earlier rounds never saw.
 */
export function oracleDatasetFromConfig(o: {
  env: TextEnvLike;
  oracle: OracleFn;
  data: OracleDataConfig;
  runSeed: number;
  /** The env's action labels, which the noise policy picks from (else each prompt's legal actions). */
  noiseLabels?: LegalLabels;
}): Promise<SftExample[]> {
  const seed = o.data.seed ?? o.runSeed;
  return buildOracleDataset({
    env: o.env,
    teacher: new OraclePolicy(o.oracle),
    noisePolicy: o.data.noise > 0 ? new RandomPolicy({ labels: o.noiseLabels, seed }) : undefined,
    noise: o.data.noise,
    noiseTarget: o.data.noiseTarget,
    episodes: o.data.episodes,
    seed,
    maxEpisodeSteps: o.data.maxEpisodeSteps,
  });
}
