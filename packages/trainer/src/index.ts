/**
 * `@rl4vlm/trainer`: RL4VLM's training loop for VLM agents — rollouts, GAE, PPO with the
 * chain-of-thought weighting λ, SFT warm start, seeded evaluation, atomic checkpoints with exact
 * resume, metrics sinks.
 * @packageDocumentation
 */

export {
  type ActionSplit,
  type ActionSplitMode,
  type ActionSplitOptions,
  cotLogProb,
  lastActionKeyOffset,
  type NoActionKeyFallback,
  splitThoughtAction,
  tokenWeights,
} from './action-split.js';
export { Adam, type AdamSettings, type AdamState } from './adam.js';
export {
  type CheckpointManifest,
  type CheckpointSurvey,
  CheckpointWriteError,
  checkpointName,
  checkpointProblem,
  cleanTempCheckpoints,
  type DamagedCheckpoint,
  findLatestCheckpoint,
  LATEST_FILE,
  listCheckpoints,
  loadAdamState,
  MANIFEST_FILE,
  saveAdamState,
  surveyCheckpoints,
  writeCheckpoint,
  writeFileAtomic,
} from './checkpoint.js';
export * from './config.js';
export {
  type EpisodeRecord,
  type EvalStepRecord,
  type EvalSummary,
  type EvaluateOptions,
  evaluate,
  type RenderableTextEnv,
} from './evaluate.js';
export { computeGae, type GaeInput } from './gae.js';
export { GradientAccumulator, globalNorm } from './grads.js';
export { type CosineSchedule, learningRateAt } from './lr-schedule.js';
export {
  ConsoleSink,
  JsonLinesSink,
  type MetricsRecord,
  type MetricsSink,
  type ProgressCallback,
  type ProgressEvent,
  readJsonLines,
  TIMING_KEYS,
} from './metrics.js';
export { buildOracleDataset, type OracleDatasetOptions } from './oracle-dataset.js';
export { type PpoResult, type PpoState, type RunPpoOptions, runPpo } from './ppo.js';
export { type PpoLossInput, type PpoLossOutput, type PpoLossSettings, ppoLoss } from './ppo-loss.js';
export { describeResumePlan, planResume, type ResumePlan, ResumeRefusedError } from './resume-plan.js';
export {
  collectRollout,
  type EpisodeSummary,
  type Rollout,
  type RolloutCollector,
  type RolloutOptions,
  type RolloutSample,
  RolloutStopped,
  rowSeed,
  type TextEnvLike,
} from './rollout.js';
export { lossAndGrads, scoreNoGrad, type TfTrainablePolicy, valuesOf } from './scoring.js';
export { deriveSeed, SeedStream } from './seeds.js';
export {
  evaluateSft,
  type ReplyParser,
  type RunSftOptions,
  readSftState,
  runSft,
  SFT_CHECKPOINT_PATTERN,
  type SftExample,
  type SftHeldOutMetrics,
  type SftResult,
  type SftState,
  sftCheckpointName,
  splitDataset,
} from './sft.js';
export { explainedVariance, mean, normalize, sampleStd, variance, wilsonInterval } from './stats.js';
export { StopFlag } from './stop-signal.js';
export { makeTextEnvs, type TrainDeps, type TrainResult, train } from './train.js';
