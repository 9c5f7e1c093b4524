import type { Env, Info, ResetOptions, ResetResult, StepResult } from './env.js';
import type { Image } from './image.js';
import { Rng } from './rng.js';
import { Text } from './spaces/text.js';

/** What a VLM is shown: a text prompt and the images it refers to (each `<image>` placeholder, in order). */
export interface Prompt {
  text: string;
  images: Image[];
}

/** A reply that could not be turned into an action, and why. */
export interface InvalidReply {
  invalid: string;
}

/** True when `parse` returned {@link InvalidReply}. */
export function isInvalidReply(x: unknown): x is InvalidReply {
  return (
    typeof x === 'object' && x !== null && 'invalid' in x && typeof (x as InvalidReply).invalid === 'string'
  );
}

/**
 * The text layer of an env: how its state is shown to a VLM and how a reply becomes an action.
 * Both functions are pure, so a trainer can build prompts next to the policy even when the env
 * itself runs in a worker.
 */
export interface TextInterface<Obs, Act> {
  /** The prompt for this observation; `info` carries what the image alone does not (e.g. a formula). */
  prompt(observation: Obs, info: Info): Prompt;
  /** The action named by a model's reply, or why none could be read from it. */
  parse(reply: string, info: Info): Act | InvalidReply;
  /**
   * Set when the env takes the reply text itself as its action and parses it (a remote env whose
   * server owns the text layer): {@link TextEnv.step} then passes the reply through unchanged and
   * keeps the env's own `info.parse`.
   */
  readonly passthrough?: boolean;
}

/**
 * What to do with a reply that does not parse:
 * - `random`: play a uniformly random legal action (what RL4VLM does);
 * - `penalty`: do not step the env, give `penalty` as the reward;
 * - `noop`: do not step the env, reward 0.
 */
export type InvalidReplyPolicy = { kind: 'random' } | { kind: 'penalty'; penalty: number } | { kind: 'noop' };

/** What `info.parse` holds after each {@link TextEnv.step}: whether the reply parsed and what was played. */
export interface ParseInfo<Act = unknown> {
  ok: boolean;
  /** The action sent to the env; absent when the env was not stepped. */
  action?: Act;
  /** Why the reply did not parse. */
  error?: string;
  /** How an invalid reply was handled. */
  handledBy?: InvalidReplyPolicy['kind'];
}

/**
 * An env whose actions are a model's text replies. `step(reply)` parses the reply with the
 * env's {@link TextInterface}; an invalid reply is handled by the {@link InvalidReplyPolicy}
 * and recorded in `info.parse`, so trainers can report the format-error rate.
 *
 * @example
 * const textEnv = new TextEnv(make('gym-cards/NumberLine-v0'), numberLineText({ cot: true }));
 * const { observation, info } = await textEnv.reset({ seed: 1 });
 * const prompt = textEnv.prompt(observation, info);
 * const step = await textEnv.step('{"thoughts": "...", "action": "+"}');
 * step.info.parse; // { ok: true, action: 1 }
 */
export class TextEnv<Obs, Act> implements Env<Obs, string> {
  readonly env: Env<Obs, Act>;
  readonly text: TextInterface<Obs, Act>;
  readonly onInvalid: InvalidReplyPolicy;
  readonly actionSpace = new Text({ maxLength: 1_000_000, charset: '' });
  private rng = new Rng();
  private last?: { observation: Obs; info: Info };
  private elapsed = 0;

  constructor(
    env: Env<Obs, Act>,
    text: TextInterface<Obs, Act>,
    { onInvalid = { kind: 'random' } as InvalidReplyPolicy } = {},
  ) {
    this.env = env;
    this.text = text;
    this.onInvalid = onInvalid;
  }

  get observationSpace() {
    return this.env.observationSpace;
  }
  get metadata() {
    return this.env.metadata;
  }
  get spec() {
    return this.env.spec;
  }

  prompt(observation: Obs, info: Info): Prompt {
    return this.text.prompt(observation, info);
  }

  parse(reply: string, info: Info): Act | InvalidReply {
    return this.text.parse(reply, info);
  }

  async reset(options: ResetOptions = {}): Promise<ResetResult<Obs>> {
    // The fallback generator is seeded from the episode seed, so random fallbacks replay too.
    if (options.seed !== undefined) this.rng = new Rng((options.seed ^ 0x5bd1e995) | 0);
    const result = await this.env.reset(options);
    this.last = result;
    this.elapsed = 0;
    return result;
  }

  async step(reply: string): Promise<StepResult<Obs>> {
    if (!this.last) throw new Error('Cannot call step(): call reset() first');
    if (this.text.passthrough) {
      const result = await this.env.step(reply as Act);
      this.last = { observation: result.observation, info: result.info };
      return result;
    }
    const parsed = this.text.parse(reply, this.last.info);
    let result: StepResult<Obs>;
    let parse: ParseInfo<Act>;
    if (!isInvalidReply(parsed)) {
      result = await this.env.step(parsed);
      parse = { ok: true, action: parsed };
    } else if (this.onInvalid.kind === 'random') {
      const action = this.env.actionSpace.sample(this.rng);
      result = await this.env.step(action);
      parse = { ok: false, action, error: parsed.invalid, handledBy: 'random' };
    } else {
      // The env is not stepped, but the episode still counts the step so a model that never
      // answers in format cannot loop forever.
      this.elapsed += 1;
      const limit = this.env.spec?.maxEpisodeSteps;
      result = {
        observation: this.last.observation,
        reward: this.onInvalid.kind === 'penalty' ? this.onInvalid.penalty : 0,
        terminated: false,
        truncated: limit !== undefined && this.elapsed >= limit,
        info: { ...this.last.info },
      };
      parse = { ok: false, error: parsed.invalid, handledBy: this.onInvalid.kind };
    }
    if (parse.ok || parse.handledBy === 'random') this.elapsed += 1;
    this.last = { observation: result.observation, info: result.info };
    return { ...result, info: { ...result.info, parse } };
  }

  /**
   * Steps with an action chosen without text (an index or label sent by a remote client, a
   * scripted controller); `info.parse` records it as a reply that parsed.
   */
  async stepAction(action: Act): Promise<StepResult<Obs>> {
    if (!this.last) throw new Error('Cannot call stepAction(): call reset() first');
    const result = await this.env.step(action);
    this.elapsed += 1;
    this.last = { observation: result.observation, info: result.info };
    const parse: ParseInfo<Act> = { ok: true, action };
    return { ...result, info: { ...result.info, parse } };
  }

  async render(): Promise<Image> {
    return this.env.render();
  }

  async close(): Promise<void> {
    await this.env.close();
  }
}
