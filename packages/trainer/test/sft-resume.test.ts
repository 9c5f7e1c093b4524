import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OraclePolicy } from '@rl4vlm/policy';
import { afterAll, describe, expect, it } from 'vitest';
import { listCheckpoints } from '../src/checkpoint.js';
import type { MetricsRecord } from '../src/metrics.js';
import { buildOracleDataset } from '../src/oracle-dataset.js';
import { planResume, ResumeRefusedError } from '../src/resume-plan.js';
import { readSftState, runSft, SFT_CHECKPOINT_PATTERN, type SftExample } from '../src/sft.js';
import { CharPolicy } from './fixtures/char-policy.js';
import { makeNumberLine, numberLineText, oracleReply } from './fixtures/number-line.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'trainer-sft-resume-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const config = { epochs: 3, batchSize: 4, lr: 0.2, evalFraction: 0.2, evalGenerations: 4, maxNewTokens: 20 };
const withoutSeconds = ({ seconds: _s, ...r }: MetricsRecord) => r;

async function examples(): Promise<SftExample[]> {
  return buildOracleDataset({
    env: makeNumberLine(),
    teacher: new OraclePolicy((_p, info) => oracleReply(info)),
    episodes: 6,
    seed: 5,
  });
}

async function sft(
  data: SftExample[],
  options: { stopAtStep?: number; checkpointDir?: string; resumeFrom?: string },
) {
  const policy = new CharPolicy(9);
  let steps = 0;
  const stop = { stopped: false };
  const records: MetricsRecord[] = [];
  const result = await runSft({
    policy,
    examples: data,
    seed: 5,
    config,
    parse: numberLineText.parse,
    log: () => {},
    sinks: [{ write: (r) => void records.push(r) }],
    onProgress: () => {
      steps += 1;
      if (options.stopAtStep !== undefined && steps >= options.stopAtStep) stop.stopped = true;
    },
    stop,
    checkpoint: options.checkpointDir ? { dir: options.checkpointDir } : undefined,
    resumeFrom: options.resumeFrom,
  });
  const weights = [policy.table, policy.shared, policy.value].map((v) => Array.from(v.dataSync()));
  policy.dispose();
  return { result, records, weights };
}

describe('interruptible SFT (issue 17 item 1)', () => {
  it('stops at a step boundary mid-epoch with a checkpoint, and a resume is bit-identical to an uninterrupted run', async () => {
    const data = await examples();
    const straight = await sft(data, {});
    const dir = join(tempDir(), 'checkpoints');
    // 5 training examples per epoch of batch 4 → 2 steps per epoch; stop inside the second epoch.
    const first = await sft(data, { stopAtStep: 3, checkpointDir: dir });
    expect(first.result.stopped).toBe(true);
    const [checkpoint] = listCheckpoints(dir, SFT_CHECKPOINT_PATTERN);
    expect(checkpoint!.name).toBe('sft-step-000003');
    const state = readSftState(checkpoint!.dir);
    expect(state).toMatchObject({ epoch: 1, batch: 1, step: 3, done: false });
    expect(state.losses).toHaveLength(1);
    expect(first.result.heldOut).toBeUndefined();

    const resumed = await sft(data, { resumeFrom: checkpoint!.dir, checkpointDir: dir });
    expect(resumed.result.stopped).toBe(false);
    expect(resumed.weights).toEqual(straight.weights);
    // Epoch lines: 0 from the first call, 1 and 2 (and the held-out line) from the resumed one — as one run.
    expect([...first.records, ...resumed.records].map(withoutSeconds)).toEqual(
      straight.records.map(withoutSeconds),
    );
    expect(readSftState(listCheckpoints(dir, SFT_CHECKPOINT_PATTERN).at(-1)!.dir).done).toBe(true);
  });

  it('planResume picks the newest intact SFT checkpoint, names a damaged one, and refuses when none is intact', async () => {
    const data = await examples();
    const runDir = tempDir();
    const dir = join(runDir, 'checkpoints');
    await sft(data, { stopAtStep: 3, checkpointDir: dir });
    const plan = planResume(runDir);
    expect(plan.from).toBe('sft');
    writeFileSync(join(dir, 'sft-step-000003', 'manifest.json'), '{ torn');
    writeFileSync(join(runDir, 'metrics.jsonl'), `${JSON.stringify({ phase: 'sft', epoch: 1 })}\n`);
    expect(() => planResume(runDir)).toThrow(ResumeRefusedError);
    expect(() => planResume(runDir)).toThrow(/sft-step-000003: manifest\.json is not valid JSON/);
  });
});
