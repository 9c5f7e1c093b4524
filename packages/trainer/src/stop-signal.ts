/**
 * A stop flag raised by an `AbortSignal` or, when asked, by SIGINT/SIGTERM. The training loop
 * polls it between steps, finishes what it is doing, writes a checkpoint and returns. A second
 * signal exits at once (code 130), for when the first one is taking too long. `onSignal` hears
 * the first signal, so an app can say at once that it is stopping.
 */
export class StopFlag {
  private raised = false;
  private reason?: string;
  private readonly cleanups: (() => void)[] = [];
  private readonly controllers: AbortController[] = [];

  constructor({
    signal,
    handleSignals = false,
    onSignal,
  }: { signal?: AbortSignal; handleSignals?: boolean; onSignal?: (signal: NodeJS.Signals) => void } = {}) {
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
          onSignal?.(sig);
        };
        process.on(sig, handler);
        this.cleanups.push(() => process.off(sig, handler));
      }
    }
  }

  raise(reason: string): void {
    if (!this.raised) this.reason = reason;
    this.raised = true;
    for (const c of this.controllers.splice(0)) c.abort(reason);
  }

  /** An `AbortSignal` that aborts when this flag is raised, to hand the stop down to a loop that takes one. */
  asSignal(): AbortSignal {
    const controller = new AbortController();
    if (this.raised) controller.abort(this.reason);
    else this.controllers.push(controller);
    return controller.signal;
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
