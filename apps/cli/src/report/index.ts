export { runCharts } from './charts.js';
export { renderReportHtml, thoughtsOf } from './html.js';
export { chartsPng } from './png-chart.js';
export {
  type EvalNumbers,
  type MetricsLine,
  RUN_CONFIG_FILE,
  type RunData,
  readMetrics,
  readRun,
} from './read-run.js';
export { type ChartSpec, niceTicks, type Series } from './series.js';
export { lineChartSvg } from './svg-chart.js';
export { writeReport } from './write-report.js';
