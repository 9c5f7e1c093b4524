import type { AdvantageOutput, Experience } from './algorithm.js';
import type { PpoConfig } from './config.js';
import type { MetricsRecord } from './metrics.js';
import type { MinibatchUpdateResult } from './minibatch-update.js';
import type { ScoredColumns } from './score-experience.js';
import { explainedVariance, mean } from './stats.js';

/** The counters a checkpoint carries besides weights and optimizer state. */
export interface RlState {
  update: number;
  envSteps: number;
  optimizerSteps: number;
  skippedSteps: number;
  /** Success flags of the last `successWindow` finished training episodes. */
  recentSuccesses: boolean[];
}

/** Format errors, reply diversity and whether they look like a chain-of-thought collapse. */
export function replyHealth(experience: Experience, rl: PpoConfig) {
  const { samples } = experience;
  const formatErrorRate = samples.filter((s) => !s.parseOk).length / samples.length;
  const replyDiversity = new Set(samples.map((s) => s.text)).size / samples.length;
  const collapse = formatErrorRate > rl.collapseFormatErrorRate || replyDiversity < rl.collapseMinDiversity;
  return { formatErrorRate, replyDiversity, collapse };
}

/** One update's metrics line (`phase: 'rl'`, with the algorithm's id and its own numbers). */
export function updateRecord(a: {
  algorithm: string;
  critic: boolean;
  update: number;
  lr: number;
  state: RlState;
  experience: Experience;
  columns: ScoredColumns;
  advantage: AdvantageOutput;
  returns: readonly number[];
  result: MinibatchUpdateResult;
  rl: PpoConfig;
  updateSeconds: number;
}): MetricsRecord {
  const { experience, columns, result, state } = a;
  const { samples, episodes: eps } = experience;
  const { sums } = result;
  const n = Math.max(1, sums.n);
  const health = replyHealth(experience, a.rl);
  const infoSuccesses = eps.filter((e) => e.infoSuccess !== undefined);
  return {
    phase: 'rl',
    algorithm: a.algorithm,
    update: a.update,
    envSteps: state.envSteps,
    optimizerSteps: state.optimizerSteps,
    lr: a.lr,
    policyLoss: sums.policyLoss / n,
    valueLoss: sums.valueLoss / n,
    entropy: sums.entropy / n,
    klToStart: sums.kl / n,
    approxKl: sums.approxKl / n,
    clipFraction: sums.clipFraction / n,
    ratioGuardFires: sums.guard,
    klStopMinibatch: result.klStopAt,
    explainedVariance: a.critic ? finiteOrNull(explainedVariance(columns.values, a.returns)) : null,
    gradNorm: finiteOrNull(mean(result.gradNorms)),
    skippedMinibatches: result.skippedMinibatches,
    skippedOptimizerSteps: result.skippedSteps,
    episodes: eps.length,
    successRate: finiteOrNull(mean(eps.map((e) => (e.success ? 1 : 0)))),
    successRateWindow: finiteOrNull(mean(state.recentSuccesses.map((x) => (x ? 1 : 0)))),
    infoSuccessRate: finiteOrNull(mean(infoSuccesses.map((e) => (e.infoSuccess ? 1 : 0)))),
    meanReturn: finiteOrNull(mean(eps.map((e) => e.return))),
    meanEpisodeLength: finiteOrNull(mean(eps.map((e) => e.length))),
    meanStepReward: mean(samples.map((s) => s.reward)),
    meanValue: a.critic ? mean(columns.values) : null,
    meanReturnTarget: a.critic ? mean(a.returns) : null,
    meanActionLogProb: mean(columns.oldLogProbs),
    formatErrorRate: health.formatErrorRate,
    replyDiversity: health.replyDiversity,
    actionKeyRate: samples.filter((s) => s.split.foundKey).length / samples.length,
    collapseWarning: health.collapse,
    meanReplyTokens: experience.generatedTokens / samples.length,
    tokensPerSecond: experience.generatedTokens / experience.seconds,
    envStepsPerSecond: samples.length / experience.seconds,
    ...(a.critic ? {} : { meanAbsAdvantage: finiteOrNull(mean(a.advantage.advantages.map(Math.abs))) }),
    ...(a.advantage.metrics ?? {}),
    rolloutSeconds: experience.seconds,
    updateSeconds: a.updateSeconds,
  };
}

export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
