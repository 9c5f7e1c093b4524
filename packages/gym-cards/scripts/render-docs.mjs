// Renders one observation per env into docs/ (pnpm build first): node scripts/render-docs.mjs
import { writeFileSync } from 'node:fs';
import { encodePng } from '@rl4vlm/env';
import { BlackjackEnv, createOracle, EzPointsEnv, NumberLineEnv, Points24Env } from '../dist/index.js';

const out = new URL('../docs/', import.meta.url);

/** Plays `steps` oracle moves (or the given actions) from a seed and saves the frame. */
function snapshot(name, env, id, seed, steps) {
  let { observation, info } = env.reset({ seed });
  const oracle = createOracle(id);
  for (const a of steps) {
    ({ observation, info } = env.step(a === 'oracle' ? oracle.action(info) : a));
  }
  writeFileSync(new URL(`${name}.png`, out), encodePng(observation));
  console.log(`docs/${name}.png`, JSON.stringify(info.state));
}

snapshot('number-line', new NumberLineEnv(), 'gym-cards/NumberLine-v0', 3, ['oracle']);
snapshot('ez-points', new EzPointsEnv(), 'gym-cards/EZPoints-v0', 2, ['oracle', 'oracle']);
snapshot('points24', new Points24Env(), 'gym-cards/Points24-v0', 11, [
  'oracle',
  'oracle',
  'oracle',
  'oracle',
  'oracle',
]);
// Blackjack: hit until the hand has five cards (or the seed busts), to show a long hand.
for (let seed = 0; seed < 10_000; seed++) {
  const env = new BlackjackEnv();
  env.reset({ seed });
  let ok = true;
  for (let i = 0; i < 4 && ok; i++) ok = !env.step(1).terminated;
  if (ok) {
    snapshot('blackjack', new BlackjackEnv(), 'gym-cards/Blackjack-v0', seed, [1, 1, 1, 1]);
    break;
  }
}
