import type { EnvRegistry, Image, Info, ParseInfo, Prompt, TextEnv } from '@rl4vlm/env';
import { makeTextEnv } from './plugins.js';

/** Who wrote a reply. */
export type Player = 'you' | 'oracle' | 'model';

/** One step of the episode on screen: what was asked, answered, played and paid. */
export interface StepRecord {
  t: number;
  by: Player;
  prompt: string;
  reply: string;
  /** The chain of thought: the reply's `thoughts` field, or the text before `"action":`. */
  thoughts: string;
  parseOk: boolean;
  action?: unknown;
  /** The action's label where the action space has labels. */
  actionLabel?: string;
  parseError?: string;
  reward: number;
  /** The frame after the step. */
  frame: Image;
}

/**
 * One seeded episode of an env, stepped one reply at a time: the page's model of what is on
 * screen (no DOM here, so Node tests can drive it too). `frames[0]` is the reset frame.
 */
export class Session {
  readonly frames: Image[] = [];
  readonly steps: StepRecord[] = [];
  totalReturn = 0;
  done = false;
  private observation: unknown;
  info: Info = {};

  private constructor(
    readonly envId: string,
    readonly seed: number,
    private readonly env: TextEnv<unknown, unknown>,
  ) {}

  /** Makes the env and resets it with `seed`. */
  static async start(registry: EnvRegistry, envId: string, seed: number): Promise<Session> {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new RangeError(`The seed must be a whole number ≥ 0, got ${seed}`);
    const session = new Session(envId, seed, makeTextEnv(registry, envId));
    const { observation, info } = await session.env.reset({ seed });
    session.observation = observation;
    session.info = info;
    session.frames.push(await session.env.render());
    return session;
  }

  /** What the model is shown now. */
  prompt(): Prompt {
    return this.env.prompt(this.observation, this.info);
  }

  /**
   * The actions a person can click now: `info.legalActions` (or ALFWorld's
   * `info.admissibleCommands`) where the env gives them, else every label of the action space.
   */
  actionLabels(): string[] {
    const legal = this.info.legalActions ?? this.info.admissibleCommands;
    if (Array.isArray(legal) && legal.length) return legal.map(String);
    const labels = (this.env.env.actionSpace as { labels?: readonly string[] }).labels;
    return labels ? [...labels] : [];
  }

  /** Sends a reply to the env and records the step. */
  async step(reply: string, by: Player): Promise<StepRecord> {
    if (this.done) throw new Error('The episode is over: start a new one');
    const prompt = this.prompt();
    const result = await this.env.step(reply);
    const parse = (result.info.parse ?? {}) as Partial<ParseInfo>;
    const frame = await this.env.render();
    const record: StepRecord = {
      t: this.steps.length,
      by,
      prompt: prompt.text,
      reply,
      thoughts: thoughtsOf(reply),
      parseOk: parse.ok !== false,
      action: parse.action,
      actionLabel: this.labelOf(parse.action),
      parseError: parse.error,
      reward: result.reward,
      frame,
    };
    this.steps.push(record);
    this.frames.push(frame);
    this.totalReturn += result.reward;
    this.observation = result.observation;
    this.info = result.info;
    this.done = result.terminated || result.truncated;
    return record;
  }

  async close(): Promise<void> {
    await this.env.close();
  }

  private labelOf(action: unknown): string | undefined {
    const space = this.env.env.actionSpace as { labels?: readonly string[]; start?: number };
    if (typeof action === 'string') return action;
    if (!space.labels || typeof action !== 'number') return undefined;
    return space.labels[action - (space.start ?? 0)];
  }
}

/** A clicked or typed action as a reply in the env's format; a typed reply with `"action"` is sent as is (as `rl4vlm play`). */
export function toReply(typed: string): string {
  const text = typed.trim();
  if (text.includes('"action"')) return text;
  return `{"thoughts": "played by a person", "action": ${JSON.stringify(text)}}`;
}

/** The chain of thought of a reply: its JSON `thoughts`, else the text before `"action":`. */
export function thoughtsOf(reply: string): string {
  const quoted = /"thoughts"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(reply);
  if (quoted) {
    try {
      return JSON.parse(`"${quoted[1]}"`) as string;
    } catch {
      return quoted[1]!;
    }
  }
  const at = reply.indexOf('"action"');
  return (at >= 0 ? reply.slice(0, at) : reply).replace(/[{,\s]+$/, '').trim();
}
