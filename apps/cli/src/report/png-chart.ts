import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { type ChartSpec, chartBounds, tickLabel } from './series.js';

function drawChart(
  ctx: SKRSContext2D,
  spec: ChartSpec,
  ox: number,
  oy: number,
  width: number,
  height: number,
): void {
  const m = { left: 60, right: 16, top: 34, bottom: 44 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const { x, y, xTicks, yTicks } = chartBounds(spec);
  const px = (v: number) => ox + m.left + ((v - x[0]) / (x[1] - x[0])) * w;
  const py = (v: number) => oy + m.top + h - ((v - y[0]) / (y[1] - y[0])) * h;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(ox, oy, width, height);
  ctx.font = '12px sans-serif';
  ctx.textAlign = 'center';
  ctx.fillStyle = '#222222';
  ctx.font = 'bold 14px sans-serif';
  ctx.fillText(spec.title, ox + width / 2, oy + 20);
  ctx.font = '11px sans-serif';
  ctx.lineWidth = 1;
  for (const t of yTicks) {
    if (t < y[0] - 1e-12 || t > y[1] + 1e-12) continue;
    ctx.strokeStyle = '#e5e5e5';
    ctx.beginPath();
    ctx.moveTo(ox + m.left, py(t));
    ctx.lineTo(ox + m.left + w, py(t));
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.fillStyle = '#444444';
    ctx.fillText(tickLabel(t), ox + m.left - 6, py(t) + 4);
  }
  ctx.textAlign = 'center';
  for (const t of xTicks) {
    if (t < x[0] - 1e-12 || t > x[1] + 1e-12) continue;
    ctx.fillText(tickLabel(t), px(t), oy + m.top + h + 17);
  }
  ctx.strokeStyle = '#555555';
  ctx.strokeRect(ox + m.left, oy + m.top, w, h);
  ctx.fillText(spec.xLabel, ox + m.left + w / 2, oy + height - 6);
  ctx.save();
  ctx.translate(ox + 14, oy + m.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(spec.yLabel, 0, 0);
  ctx.restore();
  spec.series.forEach((s, i) => {
    const pts = s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    if (pts.length === 0) return;
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (const [k, [a, b]] of pts.entries()) {
      if (k === 0) ctx.moveTo(px(a), py(b));
      else ctx.lineTo(px(a), py(b));
    }
    ctx.stroke();
    for (const [a, b] of pts) {
      ctx.beginPath();
      ctx.arc(px(a), py(b), 2.5, 0, Math.PI * 2);
      ctx.fill();
    }
    const lx = ox + m.left + 8 + i * 130;
    ctx.fillRect(lx, oy + m.top + 6, 10, 10);
    ctx.fillStyle = '#222222';
    ctx.textAlign = 'left';
    ctx.fillText(s.name, lx + 14, oy + m.top + 15);
    ctx.textAlign = 'center';
  });
}

/** Draws charts in a grid (two per row) with the standard Canvas 2D API and returns the PNG bytes. */
export function chartsPng(
  specs: readonly ChartSpec[],
  { width = 480, height = 300, columns = 2 } = {},
): Buffer {
  const cols = Math.max(1, Math.min(columns, specs.length));
  const rows = Math.max(1, Math.ceil(specs.length / cols));
  const canvas = createCanvas(cols * width, rows * height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, cols * width, rows * height);
  for (const [i, spec] of specs.entries()) {
    drawChart(ctx, spec, (i % cols) * width, Math.floor(i / cols) * height, width, height);
  }
  return canvas.toBuffer('image/png');
}
