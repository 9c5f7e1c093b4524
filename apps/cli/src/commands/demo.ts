import path from 'node:path';
import type { Command } from 'commander';
import { envSlug, formatTable, num, percent } from '../format/table.js';
import { findOracle } from '../plugins/index.js';
import { writeEpisodeFiles } from '../run/episode-files.js';
import { playEpisode } from '../run/play-episode.js';
import { type CommonFlags, loadPlugins, makeTextEnv } from '../setup.js';
import { positiveInt } from './env-flags.js';

interface DemoFlags extends CommonFlags {
  out: string;
  episodes: number;
  env?: string;
  allEnvs?: boolean;
}

/** One env's line in the demo summary. */
export interface DemoRow {
  envId: string;
  episodes: number;
  successRate: number;
  meanReturn: number;
  meanLength: number;
  folder: string;
}

/**
 * Plays a few seeded episodes of each env with its oracle and writes every episode as a GIF, a PNG
 * strip and a transcript; returns one summary row per env.
 */
export async function runDemo(
  flags: DemoFlags,
  print: (line: string) => void = console.log,
): Promise<DemoRow[]> {
  const started = Date.now();
  const registry = await loadPlugins(flags);
  // In each plugin's own order (gym-cards: the paper's table order).
  const ids = flags.env
    ? [flags.env]
    : registry.plugins
        .flatMap((p) => (p.kind === 'env' ? p.manifest.envs.map((e) => e.id) : []))
        .filter((id) => flags.allEnvs || registry.envPlugin(id) === '@rl4vlm/gym-cards');
  if (flags.env) registry.envSpec(flags.env);
  const rows: DemoRow[] = [];
  for (const id of ids) {
    const env = { id, kwargs: {}, text: { cot: true } };
    const oracle = findOracle(registry, id, { text: env.text });
    if (!oracle) {
      print(`skipping ${id}: it has no oracle`);
      continue;
    }
    const textEnv = makeTextEnv(registry, env);
    const folder = path.join(flags.out, envSlug(id));
    const episodes = [];
    for (let seed = 0; seed < flags.episodes; seed++) {
      const episode = await playEpisode(textEnv, (prompt, info) => oracle(prompt, info), {
        seed,
        maxSteps: 60,
      });
      writeEpisodeFiles(folder, `episode-${seed}`, episode, { frames: false });
      episodes.push(episode);
    }
    await textEnv.close();
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
    rows.push({
      envId: id,
      episodes: episodes.length,
      successRate: mean(episodes.map((e) => (e.success ? 1 : 0))),
      meanReturn: mean(episodes.map((e) => e.return)),
      meanLength: mean(episodes.map((e) => e.steps.length)),
      folder,
    });
  }
  print(
    formatTable(
      [
        'env',
        'episodes',
        'oracle success',
        'mean return',
        'mean steps',
        'files (GIF, PNG strip, transcript)',
      ],
      rows.map((r) => [
        r.envId,
        String(r.episodes),
        percent(r.successRate),
        num(r.meanReturn, 2),
        num(r.meanLength, 1),
        r.folder,
      ]),
    ),
  );
  print(
    `\nEach env was played by its oracle (the optimal policy) on seeds 0..${flags.episodes - 1}; ` +
      `open the .gif files to watch, the .txt files to read the prompts a VLM sees and the replies.` +
      `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Next: \`rl4vlm train --preset numberline\`, \`rl4vlm play --env gym-cards/NumberLine-v0\`.`,
  );
  return rows;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'play a few seeded episodes of each gym-cards env with its oracle and write them as GIF + PNG (the quickstart)',
    )
    .option('-o, --out <dir>', 'output folder', 'demo-output')
    .option('-n, --episodes <n>', 'episodes per env', positiveInt, 3)
    .option('--env <id>', 'only this env (any loaded plugin)')
    .option('--all-envs', 'every env of every loaded plugin, not only gym-cards')
    .option('--plugin <pkg...>', 'load these plugin packages or paths too')
    .option('--discover', 'also load installed packages that declare "rl4vlm": {"plugin": ...}')
    .option('-c, --config <file>', 'take plugins from this config file')
    .addHelpText(
      'after',
      `
Examples:
  $ rl4vlm demo                                   # 4 gym-cards envs × 3 episodes → demo-output/
  $ rl4vlm demo -n 10 -o /tmp/frames
  $ rl4vlm demo --plugin rl4vlm-plugin-tic-tac-toe --env tictactoe/TicTacToe-v0`,
    )
    .action(async (flags: DemoFlags) => {
      await runDemo(flags);
    });
}
