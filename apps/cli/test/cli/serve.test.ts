import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OpenAIPolicy } from '@rl4vlm/policy-openai';
import { evaluate, makeTextEnvs } from '@rl4vlm/trainer';
import { describe, expect, it } from 'vitest';
import { servedPolicyId, startServe } from '../../src/commands/serve.js';
import { createPluginRegistry } from '../../src/plugins/index.js';
import { runCli } from '../helpers/run-cli.js';

const env = { id: 'gym-cards/NumberLine-v0', kwargs: {}, text: { cot: true } };
const evalConfig = {
  episodes: 8,
  numEnvs: 4,
  temperature: 0,
  maxNewTokens: 24,
  maxEpisodeSteps: 6,
  seed: 777,
};

describe('rl4vlm serve', () => {
  it('evaluating a trained checkpoint over HTTP equals evaluating it in process (same seeds, greedy)', async () => {
    const runsDir = mkdtempSync(path.join(tmpdir(), 'rl4vlm-serve-'));
    const trained = await runCli([
      'train',
      '--preset',
      'smoke',
      '--name',
      'srv',
      '--runs-dir',
      runsDir,
      '--no-baselines',
      '--no-report',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const runDir = path.join(runsDir, 'srv');
    const policyId = servedPolicyId(runDir);
    expect(policyId).toMatch(/^tfjs:.*checkpoints.*policy$/);

    const registry = await createPluginRegistry({ plugins: [], discover: false, baseDir: runDir });
    const local = await registry.policies.create(policyId, {});
    const inProcess = await evaluate({
      envs: makeTextEnvs(registry.envs, env, 4),
      policy: local,
      config: evalConfig,
    });

    const served = await startServe(
      runDir,
      {
        host: '127.0.0.1',
        port: 0,
        token: 'serve-test-token',
        maxBodyBytes: 8 * 1024 * 1024,
        maxImagePixels: 1024 * 1024,
        batchWindow: 5,
        maxBatch: 32,
      },
      () => {},
    );
    try {
      const remote = new OpenAIPolicy({
        model: served.modelName,
        baseURL: served.url,
        apiKey: 'serve-test-token',
      });
      const overHttp = await evaluate({
        envs: makeTextEnvs(registry.envs, env, 4),
        policy: remote,
        config: evalConfig,
      });
      expect(overHttp.successRate).toBe(inProcess.successRate);
      expect(overHttp.meanReturn).toBe(inProcess.meanReturn);
      // Not only the rate: every reply of every episode is the same text.
      const replies = (s: typeof inProcess) => s.records.map((r) => r.steps.map((step) => step.text));
      expect(replies(overHttp)).toEqual(replies(inProcess));
      expect(replies(inProcess).flat().length).toBeGreaterThan(8);
      const models = await fetch(`${served.url}/models`, {
        headers: { authorization: 'Bearer serve-test-token' },
      });
      expect(((await models.json()) as any).data[0].id).toBe('srv');
    } finally {
      await served.close();
      await local.dispose?.();
    }
  }, 300_000);

  it('names what it cannot serve', () => {
    expect(() => servedPolicyId('/no/such/run-or/checkpoint')).toThrow(
      /neither a run folder, a checkpoint folder nor a policy id/,
    );
    expect(servedPolicyId('tfjs:tiny')).toBe('tfjs:tiny');
  });
});
