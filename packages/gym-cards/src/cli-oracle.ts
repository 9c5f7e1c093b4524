#!/usr/bin/env node
/**
 * Plays every gym-cards env with its oracle over seeded episodes and prints the figures:
 * `node dist/cli-oracle.js [--episodes 10000] [--env NumberLine-v0]`.
 */
import { type Env, EnvRegistry, type Info } from '@rl4vlm/env';
import type { PointsState } from './envs/points-game.js';
import { GYM_CARDS_IDS } from './ids.js';
import { registerGymCards } from './manifest.js';
import { createOracle } from './oracle/oracles.js';
import { isSolvable } from './solver.js';

const HELP = `Usage: gym-cards-oracle [--episodes N] [--env ID]

Plays every gym-cards env with its oracle over seeded episodes (seeds 0..N-1) and prints the
success rate, mean return and steps per episode of each.

Options:
  --episodes N   episodes per env (default 10000)
  --env ID       only the env whose id ends with ID (e.g. Blackjack-v0)
  -h, --help     print this help`;

const KNOWN = new Set(['--episodes', '--env']);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

interface Tally {
  episodes: number;
  successes: number;
  wins: number;
  draws: number;
  losses: number;
  totalReturn: number;
  steps: number;
  solvable: number;
}

async function evaluate(env: Env, id: string, episodes: number): Promise<Tally> {
  const oracle = createOracle(id);
  const t: Tally = {
    episodes,
    successes: 0,
    wins: 0,
    draws: 0,
    losses: 0,
    totalReturn: 0,
    steps: 0,
    solvable: 0,
  };
  for (let seed = 0; seed < episodes; seed++) {
    let { info } = (await env.reset({ seed })) as { info: Info };
    if (id === GYM_CARDS_IDS.points24) {
      const s = info.state as PointsState;
      if (
        isSolvable(s.numbers, {
          target: s.target,
          operators: ['+', '-', '*', '/'],
          parentheses: true,
          maxFormulaLength: 20,
        })
      )
        t.solvable++;
    }
    let ret = 0;
    let lastReward = 0;
    for (;;) {
      const step = await env.step(oracle.action(info));
      t.steps++;
      ret += step.reward;
      lastReward = step.reward;
      info = step.info;
      if (step.terminated || step.truncated) break;
    }
    t.totalReturn += ret;
    if (ret > 0) t.successes++;
    if (lastReward > 0) t.wins++;
    else if (lastReward === 0) t.draws++;
    else t.losses++;
  }
  return t;
}

const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(2)}%`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  for (let i = 0; i < argv.length; i += 2) {
    if (!KNOWN.has(argv[i]!)) throw new RangeError(`unknown option '${argv[i]}'\n\n${HELP}`);
    if (argv[i + 1] === undefined) throw new RangeError(`${argv[i]} needs a value\n\n${HELP}`);
  }
  const episodes = Number(arg('episodes', '10000'));
  if (!Number.isInteger(episodes) || episodes <= 0)
    throw new RangeError(`--episodes must be a positive integer, got ${arg('episodes', '')}`);
  const only = arg('env', '');
  const registry = new EnvRegistry();
  registerGymCards({ registry });
  const ids = Object.values(GYM_CARDS_IDS).filter((id) => !only || id.endsWith(only));
  if (ids.length === 0)
    throw new RangeError(`--env ${only} matches none of ${Object.values(GYM_CARDS_IDS).join(', ')}`);
  console.log(
    `oracle over ${episodes} seeded episodes per env (seeds 0..${episodes - 1}); success = episode return > 0`,
  );
  for (const id of ids) {
    const t0 = Date.now();
    const t = await evaluate(registry.make(id), id, episodes);
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    let line = `${id.padEnd(24)} success ${pct(t.successes, episodes).padStart(7)}  mean return ${(t.totalReturn / episodes).toFixed(4).padStart(8)}  steps/episode ${(t.steps / episodes).toFixed(2)}`;
    if (id === GYM_CARDS_IDS.points24) line += `  solvable deals ${pct(t.solvable, episodes)}`;
    if (id === GYM_CARDS_IDS.blackjack)
      line += `  win ${pct(t.wins, episodes)} draw ${pct(t.draws, episodes)} loss ${pct(t.losses, episodes)}`;
    console.log(`${line}  (${seconds}s)`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
