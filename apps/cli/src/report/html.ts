import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isRlRecord, recordAlgorithm } from '@rl4vlm/trainer';
import { percent } from '../format/table.js';
import type { GalleryEpisode } from '../run/episode-files.js';
import { runCharts } from './charts.js';
import type { RunData } from './read-run.js';
import { lineChartSvg } from './svg-chart.js';

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** The chain of thought of a reply: its `"thoughts"` string, else the text before `"action"`. */
export function thoughtsOf(reply: string): string {
  const m = /"thoughts"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(reply);
  if (m) {
    try {
      return JSON.parse(m[1]!) as string;
    } catch {
      // fall through to the raw text
    }
  }
  const at = reply.lastIndexOf('"action"');
  return (at >= 0 ? reply.slice(0, at) : reply).trim();
}

function dataUrl(dir: string, file: string): string | undefined {
  const full = path.join(dir, file);
  if (!file || !existsSync(full)) return undefined;
  return `data:image/png;base64,${readFileSync(full).toString('base64')}`;
}

function episodeHtml(stage: string, dir: string, ep: GalleryEpisode): string {
  const steps = ep.steps
    .map((s, t) => {
      const img = dataUrl(dir, s.frame);
      const action = s.actionLabel ?? (s.action === undefined ? '—' : JSON.stringify(s.action));
      return `<div class="step">
  ${img ? `<img class="frame" alt="observation before step ${t}" src="${img}">` : '<div class="frame missing">no frame</div>'}
  <div class="step-text">
    <div class="step-head">step ${t} · action <b class="action">${escapeHtml(action)}</b> · reward <b>${s.reward}</b>${s.parseOk ? '' : ` · <span class="bad">invalid reply: ${escapeHtml(s.parseError ?? '')}</span>`}</div>
    <div class="thoughts"><span class="label">chain of thought</span> ${escapeHtml(thoughtsOf(s.reply)) || '<i>(none)</i>'}</div>
    <details><summary>full reply and prompt</summary><pre>${escapeHtml(s.reply)}</pre><pre class="prompt">${escapeHtml(s.prompt)}</pre></details>
  </div>
</div>`;
    })
    .join('\n');
  const last = dataUrl(dir, ep.finalFrame);
  return `<article class="episode ${ep.success ? 'won' : 'lost'}" data-stage="${escapeHtml(stage)}">
<h3>${escapeHtml(stage)} · ${escapeHtml(ep.envId)} · seed ${ep.seed} · return ${ep.return} · ${ep.success ? 'success' : 'no success'}</h3>
${steps}
${last ? `<div class="step"><img class="frame" alt="final observation" src="${last}"><div class="step-text"><div class="step-head">end of episode</div></div></div>` : ''}
</article>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{margin-bottom:0}.sub{color:#666;margin-top:4px}
table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ddd;padding:4px 10px;text-align:right}th{background:#f5f5f5}td:first-child,th:first-child{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #ddd;border-radius:6px}
.chart-title{font-weight:600;font-size:14px}.tick{font-size:11px;fill:#444}.axis-label{font-size:12px;fill:#333}.legend{font-size:11px}.empty{fill:#999}
.episode{border:1px solid #ddd;border-radius:6px;padding:8px 12px;margin:12px 0}.episode.won{border-left:6px solid #2ca02c}.episode.lost{border-left:6px solid #d62728}
.episode h3{margin:4px 0 8px;font-size:15px}.step{display:flex;gap:12px;margin:8px 0;align-items:flex-start}
.frame{width:160px;image-rendering:pixelated;border:1px solid #ccc;flex:none}.missing{height:80px;display:flex;align-items:center;justify-content:center;color:#999}
.thoughts{margin:4px 0}.label{font-size:11px;text-transform:uppercase;color:#888;margin-right:4px}.bad{color:#b00}
pre{white-space:pre-wrap;background:#f7f7f7;padding:6px;border-radius:4px;font-size:12px}.prompt{color:#555}
`;

/**
 * The run's report as one self-contained HTML page: summary table, inline SVG charts (data in the
 * markup, and as JSON in a `<script type="application/json">`), and the episode gallery with each
 * observation as a data URL. Nothing is fetched, so it opens offline.
 */
export function renderReportHtml(run: RunData): string {
  const charts = runCharts(run);
  const env = run.config?.env?.id ?? '?';
  const policy = run.config?.policy?.id ?? '?';
  const ppo = run.metrics.filter(isRlRecord);
  const algorithm = ppo.length
    ? recordAlgorithm(ppo.at(-1)!)
    : (run.config as { algorithm?: string })?.algorithm;
  const evalRows = run.evals
    .map(
      (e) =>
        `<tr><td>${escapeHtml(e.stage)}</td><td>${e.episodes}</td><td>${percent(e.successRate)}${
          e.successLow !== undefined
            ? ` <small>[${percent(e.successLow)}, ${percent(e.successHigh)}]</small>`
            : ''
        }</td><td>${e.meanReturn.toFixed(3)}</td><td>${e.meanLength.toFixed(2)}</td><td>${percent(e.formatErrorRate)}</td></tr>`,
    )
    .join('');
  const mean = (key: string) => {
    const xs = ppo.map((r) => r[key]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;
  };
  const spread = mean('groupReturnSpread');
  const stepShare = mean('stepGroupShare');
  const algorithmLine =
    spread === undefined && stepShare === undefined
      ? ''
      : `<p class="sub" id="algorithm-metrics">${escapeHtml(algorithm ?? '')}, mean over updates: ${
          spread !== undefined
            ? `group return spread (best − worst of a seed's copies) ${spread.toFixed(3)}`
            : ''
        }${spread !== undefined && stepShare !== undefined ? ' · ' : ''}${
          stepShare !== undefined ? `step groups larger than one ${percent(stepShare)}` : ''
        }</p>`;
  const galleries = run.galleries.flatMap((g) => g.episodes.map((ep) => episodeHtml(g.stage, g.dir, ep)));
  const data = JSON.stringify({
    name: run.name,
    config: run.config,
    metrics: run.metrics,
    evals: run.evals,
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>rl4vlm report · ${escapeHtml(run.name)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(run.name)}</h1>
<p class="sub">env <b>${escapeHtml(env)}</b> · policy <b>${escapeHtml(policy)}</b> · ${ppo.length} ${escapeHtml(algorithm ?? 'RL')} updates · ${
    ppo.at(-1)?.envSteps ?? 0
  } env steps · seed ${escapeHtml(String(run.config?.seed ?? '?'))}</p>
${algorithmLine}<h2>Evaluation</h2>
${
  evalRows
    ? `<table id="evals"><tr><th>stage</th><th>episodes</th><th>success (95% CI)</th><th>mean return</th><th>mean length</th><th>format errors</th></tr>${evalRows}</table>`
    : '<p>No evaluation yet.</p>'
}
<h2>Training curves</h2>
<div class="charts">${charts.map((c) => lineChartSvg(c)).join('\n')}</div>
<h2>Episodes</h2>
<p class="sub">Seeded evaluation episodes, replayed from the recorded replies: the observation the model saw, its chain of thought, the parsed action and the reward.</p>
<section id="gallery">${galleries.length ? galleries.join('\n') : '<p>No episodes recorded.</p>'}</section>
<script type="application/json" id="run-data">${data}</script>
</body></html>
`;
}
