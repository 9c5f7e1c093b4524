/**
 * A stop flag raised by an `AbortSignal` or, when asked, by SIGINT/SIGTERM. The training loop
 * polls it between steps, finishes what it is doing, writes a checkpoint and returns. A second
 * signal exits at once (code 130), for when the first one is taking too long.
 */
export class StopFlag {
  private raised = false;
  private reason?: string;
  private readonly cleanups: (() => void)[] = [];

  constructor({ signal, handleSignals = false }: { signal?: AbortSignal; handleSignals?: boolean } = {}) {
    if (signal) {
      if (signal.aborted) this.raise('abort');
      const onAbort = () => this.raise('abort');
      signal.addEventListener('abort', onAbort, { once: true });
      this.cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    if (handleSignals) {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        const handler = () => {
          if (this.raised) process.exit(130);
          this.raise(sig);
        };
        process.on(sig, handler);
        this.cleanups.push(() => process.off(sig, handler));
      }
    }
  }

  raise(reason: string): void {
    if (!this.raised) this.reason = reason;
    this.raised = true;
  }

  get stopped(): boolean {
    return this.raised;
  }

  get why(): string | undefined {
    return this.reason;
  }

  /** Removes the listeners it installed. */
  dispose(): void {
    for (const c of this.cleanups.splice(0)) c();
  }
}
