import type { Experience } from './algorithm.js';
import {
  type EpisodeSummary,
  type RolloutOptions,
  type RolloutSample,
  RolloutStopped,
  stepSample,
} from './rollout.js';
import { deriveSeed, SeedStream } from './seeds.js';

/** Options of {@link collectGroups}: {@link RolloutOptions} without `numSteps`, with the group shape. */
export interface GroupRolloutOptions extends Omit<RolloutOptions, 'numSteps' | 'onStep'> {
  /** Initial states (seeds) N. */
  groups: number;
  /** Copies G of each. */
  groupSize: number;
  /** A trajectory still running after this many steps is cut (its last step gets `truncated`). */
  maxEpisodeSteps: number;
  /** Called after every batched step with trajectories finished so far and in total. */
  onStep?: (finished: number, total: number) => void;
}

interface Slot {
  trajectory: number;
  observation: unknown;
  info: Record<string, unknown>;
  ret: number;
  len: number;
  formatErrors: number;
}

/**
 * Group rollouts (GRPO, RLOO, GiGPO): `groups × groupSize` trajectories, copy c of group g reset
 * with the seed derived from `(seed, update, g)` — every copy of a group starts from the same
 * state — and played to its episode's end or `maxEpisodeSteps`. The envs work as a pool: each
 * takes the next trajectory when its current one ends, and every batched step is one `generate`
 * call over the envs that are busy. Each reply is sampled with a seed derived from
 * `(seed, update, trajectory, step)`, so the experience is a pure function of
 * `(weights, seed, update)` whatever the number of envs.
 *
 * Samples come out trajectory by trajectory (`episodeId` = trajectory index, `groupId` = g).
 */
export async function collectGroups(o: GroupRolloutOptions): Promise<Experience> {
  const started = performance.now();
  if (o.envs.length === 0) throw new RangeError('collectGroups needs at least one env');
  for (const [k, v] of [
    ['groups', o.groups],
    ['groupSize', o.groupSize],
    ['maxEpisodeSteps', o.maxEpisodeSteps],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer, got ${v}`);
  }
  const total = o.groups * o.groupSize;
  const byTrajectory: RolloutSample[][] = Array.from({ length: total }, () => []);
  const episodes: EpisodeSummary[] = [];
  const slots: (Slot | undefined)[] = o.envs.map(() => undefined);
  let next = 0;
  let finished = 0;
  let generatedTokens = 0;
  const groupOf = (k: number) => Math.floor(k / o.groupSize);

  const fill = async () => {
    for (let i = 0; i < slots.length && next < total; i++) {
      if (slots[i]) continue;
      const k = next++;
      const r = await o.envs[i]!.reset({
        seed: deriveSeed(o.seed, SeedStream.envReset, o.update, groupOf(k)),
      });
      slots[i] = { trajectory: k, observation: r.observation, info: r.info, ret: 0, len: 0, formatErrors: 0 };
    }
  };

  for (let call = 0; ; call++) {
    await fill();
    const busy = slots.flatMap((s, i) => (s ? [i] : []));
    if (busy.length === 0) break;
    // Let signal handlers run between batched steps (see collectRollout).
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (o.shouldStop?.()) throw new RolloutStopped();
    const prompts = busy.map((i) => o.envs[i]!.prompt(slots[i]!.observation, slots[i]!.info));
    // Each reply's sampling seed comes from its trajectory and step, not from its row in the
    // batch: the experience does not depend on how many envs play it.
    const generations = await o.policy.generate(
      prompts.map((p, j) => ({ ...p, info: slots[busy[j]!]!.info })),
      {
        ...o.generate,
        seed: deriveSeed(o.seed, SeedStream.generation, o.update, call),
        seeds: busy.map((i) =>
          deriveSeed(o.seed, SeedStream.generation, o.update, slots[i]!.trajectory, slots[i]!.len),
        ),
      },
    );
    if (generations.length !== busy.length)
      throw new Error(
        `Policy '${o.policy.id}' returned ${generations.length} generations for ${busy.length} prompts`,
      );
    const results = await Promise.all(busy.map(async (i, j) => o.envs[i]!.step(generations[j]!.text)));
    busy.forEach((i, j) => {
      const slot = slots[i]!;
      const g = generations[j]!;
      const result = results[j]!;
      const cut = !(result.terminated || result.truncated) && slot.len + 1 >= o.maxEpisodeSteps;
      const sample = stepSample({
        envIndex: i,
        groupId: groupOf(slot.trajectory),
        episodeId: slot.trajectory,
        stepInEpisode: slot.len,
        observation: slot.observation,
        prompt: prompts[j]!,
        info: slot.info,
        generation: g,
        result: cut ? { ...result, truncated: true } : result,
        tokenizer: o.tokenizer,
        split: o.split,
        thoughtCoef: o.thoughtCoef,
      });
      generatedTokens += g.tokenIds.length;
      byTrajectory[slot.trajectory]!.push(sample);
      slot.ret += result.reward;
      slot.len += 1;
      if (!sample.parseOk) slot.formatErrors += 1;
      if (sample.done) {
        episodes.push({
          envIndex: i,
          episodeId: slot.trajectory,
          groupId: groupOf(slot.trajectory),
          cut,
          return: slot.ret,
          length: slot.len,
          success: slot.ret > 0,
          infoSuccess: typeof result.info.success === 'boolean' ? result.info.success : undefined,
          formatErrors: slot.formatErrors,
        });
        slots[i] = undefined;
        finished += 1;
      } else {
        slot.observation = result.observation;
        slot.info = result.info;
      }
    });
    o.onStep?.(finished, total);
  }
  episodes.sort((a, b) => a.episodeId! - b.episodeId!);
  return {
    samples: byTrajectory.flat(),
    episodes,
    generatedTokens,
    seconds: (performance.now() - started) / 1000,
  };
}
