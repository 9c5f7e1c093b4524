import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isTrainablePolicy } from '@rl4vlm/policy';
import type { AppConfig } from '../config/index.js';
import { sizeProblems } from '../config/size-limits.js';
import type { PluginRegistry } from '../plugins/index.js';
import { requireSftOracle } from './training.js';

/**
 * Checks everything a training run needs before its folder is made, so a mistyped policy, env or
 * size fails with nothing left behind: sizes within bounds, the env and its text layer, the
 * oracle when SFT runs, and a policy that can be created and trained.
 */
export async function preflightTraining(config: AppConfig, registry: PluginRegistry): Promise<void> {
  const problems = sizeProblems(config);
  if (problems.length) throw new Error(`Config sizes out of range:\n  ${problems.join('\n  ')}`);
  if (!registry.envSpec(config.env.id).text)
    throw new Error(
      `Env '${config.env.id}' (from ${registry.envPlugin(config.env.id)}) has no text layer (spec.text), so a model cannot be trained on it`,
    );
  if (config.stages.includes('sft')) requireSftOracle(registry, config);
  const policy = await registry.policies.create(config.policy.id, {
    seed: config.seed,
    ...config.policy.options,
  });
  try {
    if (!isTrainablePolicy(policy))
      throw new Error(
        `Policy '${config.policy.id}' is not trainable (no score/trainableVariables/save), so it cannot be trained; use tfjs:tiny, tfjs:small or tfjs:<checkpoint dir>`,
      );
  } finally {
    await policy.dispose?.();
  }
}

/**
 * Fails early, naming the folder, when `dir` (or the nearest folder above it that exists) cannot
 * be written: a read-only disk or missing permissions would otherwise surface as `ENOENT … mkdir`
 * or only after a whole evaluation.
 */
export function assertWritable(dir: string): void {
  let at = path.resolve(dir);
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  try {
    rmSync(mkdtempSync(path.join(at, '.rl4vlm-write-test-')), { recursive: true, force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reasons: Record<string, string> = {
      EROFS: 'it is on a read-only file system',
      ENOSPC: 'the disk is full',
      ENOTDIR: 'it is a file, not a folder',
      EACCES: 'permission denied',
      EPERM: 'permission denied',
    };
    const why = (code && reasons[code]) ?? code ?? (e as Error).message;
    throw new Error(`${at} is not writable (${why}), so ${path.resolve(dir)} cannot be written`);
  }
}
