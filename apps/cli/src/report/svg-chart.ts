import { type ChartSpec, chartBounds, tickLabel } from './series.js';

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A line chart as a standalone inline SVG: axes with round ticks, one polyline per series with a
 * dot per point (hover shows the values), and a legend. No script and no external resource.
 */
export function lineChartSvg(spec: ChartSpec, { width = 460, height = 280 } = {}): string {
  const m = { left: 56, right: 16, top: 34, bottom: 44 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const { x, y, xTicks, yTicks } = chartBounds(spec);
  const px = (v: number) => m.left + ((v - x[0]) / (x[1] - x[0])) * w;
  const py = (v: number) => m.top + h - ((v - y[0]) / (y[1] - y[0])) * h;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${escapeXml(spec.id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(spec.title)}">`,
  );
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(
    `<text x="${width / 2}" y="20" text-anchor="middle" class="chart-title">${escapeXml(spec.title)}</text>`,
  );
  for (const t of yTicks) {
    if (t < y[0] - 1e-12 || t > y[1] + 1e-12) continue;
    parts.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${m.left - 6}" y="${py(t) + 4}" text-anchor="end" class="tick">${tickLabel(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    if (t < x[0] - 1e-12 || t > x[1] + 1e-12) continue;
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${m.top + h}" y2="${m.top + h + 4}" stroke="#555"/>`);
    parts.push(
      `<text x="${px(t)}" y="${m.top + h + 17}" text-anchor="middle" class="tick">${tickLabel(t)}</text>`,
    );
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#555"/>`);
  parts.push(
    `<text x="${m.left + w / 2}" y="${height - 6}" text-anchor="middle" class="axis-label">${escapeXml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${m.top + h / 2}) rotate(-90)" text-anchor="middle" class="axis-label">${escapeXml(spec.yLabel)}</text>`,
  );
  if (spec.series.every((s) => s.points.length === 0)) {
    parts.push(
      `<text x="${m.left + w / 2}" y="${m.top + h / 2}" text-anchor="middle" class="empty">no data yet</text>`,
    );
  }
  spec.series.forEach((s, i) => {
    const pts = s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    if (pts.length === 0) return;
    parts.push(
      `<polyline class="series" data-series="${escapeXml(s.name)}" fill="none" stroke="${s.color}" stroke-width="2" points="${pts
        .map(([a, b]) => `${px(a).toFixed(1)},${py(b).toFixed(1)}`)
        .join(' ')}"/>`,
    );
    for (const [a, b] of pts) {
      parts.push(
        `<circle cx="${px(a).toFixed(1)}" cy="${py(b).toFixed(1)}" r="2.5" fill="${s.color}"><title>${escapeXml(s.name)}: ${tickLabel(b)} at ${tickLabel(a)}</title></circle>`,
      );
    }
    const lx = m.left + 8 + i * 130;
    parts.push(`<rect x="${lx}" y="${m.top + 6}" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${lx + 14}" y="${m.top + 15}" class="legend">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
