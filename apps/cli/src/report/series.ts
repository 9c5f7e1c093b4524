/** One line of a chart. */
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

/** A chart: title, axis labels and its lines. */
export interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Fix the y range (e.g. [0, 1] for rates); otherwise it fits the data. */
  yRange?: [number, number];
}

/** Round, human tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(count, 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** The data bounds of a chart, padded so lines do not touch the frame, and the ticks for each axis. */
export function chartBounds(spec: ChartSpec): {
  x: [number, number];
  y: [number, number];
  xTicks: number[];
  yTicks: number[];
} {
  const pts = spec.series
    .flatMap((s) => s.points)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  let x: [number, number] = pts.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let y: [number, number] = spec.yRange ?? (pts.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1]);
  if (x[1] - x[0] < 1e-12) x = [x[0] - 1, x[1] + 1];
  if (y[1] - y[0] < 1e-12) y = [y[0] - 1, y[1] + 1];
  let yTicks = niceTicks(y[0], y[1]);
  if (!spec.yRange && yTicks.length >= 2) {
    // Widen the range out to the next round tick on each side, so no point sits on the frame.
    const step = yTicks[1]! - yTicks[0]!;
    y = [Math.floor(y[0] / step + 1e-9) * step, Math.ceil(y[1] / step - 1e-9) * step];
    if (y[0] === Math.min(...ys)) y[0] -= step / 2;
    if (y[1] === Math.max(...ys)) y[1] += step / 2;
    yTicks = niceTicks(y[0], y[1]);
  }
  return { x, y, xTicks: niceTicks(x[0], x[1]), yTicks };
}

/** A short label for a tick value. */
export function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(0);
  return String(Number(v.toPrecision(4)));
}
