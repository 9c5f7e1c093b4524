import { type ChildProcess, fork } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForChild } from '@rl4vlm/test-kit/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointWriteError,
  checkpointName,
  checkpointProblem,
  cleanTempCheckpoints,
  findLatestCheckpoint,
  LATEST_FILE,
  listCheckpoints,
  surveyCheckpoints,
  writeCheckpoint,
} from '../src/checkpoint.js';

let child: string;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'trainer-ckpt-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  child = await bundleForChild(join(__dirname, 'fixtures', 'child.ts'), 'child');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(
  args: string[],
  onMessage?: (m: unknown, p: ChildProcess) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; messages: unknown[] }> {
  return new Promise((resolve, reject) => {
    const messages: unknown[] = [];
    const p = fork(child, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    p.stderr!.on('data', (d) => {
      stderr += d;
    });
    p.on('message', (m) => {
      messages.push(m);
      onMessage?.(m, p);
    });
    p.on('error', reject);
    p.on('exit', (code, signal) =>
      code && code !== 0
        ? reject(new Error(`child exited ${code}: ${stderr}`))
        : resolve({ code, signal, messages }),
    );
  });
}

const weightsOf = (dir: string) => {
  const b = readFileSync(join(dir, 'weights.bin'));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

describe('atomic checkpoints', () => {
  it('a writer killed mid-write (a real child process, SIGKILL) leaves the previous checkpoint loadable', async () => {
    const root = tempDir();
    const first = await run(['write', root, '1', '1']);
    expect(first.messages).toContain('done');
    const killed = await run(['write', root, '2', '2', 'hang'], (m, p) => {
      if (m === 'mid-write') p.kill('SIGKILL');
    });
    expect(killed.signal).toBe('SIGKILL');
    // The half-written folder exists but is ignored; the previous checkpoint is intact.
    expect(readdirSync(root).some((n) => n.startsWith('.tmp-'))).toBe(true);
    const latest = findLatestCheckpoint(root)!;
    expect(latest).toBe(join(root, checkpointName(1)));
    const w = weightsOf(latest);
    expect(w.length).toBe(1 << 20);
    expect(w.every((x) => x === 1)).toBe(true);
    // The next successful write supersedes it and clears the debris.
    await writeCheckpoint(root, 3, (dir) =>
      writeFileSync(join(dir, 'weights.bin'), new Float32Array(4).fill(3)),
    );
    expect(findLatestCheckpoint(root)).toBe(join(root, checkpointName(3)));
    expect(readdirSync(root).some((n) => n.startsWith('.tmp-'))).toBe(false);
  });

  it('keeps the last K complete checkpoints and falls back to scanning when latest.json is torn', async () => {
    const root = tempDir();
    for (const u of [1, 2, 3, 4])
      await writeCheckpoint(root, u, (dir) => writeFileSync(join(dir, 'x'), String(u)), { keepLast: 2 });
    expect(listCheckpoints(root).map((c) => c.update)).toEqual([3, 4]);
    writeFileSync(join(root, LATEST_FILE), '{"name": "upd');
    expect(findLatestCheckpoint(root)).toBe(join(root, checkpointName(4)));
    // A folder without a manifest is never picked.
    rmSync(join(root, checkpointName(4), 'manifest.json'));
    expect(findLatestCheckpoint(root)).toBe(join(root, checkpointName(3)));
    expect(findLatestCheckpoint(join(root, 'missing'))).toBeUndefined();
  });

  it('rewriting the same update replaces it whole', async () => {
    const root = tempDir();
    await writeCheckpoint(root, 5, (dir) => writeFileSync(join(dir, 'a'), 'old'));
    await writeCheckpoint(root, 5, (dir) => writeFileSync(join(dir, 'b'), 'new'));
    const dir = findLatestCheckpoint(root)!;
    expect(existsSync(join(dir, 'a'))).toBe(false);
    expect(readFileSync(join(dir, 'b'), 'utf8')).toBe('new');
  });

  it('SIGTERM during PPO finishes the current update, writes a checkpoint and exits cleanly', async () => {
    const root = tempDir();
    let signalled = false;
    const out = await run(['train', root], (m, p) => {
      if (!signalled && typeof m === 'object' && m && 'update' in m) {
        signalled = true;
        p.kill('SIGTERM');
      }
    });
    expect(out.code).toBe(0);
    const result = (
      out.messages.find((m) => typeof m === 'object' && m && 'result' in m) as {
        result: { updatesDone: number; stopped: boolean };
      }
    ).result;
    expect(result.stopped).toBe(true);
    expect(result.updatesDone).toBeGreaterThanOrEqual(1);
    const latest = findLatestCheckpoint(root)!;
    expect(latest).toBe(join(root, checkpointName(result.updatesDone)));
    const state = JSON.parse(readFileSync(join(latest, 'state.json'), 'utf8'));
    expect(state.state.update).toBe(result.updatesDone);
    expect(existsSync(join(latest, 'policy', 'table.bin'))).toBe(true);
    expect(existsSync(join(latest, 'optimizer.bin'))).toBe(true);
  });
});

describe('checkpoint damage and write failures (issue 17 items 2 and 7)', () => {
  it('a write that fails with ENOSPC removes its temporary folder, names the checkpoint and leaves the previous one', async () => {
    const root = tempDir();
    await writeCheckpoint(root, 1, (d) => writeFileSync(join(d, 'weights.bin'), 'one'));
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const failed = writeCheckpoint(root, 2, (d) => {
      writeFileSync(join(d, 'weights.bin'), 'half'); // part of it got written, then the disk filled up
      throw full;
    });
    await expect(failed).rejects.toThrow(CheckpointWriteError);
    await expect(failed).rejects.toThrow(
      new RegExp(`Could not write checkpoint ${join(root, 'update-000002')}: the disk is full \\(ENOSPC`),
    );
    expect(readdirSync(root).sort()).toEqual([LATEST_FILE, 'update-000001']);
    expect(findLatestCheckpoint(root)).toBe(join(root, 'update-000001'));
  });

  it('leftover temporary folders of a killed writer are removed on the next start', () => {
    const root = tempDir();
    mkdirSync(join(root, '.tmp-update-000003-999999-1'), { recursive: true });
    writeFileSync(join(root, 'latest.json.999999.tmp'), '{');
    expect(cleanTempCheckpoints(root).length).toBe(2);
    expect(readdirSync(root)).toEqual([]);
  });

  it('a truncated file or a torn manifest is named, and the newest intact checkpoint is used instead', async () => {
    const root = tempDir();
    for (const u of [1, 2, 3])
      await writeCheckpoint(root, u, (d) => writeFileSync(join(d, 'weights.bin'), 'x'.repeat(100)), {
        keepLast: 3,
      });
    writeFileSync(join(root, 'update-000003', 'weights.bin'), 'x'.repeat(40));
    writeFileSync(join(root, 'update-000002', 'manifest.json'), '{"format":');
    const survey = surveyCheckpoints(root);
    expect(survey.intact.map((c) => c.update)).toEqual([1]);
    expect(survey.damaged).toEqual([
      {
        dir: join(root, 'update-000002'),
        problem: expect.stringMatching(/^manifest\.json is not valid JSON/),
      },
      {
        dir: join(root, 'update-000003'),
        problem: 'weights.bin is truncated or changed: the manifest says 100 bytes, the file has 40',
      },
    ]);
    expect(checkpointProblem(join(root, 'update-000001'))).toBeUndefined();
    expect(findLatestCheckpoint(root)).toBe(join(root, 'update-000001'));
  });
});
