import cliProgress from 'cli-progress';

/** A stage's progress, as the trainer's progress callback reports it. */
export interface ProgressUpdate {
  phase: string;
  done: number;
  total: number;
  update?: number;
}

const LABELS: Record<string, string> = {
  rl: 'RL run  ',
  rollout: 'rollout ',
  update: 'update  ',
  eval: 'eval    ',
  sft: 'sft     ',
  demo: 'demo    ',
};

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
}

/**
 * Turns progress events into bars with rate and ETA (one bar per phase: the whole RL run in
 * updates, then one update's rollout and optimisation, eval, sft). On a terminal the bars redraw in place (cli-progress); elsewhere (CI, a pipe) it prints a
 * line at the start, every quarter and the end of each stage, so logs stay short, and also
 * whenever `lineEverySeconds` have passed without one, so an hours-long stage in a log file
 * still shows its rate and ETA.
 */
export class ProgressReporter {
  private readonly multibar?: cliProgress.MultiBar;
  private readonly bars = new Map<
    string,
    {
      bar?: cliProgress.SingleBar;
      start: number;
      startDone: number;
      total: number;
      quarter: number;
      lastLine: number;
    }
  >();
  private readonly write: (line: string) => void;
  private readonly lineEveryMs: number;

  constructor({
    stream = process.stderr,
    tty = Boolean(process.stderr.isTTY),
    lineEverySeconds = 300,
  }: { stream?: NodeJS.WritableStream; tty?: boolean; lineEverySeconds?: number } = {}) {
    this.write = (line) => stream.write(`${line}\n`);
    this.lineEveryMs = lineEverySeconds * 1000;
    if (tty) {
      this.multibar = new cliProgress.MultiBar(
        {
          format: '{label} [{bar}] {value}/{total} | {rate}/s | ETA {etaText} {extra}',
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
          stream: stream as NodeJS.WriteStream,
          barsize: 24,
        },
        cliProgress.Presets.shades_classic,
      );
    }
  }

  /** The callback to hand to the trainer. */
  readonly onProgress = (event: ProgressUpdate): void => {
    const key = event.phase;
    let state = this.bars.get(key);
    const now = Date.now();
    const restarted =
      state && (event.total !== state.total || event.done < (state.bar?.getProgress() ?? 0) * state.total);
    if (!state || restarted || (event.done <= 1 && state.quarter >= 4)) {
      state?.bar?.stop();
      if (state?.bar) this.multibar?.remove(state.bar);
      state = { start: now, startDone: event.done, total: event.total, quarter: -1, lastLine: now };
      if (this.multibar) {
        state.bar = this.multibar.create(event.total, 0, {
          label: LABELS[key] ?? key.padEnd(8),
          rate: '0.0',
          etaText: '--',
          extra: '',
        });
      }
      this.bars.set(key, state);
    }
    // The rate counts from the first event, so the time before it (model start-up) does not inflate it.
    const elapsed = (now - state.start) / 1000;
    const rate = elapsed > 0.05 ? (event.done - state.startDone) / elapsed : Number.NaN;
    const eta = rate > 0 ? (event.total - event.done) / rate : event.done >= event.total ? 0 : Number.NaN;
    const rateText = Number.isFinite(rate) ? rate.toFixed(rate < 10 ? 2 : 1) : '--';
    const extra = event.update !== undefined ? `(RL update ${event.update + 1})` : '';
    if (state.bar) {
      state.bar.update(event.done, { rate: rateText, etaText: formatEta(eta), extra });
    } else {
      const quarter = event.total > 0 ? Math.floor((4 * event.done) / event.total) : 4;
      if (quarter > state.quarter || now - state.lastLine >= this.lineEveryMs) {
        state.quarter = quarter;
        state.lastLine = now;
        this.write(
          `${(LABELS[key] ?? key).trim()} ${event.done}/${event.total} | ${rateText}/s | ETA ${formatEta(eta)} ${extra}`.trimEnd(),
        );
      }
    }
  };

  /** Prints a line above the bars (or plainly without a terminal). */
  log(line: string): void {
    if (this.multibar) this.multibar.log(`${line}\n`);
    else this.write(line);
  }

  /** Stops redrawing; call before printing results. */
  stop(): void {
    this.multibar?.stop();
  }
}
