import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registry as defaultEnvRegistry, type EnvRegistry, TextEnv } from '@rl4vlm/env';
import { isTrainablePolicy, type OracleFn, type PolicyRegistry } from '@rl4vlm/policy';
import { AlgorithmRegistry } from './algorithm-registry.js';
import { builtinAlgorithms } from './algorithms/index.js';
import { cleanTempCheckpoints, listCheckpoints } from './checkpoint.js';
import { resolveTrainConfig, type TrainConfig, type TrainConfigInput } from './config.js';
import { type EvalSummary, evaluate } from './evaluate.js';
import {
  isRlRecord,
  JsonLinesSink,
  type MetricsSink,
  type ProgressCallback,
  readJsonLines,
} from './metrics.js';
import { oracleDatasetFromConfig } from './oracle-dataset.js';
import type { PpoResult } from './ppo.js';
import { type Replicas, ReplicatedPolicy } from './replicas/replicas.js';
import { startReplicas } from './replicas/start-replicas.js';
import { describeResumePlan, planResume, type ResumePlan } from './resume-plan.js';
import { runRl, validateAlgorithmSections } from './rl-loop.js';
import type { RolloutCollector } from './rollout.js';
import type { TfTrainablePolicy } from './scoring.js';
import { runSft, SFT_CHECKPOINT_PATTERN, type SftResult } from './sft.js';
import { StopFlag } from './stop-signal.js';

/** What {@link train} needs besides the config: where envs and policies come from. */
export interface TrainDeps {
  /** Policies by id (with `tfjs` registered by the app). */
  policies: PolicyRegistry;
  /** Algorithms by id. Default: the built-ins (ppo, grpo, rloo, gigpo). */
  algorithms?: AlgorithmRegistry;
  /** Envs by id. Default: `@rl4vlm/env`'s default registry. */
  envs?: EnvRegistry;
  /** The env's oracle, for the SFT data. Required when `config.sft` is set. */
  oracle?: OracleFn;
  /** Action labels for the noise policy of an imperfect SFT dataset (else read from each step's info). */
  noiseLabels?: string[];
  /** Extra sinks besides `<runDir>/metrics.jsonl`. */
  sinks?: MetricsSink[];
  onProgress?: ProgressCallback;
  /** Stops at the next step boundary (SFT step, PPO update or rollout step) with a checkpoint. */
  signal?: AbortSignal;
  /** Stop cleanly on SIGINT/SIGTERM (a second one exits at once with 130). */
  handleSignals?: boolean;
  /**
   * Continue from the newest intact checkpoint in `<runDir>/checkpoints`: a PPO one, else an SFT
   * one (mid-SFT resume is exact). Damaged checkpoints are skipped with a log line; a run that
   * made progress but has no intact checkpoint is refused ({@link ResumeRefusedError}), never
   * started over silently.
   */
  resume?: boolean;
  /** Stop after this many RL updates of this call. */
  stopAfterUpdates?: number;
  /**
   * Module URLs/paths of the policy plugin(s) that provide `config.policy.id`: each worker
   * thread imports them to build its replica. Without them the run stays in-process (1 worker).
   */
  policyModules?: string[];
  /**
   * Module URLs/paths of the plugin that provides `config.algorithm`, so workers can rebuild its
   * loss; not needed for the built-in algorithms.
   */
  algorithmModules?: string[];
  /** The worker module (tests); default: the package's built `replicas-worker.js`. */
  workerUrl?: URL;
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

/** A registry holding the built-in algorithms (ppo, grpo, rloo, gigpo). */
export function createAlgorithmRegistry(): AlgorithmRegistry {
  const registry = new AlgorithmRegistry();
  for (const a of builtinAlgorithms.algorithms) registry.register(a, { source: builtinAlgorithms.name });
  return registry;
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
 * The whole pipeline the CLI runs: optional SFT on oracle transcripts → evaluation → RL (the
 * configured algorithm, PPO by default) →
 * evaluation, writing `metrics.jsonl`, `checkpoints/` and `eval-*.json` under `config.runDir`.
 */
export async function train(configInput: TrainConfigInput, deps: TrainDeps): Promise<TrainResult> {
  const resolved = resolveTrainConfig(configInput);
  const envRegistry = deps.envs ?? defaultEnvRegistry;
  const log = deps.log ?? ((m: string) => console.warn(m));
  if (resolved.workers > 1 && !deps.policyModules?.length)
    log(
      `workers: ${resolved.workers} asked for, but no policy plugin module was given to build replicas from (deps.policyModules): running in-process`,
    );
  // The config written is the one that runs: the worker count actually used.
  const config: TrainConfig = {
    ...resolved,
    workers: deps.policyModules?.length ? resolved.workers : 1,
  };
  // An unknown algorithm or a bad setting fails before anything is written or trained.
  const algorithms = deps.algorithms ?? createAlgorithmRegistry();
  const algorithm = algorithms.get(config.algorithm);
  validateAlgorithmSections(algorithms, config.algorithms);
  mkdirSync(config.runDir, { recursive: true });
  const checkpointDir = join(config.runDir, 'checkpoints');
  // Decided before anything is written, so a refused resume leaves the folder as it was.
  const plan: ResumePlan = deps.resume
    ? planResume(config.runDir, { checkpointEvery: config.checkpoint.every })
    : { from: 'start', skipped: [] };
  if (deps.resume) for (const line of describeResumePlan(plan, config.ppo)) log(line);
  for (const dir of cleanTempCheckpoints(checkpointDir))
    log(`Removed ${dir}: a checkpoint write that never finished`);
  writeFileSync(join(config.runDir, 'config.json'), JSON.stringify(config, null, 2));
  const metricsSink = new JsonLinesSink(join(config.runDir, 'metrics.jsonl'));
  const sinks: MetricsSink[] = [metricsSink, ...(deps.sinks ?? [])];
  const stop = new StopFlag({ signal: deps.signal, handleSignals: deps.handleSignals });
  const policy = await deps.policies.create(config.policy.id, {
    seed: config.seed,
    ...config.policy.options,
  });
  if (!isTrainablePolicy(policy))
    throw new Error(
      `Policy '${config.policy.id}' is not trainable (no score/trainableVariables/save): PPO needs one`,
    );
  const tfPolicy = policy as TfTrainablePolicy;
  const replicas = await startReplicas({
    workers: config.workers,
    policy: tfPolicy,
    policyModules: deps.policyModules,
    policyId: config.policy.id,
    policyOptions: { seed: config.seed, ...config.policy.options },
    workerUrl: deps.workerUrl,
  }).catch((e) => {
    stop.dispose();
    throw e;
  });
  log(`workers: ${replicas.description}`);
  try {
    return await trainOn(replicas);
  } finally {
    stop.dispose();
    await replicas.close();
  }

  /** The stages, with the policy's replicas started (and closed by the caller). */
  async function trainOn(replicas: Replicas): Promise<TrainResult> {
    const policy = new ReplicatedPolicy(tfPolicy, replicas);
    const result: Partial<TrainResult> = { config };
    const evalEnvs = makeTextEnvs(envRegistry, config.env, config.eval.numEnvs);
    const parse = evalEnvs[0]!.parse.bind(evalEnvs[0]!);
    const finalEvalFile = join(config.runDir, 'eval-final.json');
    /** The seeded evaluation after a stage: `eval-<stage>.json` and one metrics line. */
    const evaluateStage = async (stage: 'after-sft' | 'final'): Promise<EvalSummary> => {
      replicas.phase = `eval ${stage}`;
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
    const finish = async () => {
      stop.dispose();
      for (const s of sinks) await s.close?.();
    };

    // Metrics lines written after the checkpoint we continue from are dropped: the file reads as one run.
    if (plan.from === 'ppo') {
      metricsSink.keepOnly(
        (r) =>
          !(
            (isRlRecord(r) || r.phase === 'workers') &&
            typeof r.update === 'number' &&
            r.update >= plan.update
          ) && !(r.phase === 'eval' && r.stage === 'final' && plan.update < config.ppo.numUpdates),
      );
    } else if (plan.from === 'sft') {
      const epoch = plan.state.epoch;
      // SFT epoch lines and the worker-memory lines that follow them.
      metricsSink.keepOnly(
        (r) => (r.phase === 'sft' || r.phase === 'workers') && typeof r.epoch === 'number' && r.epoch < epoch,
      );
    } else if (deps.resume) {
      metricsSink.keepOnly(() => false);
    }
    if (plan.from !== 'ppo' && config.sft) {
      if (!deps.oracle)
        throw new Error('config.sft needs deps.oracle: the env oracle that writes the target replies');
      const [dataEnv] = makeTextEnvs(envRegistry, config.env, 1);
      const examples = await oracleDatasetFromConfig({
        env: dataEnv!,
        oracle: deps.oracle,
        data: config.sft.data,
        runSeed: config.seed,
        noiseLabels: deps.noiseLabels,
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
        stop,
        checkpoint: { dir: checkpointDir },
        resumeFrom: plan.from === 'sft' ? plan.dir : undefined,
        replicas,
      });
      if (result.sft.stopped) {
        await finish();
        return {
          ...result,
          ppo: { metrics: [], updatesDone: 0, stopped: true, checkpointDir: result.sft.checkpointDir },
        } as TrainResult;
      }
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
    result.ppo = await runRl({
      algorithm,
      algorithmSettings: config.algorithms[config.algorithm] ?? {},
      policy: tfPolicy,
      envs: trainEnvs,
      config: config.ppo,
      seed: config.seed,
      referencePolicy,
      sinks,
      onProgress: deps.onProgress,
      checkpoint: {
        dir: checkpointDir,
        every: config.checkpoint.every,
        keepLast: config.checkpoint.keepLast,
      },
      resume: plan.from === 'ppo',
      signal: stop.asSignal(),
      stopAfterUpdates: deps.stopAfterUpdates,
      log: deps.log,
      collect: deps.collect,
      replicas,
      algorithmModules: deps.algorithmModules,
    });
    if (!result.ppo.stopped) {
      const resumedFinished = plan.from === 'ppo' && plan.update >= config.ppo.numUpdates;
      if (resumedFinished && existsSync(finalEvalFile)) {
        // A finished run resumed again: its final evaluation is on disk; do not run it twice.
        result.evalFinal = JSON.parse(readFileSync(finalEvalFile, 'utf8')) as EvalSummary;
        const logged = readJsonLines(metricsSink.path).some((r) => r.phase === 'eval' && r.stage === 'final');
        if (!logged)
          await metricsSink.write({ phase: 'eval', stage: 'final', ...summaryNumbers(result.evalFinal) });
      } else {
        result.evalFinal = await evaluateStage('final');
      }
      // The run is past SFT for good: its checkpoints are no longer needed to resume.
      if (listCheckpoints(checkpointDir).length)
        for (const c of listCheckpoints(checkpointDir, SFT_CHECKPOINT_PATTERN))
          rmSync(c.dir, { recursive: true, force: true });
    }
    await finish();
    return result as TrainResult;
  }
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
