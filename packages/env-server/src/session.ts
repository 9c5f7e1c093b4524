import { type Env, type Info, isImage, type TextEnv } from '@rl4vlm/env';
import { toJsonSafe } from './json-safe.js';
import { encodeWirePng } from './png-codec.js';
import {
  type ClientMessage,
  ERROR_CODES,
  type ObservationMessage,
  ProtocolError,
  type ServerMessage,
  type StateMessage,
  type StepData,
  type WireObservation,
} from './protocol.js';

/** What a session plays: the env, and its text layer when the env has one. */
export interface SessionEnv {
  env: Env<unknown, unknown>;
  /** The env wrapped in its text layer; replies are parsed by it. */
  textEnv?: TextEnv<unknown, unknown>;
}

/** The labels of a labelled `Discrete` space (by shape, so a second copy of `@rl4vlm/env` still matches). */
export function actionLabelsOf(env: Env<unknown, unknown>): string[] | null {
  const labels = (env.actionSpace as { labels?: unknown }).labels;
  return Array.isArray(labels) ? labels.map(String) : null;
}

/** The images a VLM sees in an env without a text layer: the observation itself or its `image`. */
function imagesOf(observation: unknown): unknown[] {
  if (isImage(observation)) return [observation];
  const image = (observation as { image?: unknown } | null)?.image;
  return isImage(image) ? [image] : [];
}

/**
 * One WebSocket session: one env instance, its episode and step counters. `handle` answers one
 * client message; env errors come back as `EXECUTION_ERROR` and leave the session usable.
 */
export class EnvSession {
  readonly id: string;
  private readonly envId: string;
  private readonly made: SessionEnv;
  private readonly labels: string[] | null;
  private episodes = 0;
  private episodeId: string | null = null;
  private seed: number | null = null;
  private stepCount = 0;
  private episodeReturn = 0;
  private done = false;
  private started = false;
  private images = true;

  constructor(id: string, envId: string, made: SessionEnv) {
    this.id = id;
    this.envId = envId;
    this.made = made;
    this.labels = actionLabelsOf(made.env);
  }

  /** Answers one message (`close` answers nothing: the caller closes the socket). */
  async handle(message: ClientMessage): Promise<ServerMessage | null> {
    switch (message.type) {
      case 'reset': {
        const { seed, episode_id, images } = message.data;
        const options = seed === undefined ? {} : { seed };
        const { observation, info } = this.made.textEnv
          ? await this.made.textEnv.reset(options)
          : await this.made.env.reset(options);
        this.episodes += 1;
        this.episodeId = episode_id ?? `${this.id}-${this.episodes}`;
        this.seed = seed ?? null;
        this.stepCount = 0;
        this.episodeReturn = 0;
        this.done = false;
        this.started = true;
        if (images !== undefined) this.images = images;
        return this.observationMessage(observation, info, null, false, false);
      }
      case 'step': {
        if (!this.started) throw new ProtocolError(ERROR_CODES.execution, 'No episode yet: send reset first');
        if (this.done)
          throw new ProtocolError(
            ERROR_CODES.execution,
            'The episode is over: send reset to start the next one',
          );
        const result = await this.step(message.data);
        this.stepCount += 1;
        this.episodeReturn += result.reward;
        this.done = result.terminated || result.truncated;
        return this.observationMessage(
          result.observation,
          result.info,
          result.reward,
          result.terminated,
          result.truncated,
        );
      }
      case 'state':
        return this.stateMessage();
      case 'close':
        return null;
    }
  }

  /** Frees the env. */
  async close(): Promise<void> {
    await (this.made.textEnv ?? this.made.env).close();
  }

  private async step(data: StepData) {
    const { env, textEnv } = this.made;
    if ('reply' in data) {
      if (!textEnv)
        throw new ProtocolError(
          ERROR_CODES.validation,
          `Env '${this.envId}' has no text layer, so it cannot parse a reply; send {"action": …} instead`,
        );
      return textEnv.step(data.reply);
    }
    const action = this.resolveAction(data.action);
    return textEnv ? textEnv.stepAction(action) : env.step(action);
  }

  /** A label becomes its index; an index must be in range; envs without labels get the action as sent. */
  private resolveAction(action: string | number): unknown {
    if (!this.labels) return action;
    if (typeof action === 'number') {
      if (action < 0 || action >= this.labels.length)
        throw new ProtocolError(
          ERROR_CODES.validation,
          `Action index ${action} is out of range: 0..${this.labels.length - 1} (${this.labels.join(', ')})`,
        );
      return action + ((this.made.env.actionSpace as { start?: number }).start ?? 0);
    }
    const index = this.labels.indexOf(action);
    if (index < 0)
      throw new ProtocolError(
        ERROR_CODES.validation,
        `Unknown action label ${JSON.stringify(action)}; the labels are ${this.labels.map((l) => JSON.stringify(l)).join(', ')}`,
      );
    return index + ((this.made.env.actionSpace as { start?: number }).start ?? 0);
  }

  private observationMessage(
    observation: unknown,
    info: Info,
    reward: number | null,
    terminated: boolean,
    truncated: boolean,
  ): ObservationMessage {
    let prompt: string | null = null;
    let images: unknown[];
    if (this.made.textEnv) {
      const shown = this.made.textEnv.prompt(observation, info);
      prompt = shown.text;
      images = shown.images;
    } else {
      images = imagesOf(observation);
    }
    const wire: WireObservation = {
      prompt,
      images: this.images
        ? images.filter(isImage).map((image) => encodeWirePng(image).toString('base64'))
        : [],
      action_labels: this.labels,
      info: toJsonSafe(info) as Record<string, unknown>,
      terminated,
      truncated,
    };
    return { type: 'observation', data: { observation: wire, reward, done: terminated || truncated } };
  }

  private stateMessage(): StateMessage {
    return {
      type: 'state',
      data: {
        episode_id: this.episodeId,
        step_count: this.stepCount,
        env_id: this.envId,
        seed: this.seed,
        done: this.done,
        episode_return: this.episodeReturn,
      },
    };
  }
}
