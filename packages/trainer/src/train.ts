import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registry as defaultEnvRegistry, type EnvRegistry, TextEnv } from '@rl4vlm/env';
import {
  isTrainablePolicy,
  type OracleFn,
  OraclePolicy,
  type PolicyRegistry,
  RandomPolicy,
} from '@rl4vlm/policy';
import { findLatestCheckpoint } from './checkpoint.js';
import { resolveTrainConfig, type TrainConfig, type TrainConfigInput } from './config.js';
import { type EvalSummary, evaluate } from './evaluate.js';
import { JsonLinesSink, type MetricsSink, type ProgressCallback } from './metrics.js';
import { buildOracleDataset } from './oracle-dataset.js';
import { type PpoResult, runPpo } from './ppo.js';
import type { RolloutCollector } from './rollout.js';
import type { TfTrainablePolicy } from './scoring.js';
import { runSft, type SftResult } from './sft.js';

/** What {@link train} needs besides the config: where envs and policies come from. */
export interface TrainDeps {
  /** Policies by id (with `tfjs` registered by the app). */
  policies: PolicyRegistry;
  /** Envs by id. Default: `@rl4vlm/env`'s default registry. */
  envs?: EnvRegistry;
  /** The env's oracle, for the SFT data. Required when `config.sft` is set. */
  oracle?: OracleFn;
  /** Action labels for the noise policy of an imperfect SFT dataset (else read from each step's info). */
  noiseLabels?: string[];
  /** Extra sinks besides `<runDir>/metrics.jsonl`. */
  sinks?: MetricsSink[];
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  handleSignals?: boolean;
  /** Continue from the newest checkpoint in `<runDir>/checkpoints` (SFT is skipped when one exists). */
  resume?: boolean;
  /** Stop after this many PPO updates of this call. */
  stopAfterUpdates?: number;
  log?: (message: string) => void;
  /** Where PPO's rollouts are played (default: in this process). */
  collect?: RolloutCollector;
}

/** What {@link train} returns. */
export interface TrainResult {
  config: TrainConfig;
  sft?: SftResult;
  evalAfterSft?: EvalSummary;
  ppo: PpoResult;
  evalFinal?: EvalSummary;
}

/** `TextEnv`s for an env id from a registry, with the env's own text layer. */
export function makeTextEnvs(
  envs: EnvRegistry,
  config: TrainConfig['env'],
  count: number,
): TextEnv<unknown, unknown>[] {
  const spec = envs.spec(config.id);
  if (!spec.text)
    throw new Error(
      `Env '${config.id}' has no text layer (spec.text): the trainer needs one to prompt a VLM`,
    );
  return Array.from(
    { length: count },
    () => new TextEnv(envs.make(config.id, config.kwargs), spec.text!(config.text)),
  );
}

function writeEval(path: string, summary: EvalSummary): void {
  // Frames are large; the JSON keeps the text and the numbers.
  const records = summary.records.map(({ frames: _frames, ...r }) => r);
  writeFileSync(path, JSON.stringify({ ...summary, records }, null, 2));
}

/**
 * The whole pipeline the CLI runs: optional SFT on oracle transcripts → evaluation → PPO →
 * evaluation, writing `metrics.jsonl`, `checkpoints/` and `eval-*.json` under `config.runDir`.
 */
export async function train(configInput: TrainConfigInput, deps: TrainDeps): Promise<TrainResult> {
  const config = resolveTrainConfig(configInput);
  const envRegistry = deps.envs ?? defaultEnvRegistry;
  mkdirSync(config.runDir, { recursive: true });
  writeFileSync(join(config.runDir, 'config.json'), JSON.stringify(config, null, 2));
  const checkpointDir = join(config.runDir, 'checkpoints');
  const metricsSink = new JsonLinesSink(join(config.runDir, 'metrics.jsonl'));
  const sinks: MetricsSink[] = [metricsSink, ...(deps.sinks ?? [])];
  const policy = await deps.policies.create(config.policy.id, {
    seed: config.seed,
    ...config.policy.options,
  });
  if (!isTrainablePolicy(policy))
    throw new Error(
      `Policy '${config.policy.id}' is not trainable (no score/trainableVariables/save): PPO needs one`,
    );
  const tfPolicy = policy as TfTrainablePolicy;
  const resumeFrom = deps.resume ? findLatestCheckpoint(checkpointDir) : undefined;
  const result: Partial<TrainResult> = { config };
  const evalEnvs = makeTextEnvs(envRegistry, config.env, config.eval.numEnvs);
  const parse = evalEnvs[0]!.parse.bind(evalEnvs[0]!);
  /** The seeded evaluation after a stage: `eval-<stage>.json` and one metrics line. */
  const evaluateStage = async (stage: 'after-sft' | 'final'): Promise<EvalSummary> => {
    const summary = await evaluate({
      envs: evalEnvs,
      policy,
      config: config.eval,
      onProgress: deps.onProgress,
    });
    writeEval(join(config.runDir, `eval-${stage}.json`), summary);
    await metricsSink.write({ phase: 'eval', stage, ...summaryNumbers(summary) });
    return summary;
  };

  if (resumeFrom) {
    const update = Number(/update-(\d+)/.exec(resumeFrom)?.[1] ?? 0);
    metricsSink.rewindTo(update);
  } else if (config.sft) {
    if (!deps.oracle)
      throw new Error('config.sft needs deps.oracle: the env oracle that writes the target replies');
    const [dataEnv] = makeTextEnvs(envRegistry, config.env, 1);
    const examples = await buildOracleDataset({
      env: dataEnv!,
      teacher: new OraclePolicy(deps.oracle),
      noisePolicy:
        config.sft.data.noise > 0
          ? new RandomPolicy({ labels: deps.noiseLabels, seed: config.seed })
          : undefined,
      noise: config.sft.data.noise,
      episodes: config.sft.data.episodes,
      seed: config.seed,
      maxEpisodeSteps: config.sft.data.maxEpisodeSteps,
    });
    result.sft = await runSft({
      policy: tfPolicy,
      examples,
      config: config.sft.train,
      seed: config.seed,
      parse,
      sinks,
      onProgress: deps.onProgress,
      log: deps.log,
    });
    result.evalAfterSft = await evaluateStage('after-sft');
  }

  const trainEnvs = makeTextEnvs(envRegistry, config.env, config.ppo.numEnvs);
  // A KL penalty needs the starting policy (after SFT), frozen: saved once into the run folder
  // and loaded into a second instance, so a resumed run finds the same reference.
  let referencePolicy: TfTrainablePolicy | undefined;
  if (config.ppo.klCoef > 0) {
    const referenceDir = join(config.runDir, 'reference-policy');
    if (!existsSync(join(referenceDir, '.complete'))) {
      await tfPolicy.save(referenceDir);
      writeFileSync(join(referenceDir, '.complete'), '');
    }
    referencePolicy = (await deps.policies.create(config.policy.id, {
      seed: config.seed,
      ...config.policy.options,
    })) as TfTrainablePolicy;
    await referencePolicy.load(referenceDir);
  }
  result.ppo = await runPpo({
    policy: tfPolicy,
    envs: trainEnvs,
    config: config.ppo,
    seed: config.seed,
    referencePolicy,
    sinks,
    onProgress: deps.onProgress,
    checkpoint: { dir: checkpointDir, every: config.checkpoint.every, keepLast: config.checkpoint.keepLast },
    resume: deps.resume,
    signal: deps.signal,
    handleSignals: deps.handleSignals,
    stopAfterUpdates: deps.stopAfterUpdates,
    log: deps.log,
    collect: deps.collect,
  });
  if (!result.ppo.stopped) {
    result.evalFinal = await evaluateStage('final');
  }
  for (const s of sinks) await s.close?.();
  return result as TrainResult;
}

function summaryNumbers(s: EvalSummary): Record<string, number | null> {
  return {
    episodes: s.episodes,
    successRate: s.successRate,
    successLow: s.successInterval.low,
    successHigh: s.successInterval.high,
    infoSuccessRate: s.infoSuccessRate,
    meanReturn: s.meanReturn,
    meanLength: s.meanLength,
    formatErrorRate: s.formatErrorRate,
  };
}
