import type { BridgeOptions } from './bridge-options.js';
import type { HelloResult, InitRequest, InitResult, SlotRecord } from './protocol.js';
import { defaultServerPath } from './server-path.js';
import { SidecarProcess } from './sidecar-process.js';

/**
 * A started and initialised sidecar with `batchSize` slots: batched `reset` and `step` over
 * the JSON-lines protocol. {@link AlfworldEnv} uses one slot; trainers that want ALFWorld's
 * own batching use this directly.
 *
 * @example
 * const sidecar = await AlfworldSidecar.start(parseBridgeOptions({ backend: 'fake' }), 4);
 * const records = await sidecar.reset({ seed: 1 });
 * await sidecar.step(records.map((r) => r.admissible_commands[0]));
 * await sidecar.close();
 */
export class AlfworldSidecar {
  readonly options: BridgeOptions;
  readonly batchSize: number;
  readonly process: SidecarProcess;
  hello?: HelloResult;
  init?: InitResult;

  private constructor(options: BridgeOptions, batchSize: number, onLog?: (line: string) => void) {
    this.options = options;
    this.batchSize = batchSize;
    const args = ['--backend', options.backend, ...(options.allowFaults ? ['--allow-faults'] : [])];
    this.process = new SidecarProcess({
      python: options.python ?? process.env.ALFWORLD_PYTHON ?? 'python3',
      serverPath: options.serverPath ?? defaultServerPath(),
      args,
      env: { ...(options.dataPath ? { ALFWORLD_DATA: options.dataPath } : {}), ...options.env },
      startupTimeoutMs: options.timeouts.startupMs,
      onLog,
    });
  }

  /** Spawns the sidecar, says hello and sends `init`; on any failure the process is killed and the error thrown. */
  static async start(
    options: BridgeOptions,
    batchSize = 1,
    onLog?: (line: string) => void,
  ): Promise<AlfworldSidecar> {
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    const sidecar = new AlfworldSidecar(options, batchSize, onLog);
    try {
      await sidecar.process.start();
      sidecar.hello = await sidecar.process.request<HelloResult>('hello', {}, options.timeouts.startupMs);
      const request: InitRequest = {
        batch_size: batchSize,
        seed: options.seed,
        max_steps: options.maxSteps,
        image: { enabled: options.image, width: options.imageSize, height: options.imageSize },
        env_type: options.envType,
        split: options.split,
        ...(options.taskTypes ? { task_types: options.taskTypes } : {}),
        ...(options.controller ? { controller: options.controller } : {}),
        ...(options.configPath ? { config_path: options.configPath } : {}),
        ...(options.dataPath ? { data_path: options.dataPath } : {}),
        ...(options.configOverrides ? { config_overrides: options.configOverrides } : {}),
        options: options.backendOptions,
      };
      sidecar.init = await sidecar.process.request<InitResult>(
        'init',
        request as never,
        options.timeouts.initMs,
      );
      return sidecar;
    } catch (error) {
      await sidecar.process.kill();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get alive(): boolean {
    return this.process.alive;
  }

  /** Resets the given slots (default: all); `seed` makes the games reproducible where the backend can. */
  async reset({ slots, seed }: { slots?: number[]; seed?: number } = {}): Promise<SlotRecord[]> {
    const payload = { ...(slots ? { slots } : {}), ...(seed !== undefined ? { seed } : {}) };
    const { slots: records } = await this.process.request<{ slots: SlotRecord[] }>(
      'reset',
      payload,
      this.options.timeouts.resetMs,
    );
    return records;
  }

  /** One command per slot (`null` leaves a slot idle); returns records for the slots that got a command. */
  async step(commands: (string | null)[]): Promise<SlotRecord[]> {
    if (commands.length !== this.batchSize) {
      throw new RangeError(
        `step needs ${this.batchSize} commands (one per slot, null for idle), got ${commands.length}`,
      );
    }
    const { slots } = await this.process.request<{ slots: SlotRecord[] }>(
      'step',
      { commands },
      this.options.timeouts.stepMs,
    );
    return slots;
  }

  /** Round trip with no effect: checks the sidecar answers. */
  async ping(): Promise<void> {
    await this.process.request('ping', {}, this.options.timeouts.stepMs);
  }

  /** Closes the sidecar (kills it if it does not close in time). */
  async close(): Promise<void> {
    await this.process.close(this.options.timeouts.closeMs);
  }

  /** Kills the sidecar at once. */
  async kill(): Promise<void> {
    await this.process.kill();
  }
}
