/** Types of the sidecar's JSON-lines protocol, version 1 (see `python/alfworld_server.py`). */

export const PROTOCOL_VERSION = 1;

/** A frame as the sidecar sends it: always RGB, as a base64 PNG. */
export interface WireImage {
  mime: 'image/png';
  width: number;
  height: number;
  b64: string;
}

/** One slot's state after `reset` or `step`. */
export interface SlotRecord {
  slot: number;
  game: { id: string | null; task_type: string; goal_text: string };
  obs: string;
  admissible_commands: string[];
  step_index: number;
  won: boolean;
  done: boolean;
  truncated: boolean;
  score: number;
  /** `null` where the backend does not compute it (ALFWorld's TW env). */
  goal_condition_success_rate: number | null;
  /** Was the command in the slot's previous admissible list (computed by the server). */
  command_valid: boolean;
  expert_plan?: string[];
  image?: WireImage;
  /** Set when a finished slot was stepped again: the last record, repeated. */
  step_after_done?: boolean;
}

/** What `init` takes. */
export interface InitRequest {
  batch_size: number;
  seed: number;
  max_steps: number;
  image: { enabled: boolean; width: number; height: number };
  env_type: 'tw' | 'thor' | 'hybrid';
  split: string;
  task_types?: string[];
  controller?: string;
  config_path?: string;
  data_path?: string;
  config_overrides?: Record<string, unknown>;
  /** Backend-specific options (the test backend's `hang_on_init`). */
  options?: Record<string, unknown>;
}

/** What `init` returns. */
export interface InitResult {
  num_games: number;
  wording: string;
  batch_size: number;
}

/** What `hello` returns. */
export interface HelloResult {
  protocol: number;
  python: string;
  pid: number;
  backend: string;
  capabilities: { tw: boolean; thor: boolean; images: boolean };
  data_ok: boolean;
  [key: string]: unknown;
}

export interface WireError {
  code: string;
  message: string;
  retryable: boolean;
  traceback?: string;
}

export type ServerMessage =
  | { v: number; event: 'ready'; protocol: number; backend: string; pid: number }
  | { v: number; event: 'fatal'; error: WireError }
  | { v: number; event: 'log'; message: string }
  | { v: number; id: number | null; ok: true; result: unknown }
  | { v: number; id: number | null; ok: false; error: WireError };
