/**
 * `@rl4vlm/trainer`: RL4VLM's training loop for VLM agents — rollouts, GAE, PPO with the
 * chain-of-thought weighting λ, algorithm plugins (GRPO, RLOO, GiGPO built in), SFT warm start,
 * seeded evaluation, atomic checkpoints with exact resume, metrics sinks. Its default export is
 * the built-in algorithms' plugin manifest (`rl4vlm.algorithm/v1`).
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
  type AdvantageInput,
  type AdvantageOutput,
  ALGORITHM_ID_PATTERN,
  ALGORITHM_SPECIFICATION_VERSION,
  type Algorithm,
  type AlgorithmPluginManifest,
  type CollectPlan,
  defineAlgorithm,
  type Experience,
  InvalidAlgorithmManifestError,
  validateAlgorithmManifest,
} from './algorithm.js';
export { AlgorithmRegistry, UnknownAlgorithmError } from './algorithm-registry.js';
export { type GigpoSettings, gigpo, gigpoAdvantages } from './algorithms/gigpo.js';
export { type GrpoSettings, grpo, grpoAdvantages } from './algorithms/grpo.js';
export { builtinAlgorithms, builtinAlgorithms as default } from './algorithms/index.js';
export { ppo, ppoAdvantages } from './algorithms/ppo.js';
export {
  broadcast,
  meanGroupSpread,
  shapedRewards,
  stepReturns,
  type Trajectory,
  trajectories,
  trajectoryReturns,
} from './algorithms/returns.js';
export { type RlooSettings, rloo, rlooAdvantages } from './algorithms/rloo.js';
export { anchorKey } from './anchor-key.js';
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
export { collectGroups, type GroupRolloutOptions } from './collect-groups.js';
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
export { type GroupStats, groupNormalize, groupStats } from './group-stats.js';
export {
  clippedSurrogate,
  clippedValueLoss,
  k3Kl,
  meanEntropy,
  ratioStats,
  type SurrogateOutput,
  sequenceLogProb,
} from './loss-pieces.js';
export { type CosineSchedule, learningRateAt } from './lr-schedule.js';
export {
  ConsoleSink,
  isRlRecord,
  JsonLinesSink,
  type MetricsRecord,
  type MetricsSink,
  type ProgressCallback,
  type ProgressEvent,
  readJsonLines,
  recordAlgorithm,
  TIMING_KEYS,
} from './metrics.js';
export {
  type MinibatchUpdateOptions,
  type MinibatchUpdateResult,
  minibatchUpdate,
} from './minibatch-update.js';
export {
  buildOracleDataset,
  NOISE_TARGETS,
  type NoiseTarget,
  type OracleDatasetOptions,
  oracleDatasetFromConfig,
} from './oracle-dataset.js';
export { packExample } from './packed-example.js';
export { type PpoResult, type PpoState, type RunPpoOptions, runPpo } from './ppo.js';
export { type PpoLossInput, type PpoLossOutput, type PpoLossSettings, ppoLoss } from './ppo-loss.js';
export {
  type ChunkGradients,
  chunksOf,
  computeChunkGradients,
  evenRanges,
  type GradientChunk,
  type RlChunk,
  type RlChunkSample,
  type RlLoss,
  type RlLossSpec,
  type SftChunk,
  sumInChunkOrder,
} from './replicas/chunk-gradients.js';
export {
  LocalReplicas,
  type ReplicaMemory,
  type Replicas,
  ReplicatedPolicy,
  type Scored,
  writeWorkerMemory,
} from './replicas/replicas.js';
export { type StartReplicasOptions, startReplicas } from './replicas/start-replicas.js';
export { ReplicaFailedError, WorkerPool, type WorkerPoolOptions } from './replicas/worker-pool.js';
export { describeResumePlan, planResume, type ResumePlan, ResumeRefusedError } from './resume-plan.js';
export {
  lossFor,
  RL_STATE_FORMAT,
  type RlResult,
  type RunRlOptions,
  resolveAlgorithmSettings,
  runRl,
  validateAlgorithmSections,
} from './rl-loop.js';
export {
  collectRollout,
  type EpisodeSummary,
  type Rollout,
  type RolloutCollector,
  type RolloutOptions,
  type RolloutSample,
  RolloutStopped,
  rowSeed,
  type StepSampleInput,
  stepSample,
  type TextEnvLike,
} from './rollout.js';
export { type RlState, updateRecord } from './rollout-metrics.js';
export { type ScoredColumns, type ScoreExperienceOptions, scoreExperience } from './score-experience.js';
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
export { createAlgorithmRegistry, makeTextEnvs, type TrainDeps, type TrainResult, train } from './train.js';
