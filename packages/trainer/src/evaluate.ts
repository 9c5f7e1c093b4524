import type { Image, ResetResult } from '@rl4vlm/env';
import type { VlmPolicy } from '@rl4vlm/policy';
import { type EvalConfigInput, resolveEvalConfig } from './config.js';
import type { ProgressCallback } from './metrics.js';
import type { TextEnvLike } from './rollout.js';
import { deriveSeed, SeedStream } from './seeds.js';
import { mean, wilsonInterval } from './stats.js';

/** An env that can also draw its current frame (for episode galleries). */
export type RenderableTextEnv = TextEnvLike & { render?(): Promise<Image> | Image };

/** One step of an evaluated episode. */
export interface EvalStepRecord {
  text: string;
  reward: number;
  parseOk: boolean;
  action?: unknown;
}

/** One evaluated episode. */
export interface EpisodeRecord {
  index: number;
  seed: number;
  return: number;
  length: number;
  /** The paper's success: return > 0. */
  success: boolean;
  /** `info.success` at the end, where the env defines it. */
  infoSuccess?: boolean;
  formatErrors: number;
  /** True when the safety cap `maxEpisodeSteps` ended it. */
  capped: boolean;
  steps: EvalStepRecord[];
  /** Frames before each step and after the last, when `recordFrames` is on. */
  frames?: Image[];
}

/** Summary of {@link evaluate}. */
export interface EvalSummary {
  episodes: number;
  successRate: number;
  /** 95% Wilson interval of the success rate. */
  successInterval: { low: number; high: number };
  /** Share of episodes with `info.success` true, among those that define it; null when none do. */
  infoSuccessRate: number | null;
  meanReturn: number;
  meanLength: number;
  /** Share of steps whose reply did not parse. */
  formatErrorRate: number;
  records: EpisodeRecord[];
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Envs run side by side; episode `i` is reset with seed `config.seed + i` whichever env plays it. */
  envs: readonly RenderableTextEnv[];
  policy: VlmPolicy;
  config?: EvalConfigInput;
  onProgress?: ProgressCallback;
}

/**
 * Plays `episodes` seeded episodes with a policy (greedy at temperature 0, else sampled with
 * seeds derived from the eval seed) and reports the success rate with a 95% interval, mean
 * return and length, and the format-error rate, plus one record per episode with the replies.
 */
export async function evaluate(options: EvaluateOptions): Promise<EvalSummary> {
  const config = resolveEvalConfig(options.config);
  const envs = options.envs.slice(0, Math.min(options.envs.length, config.numEnvs, config.episodes));
  if (envs.length === 0) throw new RangeError('evaluate needs at least one env');
  const records: EpisodeRecord[] = [];
  let next = 0;
  type Slot = { record: EpisodeRecord; current: ResetResult<unknown> } | undefined;
  const slots: Slot[] = new Array(envs.length).fill(undefined);
  const start = async (j: number): Promise<void> => {
    if (next >= config.episodes) {
      slots[j] = undefined;
      return;
    }
    const index = next++;
    const seed = config.seed + index;
    const env = envs[j]!;
    const current = await env.reset({ seed });
    const record: EpisodeRecord = {
      index,
      seed,
      return: 0,
      length: 0,
      success: false,
      formatErrors: 0,
      capped: false,
      steps: [],
    };
    if (config.recordFrames && env.render) record.frames = [await env.render()];
    slots[j] = { record, current };
  };
  for (let j = 0; j < envs.length; j++) await start(j);
  let round = 0;
  while (slots.some((s) => s)) {
    const active = slots.map((s, j) => (s ? j : -1)).filter((j) => j >= 0);
    const prompts = active.map((j) => ({
      ...envs[j]!.prompt(slots[j]!.current.observation, slots[j]!.current.info),
      info: slots[j]!.current.info,
    }));
    const gens = await options.policy.generate(prompts, {
      temperature: config.temperature,
      maxNewTokens: config.maxNewTokens,
      seed: deriveSeed(config.seed, SeedStream.evaluation, round++),
    });
    for (let k = 0; k < active.length; k++) {
      const j = active[k]!;
      const slot = slots[j]!;
      const env = envs[j]!;
      const r = await env.step(gens[k]!.text);
      const parse = r.info.parse as { ok?: boolean; action?: unknown } | undefined;
      const parseOk = parse?.ok !== false;
      const rec = slot.record;
      rec.steps.push({ text: gens[k]!.text, reward: r.reward, parseOk, action: parse?.action });
      rec.return += r.reward;
      rec.length += 1;
      if (!parseOk) rec.formatErrors += 1;
      if (config.recordFrames && env.render) rec.frames!.push(await env.render());
      const capped = rec.length >= config.maxEpisodeSteps;
      if (r.terminated || r.truncated || capped) {
        rec.capped = capped && !(r.terminated || r.truncated);
        rec.success = rec.return > 0;
        if (typeof r.info.success === 'boolean') rec.infoSuccess = r.info.success;
        records.push(rec);
        options.onProgress?.({ phase: 'eval', done: records.length, total: config.episodes });
        await start(j);
      } else {
        slot.current = { observation: r.observation, info: r.info };
      }
    }
  }
  records.sort((a, b) => a.index - b.index);
  const successes = records.filter((r) => r.success).length;
  const withInfo = records.filter((r) => r.infoSuccess !== undefined);
  const totalSteps = records.reduce((a, r) => a + r.length, 0);
  return {
    episodes: records.length,
    successRate: successes / records.length,
    successInterval: wilsonInterval(successes, records.length),
    infoSuccessRate: withInfo.length ? withInfo.filter((r) => r.infoSuccess).length / withInfo.length : null,
    meanReturn: mean(records.map((r) => r.return)),
    meanLength: mean(records.map((r) => r.length)),
    formatErrorRate: totalSteps ? records.reduce((a, r) => a + r.formatErrors, 0) / totalSteps : 0,
    records,
  };
}
