/**
 * OpenEnv's WebSocket message shapes (see `spec/env-servers.md`), as rl4vlm's env server speaks
 * them, and the checks that turn any incoming text into one of them or a clear error.
 */

/** Error codes of OpenEnv's `{"type":"error","data":{"message","code"}}` replies. */
export const ERROR_CODES = {
  /** The message is not JSON. */
  invalidJson: 'INVALID_JSON',
  /** `type` is none of reset, step, state, close. */
  unknownType: 'UNKNOWN_TYPE',
  /** The message's fields are wrong (a missing action, a seed that is not an integer, …). */
  validation: 'VALIDATION_ERROR',
  /** The env threw (a step before reset, an action outside the action space, …). */
  execution: 'EXECUTION_ERROR',
  /** The server already runs its maximum number of sessions. */
  capacity: 'CAPACITY_REACHED',
  /** The env could not be built for this session. */
  factory: 'FACTORY_ERROR',
  /** The session ended on the server's side (idle for too long, server shutting down). */
  session: 'SESSION_ERROR',
  /** No or a wrong bearer token (HTTP 401). */
  unauthorized: 'UNAUTHORIZED',
} as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** `data` of a `reset` message: OpenEnv's `ResetRequest` (extra fields are allowed and ignored). */
export interface ResetData {
  /** Seeds the env: the same seed gives the same episode as `env.reset({seed})` in process. */
  seed?: number;
  /** The caller's name for the episode; echoed in `state`. */
  episode_id?: string;
  /** Leave the PNG images out of observations (a text-only client saves the encoding). Default true. */
  images?: boolean;
}

/**
 * `data` of a `step` message: exactly one of `reply` (a model's free text, parsed by the env's text
 * layer; the parse result comes back in `info.parse`) or `action` (a label such as `"+"`, an index,
 * or for envs whose actions are text, the command itself).
 */
export type StepData =
  | { reply: string; metadata?: unknown }
  | { action: string | number; metadata?: unknown };

/** Messages a client sends. */
export type ClientMessage =
  | { type: 'reset'; data: ResetData }
  | { type: 'step'; data: StepData }
  | { type: 'state' }
  | { type: 'close' };

/** The env's observation as it travels: what a VLM sees plus Gymnasium's step facts. */
export interface WireObservation {
  /** The text layer's prompt (`null` for an env without one). */
  prompt: string | null;
  /** The prompt's images (one per `<image>` in `prompt`), each a base64 PNG; empty when `images: false`. */
  images: string[];
  /** The labels of a labelled `Discrete` action space, else `null`. */
  action_labels: string[] | null;
  /** The step's `info`, made JSON-safe (images as base64 PNG, typed arrays as arrays). */
  info: Record<string, unknown>;
  terminated: boolean;
  truncated: boolean;
}

/** Server → client: OpenEnv's observation reply (`done` = terminated or truncated; `reward` null at reset). */
export interface ObservationMessage {
  type: 'observation';
  data: { observation: WireObservation; reward: number | null; done: boolean };
}

/** Server → client: the session's state (OpenEnv's `State`: `episode_id`, `step_count`, and more). */
export interface StateMessage {
  type: 'state';
  data: {
    episode_id: string | null;
    step_count: number;
    env_id: string;
    seed: number | null;
    done: boolean;
    episode_return: number;
  };
}

/** Server → client: what went wrong; the session stays open unless the server closes it. */
export interface ErrorMessage {
  type: 'error';
  data: { message: string; code: ErrorCode };
}

/** Messages a server sends. */
export type ServerMessage = ObservationMessage | StateMessage | ErrorMessage;

/** A message that could not be understood, with the error code to answer it with. */
export class ProtocolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

const TYPES = ['reset', 'step', 'state', 'close'] as const;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Reads one client message; throws {@link ProtocolError} saying which field is wrong and what is allowed. */
export function parseClientMessage(text: string): ClientMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    throw new ProtocolError(
      ERROR_CODES.invalidJson,
      `Message is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  if (!isRecord(message)) throw new ProtocolError(ERROR_CODES.validation, 'Message must be a JSON object');
  const type = message.type;
  if (!TYPES.includes(type as (typeof TYPES)[number])) {
    throw new ProtocolError(
      ERROR_CODES.unknownType,
      `Unknown message type ${JSON.stringify(type)}; expected one of ${TYPES.join(', ')}`,
    );
  }
  if (type === 'state' || type === 'close') return { type: type as 'state' | 'close' };
  const data = message.data ?? {};
  if (!isRecord(data)) throw new ProtocolError(ERROR_CODES.validation, `'data' of ${type} must be an object`);
  if (type === 'reset') {
    const { seed, episode_id, images } = data;
    if (seed !== undefined && seed !== null && !Number.isSafeInteger(seed))
      throw new ProtocolError(
        ERROR_CODES.validation,
        `reset: 'seed' must be an integer, got ${JSON.stringify(seed)}`,
      );
    if (
      episode_id !== undefined &&
      episode_id !== null &&
      (typeof episode_id !== 'string' || episode_id.length > 255)
    )
      throw new ProtocolError(
        ERROR_CODES.validation,
        "reset: 'episode_id' must be a string of at most 255 characters",
      );
    if (images !== undefined && typeof images !== 'boolean')
      throw new ProtocolError(ERROR_CODES.validation, "reset: 'images' must be true or false");
    return {
      type: 'reset',
      data: {
        ...(typeof seed === 'number' ? { seed } : {}),
        ...(typeof episode_id === 'string' ? { episode_id } : {}),
        ...(typeof images === 'boolean' ? { images } : {}),
      },
    };
  }
  const hasReply = 'reply' in data;
  const hasAction = 'action' in data;
  if (hasReply === hasAction)
    throw new ProtocolError(
      ERROR_CODES.validation,
      'step: data must have exactly one of "reply" (a model\'s text) or "action" (a label or index)',
    );
  if (hasReply && typeof data.reply !== 'string')
    throw new ProtocolError(ERROR_CODES.validation, "step: 'reply' must be a string");
  if (hasAction && typeof data.action !== 'string' && !Number.isInteger(data.action))
    throw new ProtocolError(
      ERROR_CODES.validation,
      "step: 'action' must be a label (string) or an index (integer)",
    );
  return {
    type: 'step',
    data: hasReply ? { reply: data.reply as string } : { action: data.action as string | number },
  };
}
