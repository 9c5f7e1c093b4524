import { type Env, type ResetOptions, type ResetResult, type StepResult, Wrapper } from '@rl4vlm/env';
import { z } from 'zod';

/** Options of {@link AlfworldRewardWrapper}, validated with zod (defaults: RL4VLM's). */
export const alfworldRewardSchema = z
  .object({
    /** Paid on every step where the task is won (RL4VLM: 50). */
    successBonus: z.number().finite().default(50),
    /** Weight of the goal-condition success rate (RL4VLM: 1). */
    progressWeight: z.number().finite().default(1),
    /** Subtracted when the command was not admissible or the reply did not parse (RL4VLM: 1). */
    invalidPenalty: z.number().finite().min(0).default(1),
    /**
     * `level` (RL4VLM): the rate itself is paid every step, so progress pays again and again.
     * `difference`: only its change since the previous step is paid (a potential-based shaping).
     */
    progressMode: z.enum(['level', 'difference']).default('level'),
  })
  .strict();

/** Reward settings after defaults. */
export type AlfworldRewardOptions = z.output<typeof alfworldRewardSchema>;
/** Reward settings as a user gives them. */
export type AlfworldRewardOptionsInput = z.input<typeof alfworldRewardSchema>;

/** Validates reward settings; the error names the bad field and what is allowed. */
export function parseAlfworldRewardOptions(input: unknown = {}): AlfworldRewardOptions {
  const parsed = alfworldRewardSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new RangeError(`Invalid ALFWorld reward options:\n  - ${problems.join('\n  - ')}`);
  }
  return parsed.data;
}

/** The three terms of the last reward, in `info.rewardTerms`. */
export interface AlfworldRewardTerms {
  success: number;
  progress: number;
  penalty: number;
}

/**
 * RL4VLM's ALFWorld reward (`VLM_PPO_ALF`, spec `rl4vlm.md` §4):
 * `r = successBonus·won + progressWeight·goal_condition_success_rate − invalidPenalty·illegal`,
 * paid every step. It reads `info.won`, `info.goalConditionSuccessRate` and `info.commandValid`
 * (both ALFWorld envs set them); the command also counts as illegal when `info.parse.ok` is
 * false, which is there when this wrapper sits outside a `TextEnv` (an empty reply that was
 * replaced by a random command, exactly as RL4VLM penalises it). The env's own reward is kept in
 * `info.envReward`, the terms in `info.rewardTerms`.
 */
export class AlfworldRewardWrapper<Obs> extends Wrapper<Obs, any> {
  readonly options: AlfworldRewardOptions;
  private lastRate = 0;

  constructor(env: Env<Obs, any>, options: AlfworldRewardOptionsInput = {}) {
    super(env);
    this.options = parseAlfworldRewardOptions(options);
  }

  override async reset(options?: ResetOptions): Promise<ResetResult<Obs>> {
    const result = await this.env.reset(options);
    this.lastRate = rateOf(result.info);
    return result;
  }

  override async step(action: unknown): Promise<StepResult<Obs>> {
    const result = await this.env.step(action);
    const { info } = result;
    const rate = rateOf(info);
    const parse = info.parse as { ok?: boolean } | undefined;
    const illegal = info.commandValid === false || parse?.ok === false;
    const { successBonus, progressWeight, invalidPenalty, progressMode } = this.options;
    const terms: AlfworldRewardTerms = {
      success: info.won === true ? successBonus : 0,
      progress: progressWeight * (progressMode === 'level' ? rate : rate - this.lastRate),
      penalty: illegal ? -invalidPenalty : 0,
    };
    this.lastRate = rate;
    const reward = terms.success + terms.progress + terms.penalty;
    return { ...result, reward, info: { ...info, envReward: result.reward, rewardTerms: terms } };
  }
}

function rateOf(info: Record<string, unknown>): number {
  const rate = info.goalConditionSuccessRate;
  return typeof rate === 'number' && Number.isFinite(rate) ? rate : 0;
}
