import {
  decodePng,
  type Env,
  type Image,
  InvalidActionError,
  ResetNeededError,
  type ResetOptions,
  type ResetResult,
  Rng,
  type StepResult,
} from '@rl4vlm/env';
import { CommandSpace } from '../household/command-space.js';
import { type AlfworldInfo, type AlfworldObservation, alfworldObservationSpace } from '../observation.js';
import { renderTextFrame } from '../render/text-frame.js';
import { AlfworldSidecar } from './alfworld-sidecar.js';
import { type BridgeOptions, type BridgeOptionsInput, parseBridgeOptions } from './bridge-options.js';
import { SidecarError } from './errors.js';
import type { SlotRecord } from './protocol.js';

/** `info` of {@link AlfworldEnv}. */
export interface AlfworldBridgeInfo extends AlfworldInfo {
  /** The game file (ALFWorld) or id (test backend). */
  gameId: string | null;
  /** ALFWorld's next expert command, where the backend gives one (train split, dagger). */
  expertCommand?: string;
  /** Where `goalConditionSuccessRate` came from: the backend (THOR), or `won` (TW has none). */
  goalConditionSource: 'backend' | 'won';
  /** Set on the step that ended an episode because the sidecar failed; says what happened. */
  error?: string;
  /** The failure's protocol code (`ENV_TIMEOUT`, `ENV_CRASH`, `INTERNAL`, …). */
  errorCode?: string;
}

/**
 * `alfworld/Bridge-v0`: Python ALFWorld driven through the package's JSON-lines sidecar
 * (`python/alfworld_server.py`). Async; the sidecar starts on the first `reset`.
 *
 * Failures never stop training: when the sidecar times out or dies during `step`, it is killed
 * and started again, and that step ends the episode as `truncated` with `info.error` saying
 * why; the next `reset` plays on. A failing `reset` is retried once on a fresh sidecar. A missing
 * interpreter or a missing `alfworld` module throws one clear error with the install command.
 *
 * @example
 * const env = new AlfworldEnv({ python: '/opt/alf/bin/python', dataPath: '~/alfworld-data' });
 * const { observation, info } = await env.reset({ seed: 0 });
 * await env.step(info.admissibleCommands[0]);
 * await env.close();
 */
export class AlfworldEnv implements Env<AlfworldObservation, string> {
  readonly observationSpace;
  readonly actionSpace: CommandSpace;
  readonly options: BridgeOptions;
  metadata = { renderModes: ['rgb_array'], wording: 'tw-2.1.1' };
  spec?: Env['spec'];
  /** Sidecar (re)starts so far, including the first. */
  starts = 0;
  private sidecar?: Promise<AlfworldSidecar>;
  private rng = new Rng();
  private last?: { observation: AlfworldObservation; info: AlfworldBridgeInfo };
  private episodeOver = true;
  private closed = false;
  private readonly onLog?: (line: string) => void;

  constructor(options: BridgeOptionsInput = {}, { onLog }: { onLog?: (line: string) => void } = {}) {
    this.options = parseBridgeOptions(options);
    this.onLog = onLog;
    this.observationSpace = alfworldObservationSpace(this.options.image ? this.options.imageSize : undefined);
    this.actionSpace = new CommandSpace(() => this.last?.info.admissibleCommands ?? []);
  }

  /** The running sidecar's process id (for tests and monitoring). */
  async sidecarPid(): Promise<number | undefined> {
    return this.sidecar ? (await this.sidecar).pid : undefined;
  }

  async reset({ seed }: ResetOptions = {}): Promise<ResetResult<AlfworldObservation>> {
    if (this.closed) throw new Error('Cannot reset a closed env');
    if (seed !== undefined) this.rng = new Rng(seed);
    const gameSeed = this.rng.seed();
    let record: SlotRecord;
    try {
      record = (await (await this.session()).reset({ seed: gameSeed }))[0]!;
    } catch (error) {
      if (!(error instanceof SidecarError) || !error.retryable) throw error;
      // One retry on a fresh sidecar; a second failure is the caller's to see.
      this.onLog?.(`reset failed (${error.message}); restarting the sidecar and retrying once`);
      await this.restart();
      record = (await (await this.session()).reset({ seed: gameSeed }))[0]!;
    }
    this.episodeOver = false;
    this.last = this.toResult(record);
    return { observation: this.last.observation, info: this.last.info };
  }

  async step(command: string): Promise<StepResult<AlfworldObservation>> {
    if (this.closed) throw new ResetNeededError('the env is closed');
    if (this.episodeOver || !this.last) throw new ResetNeededError('the episode is over or has not started');
    if (!this.actionSpace.contains(command)) throw new InvalidActionError(command, this.actionSpace);
    let record: SlotRecord;
    try {
      record = (await (await this.session()).step([command]))[0]!;
    } catch (error) {
      if (!(error instanceof SidecarError)) throw error;
      return this.truncateOnFailure(error);
    }
    const result = this.toResult(record);
    this.last = result;
    const terminated = record.won;
    const truncated = !terminated && record.done;
    if (terminated || truncated) this.episodeOver = true;
    return {
      observation: result.observation,
      reward: record.won ? 1 : 0,
      terminated,
      truncated,
      info: result.info,
    };
  }

  async render(): Promise<Image> {
    if (!this.last) throw new Error('AlfworldEnv has nothing to render: call reset() first');
    return (
      this.last.observation.image ??
      renderTextFrame(this.last.observation.text, Math.min(this.options.imageSize, 300))
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const sidecar = this.sidecar;
    this.sidecar = undefined;
    if (!sidecar) return;
    try {
      await (await sidecar).close();
    } catch {
      // It never started: nothing to close.
    }
  }

  /** The sidecar, started (once) on demand. */
  private session(): Promise<AlfworldSidecar> {
    if (!this.sidecar) {
      this.starts += 1;
      const starting = AlfworldSidecar.start(this.options, 1, this.onLog);
      this.sidecar = starting;
      // A failed start is reported to whoever awaits it, and the next call tries again.
      starting.catch(() => {
        if (this.sidecar === starting) this.sidecar = undefined;
      });
    }
    return this.sidecar;
  }

  private async restart(): Promise<void> {
    const old = this.sidecar;
    this.sidecar = undefined;
    if (old) await old.then((s) => s.kill()).catch(() => undefined);
    // Start the replacement now, so the next reset does not wait for it from scratch.
    this.session().catch(() => undefined);
  }

  private async truncateOnFailure(error: SidecarError): Promise<StepResult<AlfworldObservation>> {
    const what =
      error.code === 'ENV_TIMEOUT'
        ? 'timed out'
        : error.code === 'ENV_CRASH'
          ? 'crashed'
          : `failed (${error.code})`;
    const fatal = error.code === 'ENV_TIMEOUT' || error.code === 'ENV_CRASH' || !error.retryable;
    if (fatal) await this.restart();
    this.episodeOver = true;
    const message = `ALFWorld sidecar ${what} during step; ${fatal ? 'it was restarted and ' : ''}the episode was truncated. ${error.message.split('\n')[0]}`;
    this.onLog?.(message);
    const last = this.last!;
    return {
      observation: last.observation,
      reward: 0,
      terminated: false,
      truncated: true,
      info: { ...last.info, commandValid: false, error: message, errorCode: error.code },
    };
  }

  private toResult(record: SlotRecord): { observation: AlfworldObservation; info: AlfworldBridgeInfo } {
    let image: Image | undefined;
    if (this.options.image) {
      if (!record.image) {
        throw new SidecarError(
          'BAD_REQUEST',
          `The ${this.options.backend} backend sent no frame with envType '${this.options.envType}': ALFWorld's TextWorld env has no pictures; use envType 'thor' or image: false`,
        );
      }
      image = decodePng(Uint8Array.from(atob(record.image.b64), (c) => c.charCodeAt(0)));
      if (image.width !== this.options.imageSize || image.height !== this.options.imageSize) {
        throw new SidecarError(
          'BAD_REQUEST',
          `The sidecar sent a ${image.width}×${image.height} frame but imageSize is ${this.options.imageSize}; set imageSize to match (THOR: 300)`,
        );
      }
    }
    const rate = record.goal_condition_success_rate;
    const info: AlfworldBridgeInfo = {
      admissibleCommands: record.admissible_commands,
      won: record.won,
      goalConditionSuccessRate: rate ?? (record.won ? 1 : 0),
      goalConditionSource: rate === null || rate === undefined ? 'won' : 'backend',
      taskType: record.game.task_type,
      goal: record.game.goal_text,
      commandValid: record.command_valid,
      stepIndex: record.step_index,
      gameId: record.game.id,
      ...(record.expert_plan?.length ? { expertCommand: record.expert_plan[0] } : {}),
    };
    return { observation: image ? { text: record.obs, image } : { text: record.obs }, info };
  }
}
