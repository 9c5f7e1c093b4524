import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DamagedCheckpoint,
  findLatestCheckpoint,
  LATEST_FILE,
  surveyCheckpoints,
} from './checkpoint.js';
import { isRlRecord, readJsonLines } from './metrics.js';
import { readSftState, SFT_CHECKPOINT_PATTERN, type SftState } from './sft.js';

/**
 * Where a resumed run continues: the newest intact PPO checkpoint, else the newest intact SFT
 * checkpoint, else the beginning — the last only when the run never got as far as a checkpoint.
 * `skipped` lists damaged checkpoints, each with why, so the caller can say so.
 */
export type ResumePlan =
  | { from: 'ppo'; dir: string; update: number; skipped: DamagedCheckpoint[] }
  | { from: 'sft'; dir: string; state: SftState; skipped: DamagedCheckpoint[] }
  | { from: 'start'; skipped: DamagedCheckpoint[] };

/** Resume refused: the run made progress but no checkpoint of it is intact. */
export class ResumeRefusedError extends Error {
  constructor(
    readonly runDir: string,
    readonly damaged: DamagedCheckpoint[],
    evidence: string,
  ) {
    super(
      [
        `No intact checkpoint to resume ${runDir} from, although ${evidence}.`,
        ...damaged.map((d) => `  ${d.dir}: ${d.problem}`),
        'Refusing to start over: that would silently redo the work and duplicate its metrics. Start a new run instead (another --name, or --force to overwrite this folder).',
      ].join('\n'),
    );
    this.name = 'ResumeRefusedError';
  }
}

/**
 * Decides where a run in `runDir` resumes from; throws {@link ResumeRefusedError} rather than
 * start over when a checkpoint must have existed: a damaged one is there, `latest.json` names
 * one, or `metrics.jsonl` has lines that are only written after one (an SFT epoch after the
 * first, the SFT evaluation, a PPO update at or past `checkpointEvery`). Lines written before
 * the first checkpoint are not evidence: a run killed then simply starts again.
 */
export function planResume(
  runDir: string,
  { checkpointEvery = 1 }: { checkpointEvery?: number } = {},
): ResumePlan {
  const root = join(runDir, 'checkpoints');
  const ppo = surveyCheckpoints(root);
  const sft = surveyCheckpoints(root, SFT_CHECKPOINT_PATTERN);
  const damaged = [...ppo.damaged, ...sft.damaged];
  const latest = findLatestCheckpoint(root);
  if (latest) {
    const chosen = ppo.intact.find((c) => c.dir === latest)!;
    return { from: 'ppo', dir: latest, update: chosen.update, skipped: damaged };
  }
  const newestSft = sft.intact.at(-1);
  if (newestSft)
    return { from: 'sft', dir: newestSft.dir, state: readSftState(newestSft.dir), skipped: damaged };
  const trained = readJsonLines(join(runDir, 'metrics.jsonl')).filter(
    (r) =>
      (r.phase === 'sft' && typeof r.epoch === 'number' && r.epoch >= 1) ||
      r.phase === 'sft-eval' ||
      r.phase === 'eval' ||
      (isRlRecord(r) && typeof r.update === 'number' && r.update >= checkpointEvery),
  ).length;
  const evidence = damaged.length
    ? `it has ${damaged.length} damaged checkpoint${damaged.length > 1 ? 's' : ''}`
    : existsSync(join(root, LATEST_FILE))
      ? `${join(root, LATEST_FILE)} says one was written`
      : trained
        ? `metrics.jsonl records ${trained} line${trained > 1 ? 's' : ''} written after a checkpoint`
        : undefined;
  if (evidence) throw new ResumeRefusedError(runDir, damaged, evidence);
  return { from: 'start', skipped: [] };
}

/** One line saying where a run resumes from (and one per damaged checkpoint skipped). */
export function describeResumePlan(plan: ResumePlan, totals: { numUpdates?: number } = {}): string[] {
  const lines = plan.skipped.map((d) => `Skipping damaged checkpoint ${d.dir}: ${d.problem}`);
  if (plan.from === 'ppo')
    lines.push(
      `Resuming from ${plan.dir} (PPO update ${plan.update}${totals.numUpdates ? ` of ${totals.numUpdates}` : ''})`,
    );
  else if (plan.from === 'sft')
    lines.push(
      plan.state.done
        ? `Resuming from ${plan.dir} (SFT finished: ${plan.state.step} steps)`
        : `Resuming from ${plan.dir} (SFT step ${plan.state.step} of ${plan.state.totalSteps}, epoch ${plan.state.epoch + 1})`,
    );
  else lines.push('No checkpoint yet (the run stopped before its first one): starting from the beginning');
  return lines;
}
