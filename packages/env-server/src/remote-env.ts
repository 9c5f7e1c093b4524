import {
  type Env,
  type EnvSpec,
  type Image,
  type Info,
  type Prompt,
  REMOTE_ENV_ID_PATTERN,
  type ResetOptions,
  type ResetResult,
  type Rng,
  type Space,
  type SpaceJSON,
  type StepResult,
  type TextInterface,
} from '@rl4vlm/env';
import { EnvClient, type EnvClientOptions, EnvConnectionError } from './client.js';
import { decodeWirePng } from './png-codec.js';
import type { WireObservation } from './protocol.js';

/** What a {@link RemoteEnv} observes: the server's prompt, its images decoded, and the action labels. */
export interface RemoteObservation {
  prompt: string | null;
  images: Image[];
  actionLabels: string[] | null;
}

/** `info` of a {@link RemoteEnv} step that the server could not play. */
export interface RemoteFailureInfo extends Info {
  /** What went wrong (the server died, the connection dropped). */
  error: string;
  errorCode: 'CONNECTION_LOST';
  /** The server that failed. */
  server: string;
}

/** Any {@link RemoteObservation}; a remote observation space knows no more than its shape. */
class RemoteObservationSpace implements Space<RemoteObservation> {
  sample(): RemoteObservation {
    throw new Error('A remote env cannot sample observations');
  }
  contains(x: unknown): x is RemoteObservation {
    return typeof x === 'object' && x !== null && Array.isArray((x as RemoteObservation).images);
  }
  toJSON(): SpaceJSON {
    return { type: 'Dict', spaces: { prompt: { type: 'Text', minLength: 0, maxLength: 1_000_000 } } };
  }
}

/**
 * What a {@link RemoteEnv} accepts: any reply text (the server parses it). It knows the server's
 * action labels when told them, so label-based baselines (`random`) can play remote envs.
 */
class RemoteActionSpace implements Space<string> {
  readonly labels?: readonly string[];
  constructor(labels?: readonly string[]) {
    this.labels = labels ? [...labels] : undefined;
  }
  sample(rng: Rng): string {
    if (!this.labels?.length) throw new Error('A remote env without action labels cannot sample an action');
    return this.labels[rng.int(0, this.labels.length - 1)]!;
  }
  contains(x: unknown): x is string {
    return typeof x === 'string';
  }
  toJSON(): SpaceJSON {
    return { type: 'Text', minLength: 0, maxLength: 1_000_000 };
  }
}

/** Options of {@link RemoteEnv}. */
export interface RemoteEnvOptions extends EnvClientOptions {
  /** Env servers (`ws://host:port`); this env starts on `urls[index % urls.length]` and fails over to the next. */
  urls: readonly string[];
  /** Which server to start on (env n of a run uses server n mod the number of servers). Default 0. */
  index?: number;
  /** Called with a line when the env fails over or reconnects. */
  onLog?: (line: string) => void;
  /** The server's action labels (from `/metadata`), exposed as `actionSpace.labels`. */
  actionLabels?: readonly string[] | null;
}

function toObservation(wire: WireObservation): RemoteObservation {
  return {
    prompt: wire.prompt,
    images: wire.images.map((b64) => decodeWirePng(Buffer.from(b64, 'base64'))),
    actionLabels: wire.action_labels,
  };
}

/**
 * An env that lives on an env server (`rl4vlm env-serve`): one session per instance, connected on
 * the first `reset`. `step(reply)` sends the model's text, which the server's text layer parses
 * (its verdict comes back in `info.parse`); {@link RemoteEnv.stepAction} sends a label or index.
 *
 * When the server dies mid-episode, `step` does not throw: it ends the episode as `truncated` with
 * `info.error` naming the server, and the next `reset` reconnects, to the same server or the next
 * one that answers, so a run goes on (as the ALFWorld sidecar does). A `reset` that finds no
 * server answering throws one error listing every server and why.
 *
 * @example
 * const env = new TextEnv(new RemoteEnv({ urls: ['ws://127.0.0.1:8000'] }), remoteText);
 * const { observation, info } = await env.reset({ seed: 1 });
 * env.prompt(observation, info).text; // the server's prompt
 * await env.step('{"thoughts": "...", "action": "+"}');
 */
export class RemoteEnv implements Env<RemoteObservation, string> {
  readonly observationSpace = new RemoteObservationSpace();
  readonly actionSpace: RemoteActionSpace;
  readonly metadata = { renderModes: ['rgb_array'] };
  spec?: Env['spec'];
  /** Connections opened so far (1 + reconnections). */
  connections = 0;
  private readonly options: RemoteEnvOptions;
  private serverIndex: number;
  private client?: EnvClient;
  private last?: RemoteObservation;
  private lastInfo: Info = {};

  constructor(options: RemoteEnvOptions) {
    if (options.urls.length === 0) throw new RangeError('RemoteEnv needs at least one env server URL');
    this.options = options;
    this.actionSpace = new RemoteActionSpace(options.actionLabels ?? undefined);
    this.serverIndex = (options.index ?? 0) % options.urls.length;
  }

  /** The server this env plays on now. */
  get server(): string {
    return this.options.urls[this.serverIndex]!;
  }

  async reset({ seed }: ResetOptions = {}): Promise<ResetResult<RemoteObservation>> {
    const data = seed === undefined ? {} : { seed };
    let client = await this.connected();
    let reply: Awaited<ReturnType<EnvClient['reset']>>;
    try {
      reply = await client.reset(data);
    } catch (error) {
      if (!(error instanceof EnvConnectionError)) throw error;
      // The session died between episodes: one retry on a fresh connection.
      this.drop(error.message);
      client = await this.connected();
      reply = await client.reset(data);
    }
    return this.remember(reply.observation);
  }

  async step(reply: string): Promise<StepResult<RemoteObservation>> {
    return this.play({ reply });
  }

  /** Steps with a label (e.g. `'+'`) or an action index instead of a model's reply. */
  async stepAction(action: string | number): Promise<StepResult<RemoteObservation>> {
    return this.play({ action });
  }

  async render(): Promise<Image> {
    const image = this.last?.images[0];
    if (!image) throw new Error(`RemoteEnv (${this.server}) has no image to render: reset first`);
    return image;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }

  private async play(
    data: { reply: string } | { action: string | number },
  ): Promise<StepResult<RemoteObservation>> {
    if (!this.client || !this.last) throw new Error('Cannot call step(): call reset() first');
    try {
      const reply = await this.client.step(data);
      const { observation, info } = this.remember(reply.observation);
      return {
        observation,
        info,
        reward: reply.reward ?? 0,
        terminated: reply.observation.terminated,
        truncated: reply.observation.truncated,
      };
    } catch (error) {
      if (!(error instanceof EnvConnectionError)) throw error;
      const server = this.server;
      this.drop(error.message);
      const info: RemoteFailureInfo = {
        ...this.lastInfo,
        error: error.message,
        errorCode: 'CONNECTION_LOST',
        server,
      };
      return { observation: this.last, reward: 0, terminated: false, truncated: true, info };
    }
  }

  private remember(wire: WireObservation): ResetResult<RemoteObservation> {
    this.last = toObservation(wire);
    this.lastInfo = wire.info;
    return { observation: this.last, info: wire.info };
  }

  private drop(why: string) {
    this.options.onLog?.(`env server ${this.server} lost (${why}); reconnecting on the next reset`);
    const client = this.client;
    this.client = undefined;
    void client?.close().catch(() => {});
  }

  /** The open session, or a new one on this server or, failing that, the next ones in turn. */
  private async connected(): Promise<EnvClient> {
    if (this.client?.open) return this.client;
    const { urls } = this.options;
    const failures: string[] = [];
    for (let tried = 0; tried < urls.length; tried++) {
      try {
        this.client = await EnvClient.connect(this.server, this.options);
        this.connections += 1;
        if (tried > 0) this.options.onLog?.(`failed over to env server ${this.server}`);
        return this.client;
      } catch (error) {
        failures.push(`  - ${(error as Error).message}`);
        // A wrong token is the same everywhere: say so at once.
        if (error instanceof EnvConnectionError && error.status === 401) break;
        this.serverIndex = (this.serverIndex + 1) % urls.length;
      }
    }
    throw new EnvConnectionError(
      urls.join(','),
      `no env server answered:\n${failures.join('\n')}\nStart one with: rl4vlm env-serve --env <id> --port <port>`,
    );
  }
}

/** The text layer of a {@link RemoteEnv}: the server's prompt as is, and replies passed through for the server to parse. */
export const remoteText: TextInterface<RemoteObservation, string> = {
  passthrough: true,
  prompt(observation: RemoteObservation): Prompt {
    return { text: observation.prompt ?? '', images: observation.images };
  },
  parse(reply: string): string {
    return reply;
  },
};

/** The server URLs of a `remote:ws://a:8000,ws://b:8000` env id. */
export function remoteUrls(id: string): string[] {
  if (!REMOTE_ENV_ID_PATTERN.test(id))
    throw new RangeError(
      `'${id}' is not a remote env id: write 'remote:' and one or more comma-separated ws:// URLs, e.g. 'remote:ws://127.0.0.1:8000'`,
    );
  return id.slice('remote:'.length).split(',');
}

/** Options of {@link remoteEnvSpec}. */
export interface RemoteEnvSpecOptions extends EnvClientOptions {
  onLog?: (line: string) => void;
  /** The servers' action labels (from `/metadata`). */
  actionLabels?: readonly string[] | null;
  /** One line for listings (e.g. the served env's id). */
  description?: string;
  /** The served env's expert, when the client knows it (the same env registered locally). */
  oracle?: EnvSpec['oracle'];
}

/**
 * A registry spec for a `remote:` id: each `make` builds a {@link RemoteEnv} on the next server in
 * turn (round-robin), so `numEnvs` envs of a run spread evenly over the servers. The env's
 * keyword arguments and text options are the server's (`rl4vlm env-serve --kwargs/--text`).
 *
 * @example
 * registry.register(remoteEnvSpec('remote:ws://10.0.0.5:8000,ws://10.0.0.6:8000'));
 * const envs = [0, 1, 2, 3].map(() => new TextEnv(registry.make(id), remoteText)); // a, b, a, b
 */
export function remoteEnvSpec(id: string, options: RemoteEnvSpecOptions = {}): EnvSpec {
  const urls = remoteUrls(id);
  let made = 0;
  return {
    id,
    description: options.description ?? `served by ${urls.join(', ')}`,
    factory: (kwargs: Record<string, unknown>) => {
      if (Object.keys(kwargs).length)
        throw new RangeError(
          `A remote env takes no kwargs here (got ${Object.keys(kwargs).join(', ')}): set them on the server with rl4vlm env-serve --kwargs`,
        );
      return new RemoteEnv({ ...options, urls, index: made++ });
    },
    text: () => remoteText,
    ...(options.oracle ? { oracle: options.oracle } : {}),
  };
}
