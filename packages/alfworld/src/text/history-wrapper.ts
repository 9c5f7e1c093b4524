import { type Env, type ResetOptions, type ResetResult, type StepResult, Wrapper } from '@rl4vlm/env';
import { z } from 'zod';
import type { AlfworldObservation } from '../observation.js';

/** One earlier step as the prompt shows it: what the agent saw, then the command it played there. */
export interface AlfworldHistoryEntry {
  observation: string;
  action: string;
}

/**
 * `history`: how many earlier steps (observation, then the command played) the prompt shows
 * before the current scene; 0 (default) is RL4VLM's single-step prompt.
 */
export const historyKwargSchema = z.number().int().min(0).max(50).default(0);

/**
 * Keeps the last `length` steps of the episode in `info.history` (oldest first), which
 * {@link alfworldPrompt} shows before the current scene, so a policy can see what it just did,
 * as verl-agent's ALFWorld prompt does (history length 2). RL4VLM's prompt has no history: its
 * policy cannot tell that it is going round in a circle. `info.stepIndex` still counts every step.
 */
export class AlfworldHistoryWrapper extends Wrapper<AlfworldObservation, string> {
  readonly length: number;
  private entries: AlfworldHistoryEntry[] = [];
  private lastText = '';

  constructor(env: Env<AlfworldObservation, string>, length: number) {
    super(env);
    if (!Number.isInteger(length) || length < 1)
      throw new RangeError(`AlfworldHistoryWrapper length must be an integer ≥ 1, got ${length}`);
    this.length = length;
  }

  override async reset(options?: ResetOptions): Promise<ResetResult<AlfworldObservation>> {
    const result = await this.env.reset(options);
    this.entries = [];
    this.lastText = result.observation.text;
    return { ...result, info: { ...result.info, history: [] } };
  }

  override async step(action: string): Promise<StepResult<AlfworldObservation>> {
    const result = await this.env.step(action);
    this.entries = [...this.entries, { observation: this.lastText, action: String(action) }].slice(
      -this.length,
    );
    this.lastText = result.observation.text;
    return { ...result, info: { ...result.info, history: this.entries } };
  }
}
