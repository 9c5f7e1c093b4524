import type { Image, Info, TextEnv } from '@rl4vlm/env';

/** One step of a played episode: what the model saw and said, and what happened. */
export interface PlayedStep {
  prompt: string;
  reply: string;
  parseOk: boolean;
  /** The action sent to the env, and its label where the action space has labels. */
  action?: unknown;
  actionLabel?: string;
  parseError?: string;
  reward: number;
}

/** An episode with its frames: `frames[t]` is the observation before step `t`; the last is after the end. */
export interface PlayedEpisode {
  envId: string;
  seed: number;
  steps: PlayedStep[];
  frames: Image[];
  return: number;
  /** The paper's success: return > 0. */
  success: boolean;
  /** True when the episode was cut by `maxSteps` rather than ending on its own. */
  capped: boolean;
  finalInfo: Info;
}

/** Where replies come from: a policy, a person, or a recorded transcript. */
export type ReplySource = (
  prompt: { text: string; images: Image[] },
  info: Info,
  step: number,
) => Promise<string> | string;

function labelOf(env: TextEnv<unknown, unknown>, action: unknown): string | undefined {
  const labels = (env.env.actionSpace as { labels?: readonly string[]; start?: number }).labels;
  if (!labels || typeof action !== 'number') return undefined;
  const start = (env.env.actionSpace as { start?: number }).start ?? 0;
  return labels[action - start];
}

/**
 * Plays one seeded episode of a {@link TextEnv}, recording each prompt, reply, parsed action and
 * reward with the frames. Replaying recorded replies on the same seed reproduces the episode
 * exactly (envs are seeded, and so is the `random` fallback for unparsable replies).
 */
export async function playEpisode(
  env: TextEnv<unknown, unknown>,
  reply: ReplySource,
  { seed, maxSteps = 100 }: { seed: number; maxSteps?: number },
): Promise<PlayedEpisode> {
  let { observation, info } = await env.reset({ seed });
  const frames: Image[] = [await env.render()];
  const steps: PlayedStep[] = [];
  let total = 0;
  let ended = false;
  for (let t = 0; t < maxSteps && !ended; t++) {
    const prompt = env.prompt(observation, info);
    const text = await reply(prompt, info, t);
    const result = await env.step(text);
    const parse = (result.info.parse ?? {}) as { ok?: boolean; action?: unknown; error?: string };
    steps.push({
      prompt: prompt.text,
      reply: text,
      parseOk: parse.ok !== false,
      action: parse.action,
      actionLabel: labelOf(env, parse.action),
      parseError: parse.error,
      reward: result.reward,
    });
    total += result.reward;
    frames.push(await env.render());
    ({ observation, info } = result);
    ended = result.terminated || result.truncated;
  }
  return {
    envId: env.spec?.id ?? 'unknown',
    seed,
    steps,
    frames,
    return: total,
    success: total > 0,
    capped: !ended,
    finalInfo: info,
  };
}
