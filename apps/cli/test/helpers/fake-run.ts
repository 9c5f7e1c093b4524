import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createPluginRegistry, requireOracle } from '../../src/plugins/index.js';
import { writeGallery } from '../../src/run/gallery.js';
import { playEpisode } from '../../src/run/play-episode.js';
import { makeTextEnv } from '../../src/setup.js';

export const INJECTED = '{"thoughts": "<script>window.injected = 1</script> & <b>bold</b>", "action": "5"}';

/**
 * A run folder written the way `rl4vlm train` writes one, with real episodes of the example plugin
 * (oracle replies, plus one hostile reply to check escaping) and synthetic metrics.
 */
export async function writeFakeRun(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const env = { id: 'tictactoe/TicTacToe-v0', kwargs: {}, text: { cot: true } };
  writeFileSync(
    path.join(dir, 'rl4vlm.config.json'),
    JSON.stringify({ env, policy: { id: 'tfjs:tiny' }, seed: 1, plugins: ['rl4vlm-plugin-tic-tac-toe'] }),
  );
  const lines = [
    { phase: 'sft', epoch: 0, step: 4, trainLoss: 2.5 },
    { phase: 'sft', epoch: 1, step: 8, trainLoss: 1.2 },
    ...[0, 1, 2, 3, 4].map((u) => ({
      phase: 'ppo',
      update: u,
      envSteps: (u + 1) * 64,
      successRate: 0.2 + 0.1 * u,
      successRateWindow: 0.2 + 0.08 * u,
      meanReturn: -0.5 + 0.2 * u,
      policyLoss: 0.1 / (u + 1),
      valueLoss: 0.5 / (u + 1),
      formatErrorRate: 0.3 - 0.05 * u,
    })),
  ];
  writeFileSync(
    path.join(dir, 'metrics.jsonl'),
    `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"phase": "ppo", "upd`,
  );
  const registry = await createPluginRegistry({ plugins: ['rl4vlm-plugin-tic-tac-toe'] });
  const oracle = requireOracle(registry, env.id, { text: env.text });
  const textEnv = makeTextEnv(registry, env);
  const records = [];
  for (let i = 0; i < 3; i++) {
    const episode = await playEpisode(
      textEnv,
      (p, info, t) => (i === 2 && t === 0 ? INJECTED : oracle(p, info)),
      {
        seed: 100 + i,
      },
    );
    records.push({ index: i, seed: 100 + i, steps: episode.steps.map((s) => ({ text: s.reply })) });
  }
  for (const [stage, successRate] of [
    ['after-sft', 0.3],
    ['final', 0.6],
  ] as const) {
    writeFileSync(
      path.join(dir, `eval-${stage}.json`),
      JSON.stringify({
        episodes: 50,
        successRate,
        successInterval: { low: successRate - 0.12, high: successRate + 0.12 },
        meanReturn: successRate - 0.2,
        meanLength: 3.5,
        formatErrorRate: 0.1,
        records,
      }),
    );
    await writeGallery(path.join(dir, 'episodes', stage), records, { registry, env, count: 3 });
  }
}
