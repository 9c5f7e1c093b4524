import { isRlRecord } from '@rl4vlm/trainer';
import type { RunData } from './read-run.js';
import type { ChartSpec, Series } from './series.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function series(records: RunData['metrics'], x: string, y: string, name: string, color: string): Series {
  const points: [number, number][] = [];
  for (const r of records) {
    const a = r[x];
    const b = r[y];
    if (typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b))
      points.push([a, b]);
  }
  return { name, color, points };
}

/**
 * The report's charts: success rate, return, losses and format-error rate against env steps, the
 * group-rollout numbers where the algorithm has them, and the SFT loss.
 */
export function runCharts(run: RunData): ChartSpec[] {
  const ppo = run.metrics.filter(isRlRecord);
  const sft = run.metrics.filter((r) => r.phase === 'sft');
  const lastSteps = ppo.reduce((a, r) => Math.max(a, typeof r.envSteps === 'number' ? r.envSteps : 0), 0);
  const evalPoints: [number, number][] = run.evals
    .filter((e) => e.stage === 'after-sft' || e.stage === 'final')
    .map((e) => [e.stage === 'after-sft' ? 0 : lastSteps, e.successRate]);
  const charts: ChartSpec[] = [
    {
      id: 'chart-success',
      title: 'Success rate',
      xLabel: 'env steps',
      yLabel: 'success rate',
      yRange: [0, 1],
      series: [
        series(ppo, 'envSteps', 'successRate', 'rollout episodes', COLORS[0]!),
        series(ppo, 'envSteps', 'successRateWindow', 'window', COLORS[2]!),
        { name: 'seeded eval', color: COLORS[1]!, points: evalPoints },
      ],
    },
    {
      id: 'chart-return',
      title: 'Episode return',
      xLabel: 'env steps',
      yLabel: 'mean return',
      series: [series(ppo, 'envSteps', 'meanReturn', 'rollout episodes', COLORS[0]!)],
    },
    {
      id: 'chart-losses',
      title: 'RL losses',
      xLabel: 'env steps',
      yLabel: 'loss',
      series: [
        series(ppo, 'envSteps', 'policyLoss', 'policy', COLORS[0]!),
        series(ppo, 'envSteps', 'valueLoss', 'value', COLORS[3]!),
      ],
    },
    {
      id: 'chart-format-errors',
      title: 'Format-error rate',
      xLabel: 'env steps',
      yLabel: 'share of replies',
      yRange: [0, 1],
      series: [series(ppo, 'envSteps', 'formatErrorRate', 'replies that did not parse', COLORS[1]!)],
    },
  ];
  // Group-relative algorithms (GRPO, RLOO, GiGPO): how much the copies of one seed differ, and how
  // often GiGPO found the same state twice (step groups larger than one).
  const groups = [
    series(ppo, 'envSteps', 'groupReturnSpread', 'group return spread (best − worst)', COLORS[0]!),
    series(ppo, 'envSteps', 'stepGroupShare', 'share of step groups larger than one', COLORS[2]!),
  ].filter((s) => s.points.length > 0);
  if (groups.length) {
    charts.push({
      id: 'chart-groups',
      title: 'Group rollouts',
      xLabel: 'env steps',
      yLabel: 'value',
      series: groups,
    });
  }
  if (sft.length) {
    charts.push({
      id: 'chart-sft',
      title: 'SFT loss',
      xLabel: 'optimizer step',
      yLabel: 'token NLL',
      series: [series(sft, 'step', 'trainLoss', 'train', COLORS[4]!)],
    });
  }
  return charts;
}
