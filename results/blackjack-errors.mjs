#!/usr/bin/env node
/**
 * Where a Blackjack policy's non-optimal decisions come from. Each evaluated step is replayed from
 * its episode's seed, and its thought is checked piece by piece against the true state:
 *
 *   node results/blackjack-errors.mjs <eval.json> [...]
 *
 * - read: the cards it names equal its cards; dealer: the up-card it names is the dealer's;
 * - sum: the total it writes equals the total of the cards it named;
 * - decision: its action against the optimal one for the true state, and against the optimal one for
 *   the state it wrote (its own cards and dealer card): "rule" errors are wrong even by its own reading.
 *
 * Run `pnpm build` first.
 */
import { EnvRegistry } from '../packages/env/dist/index.js';
import { BlackjackSolver, GYM_CARDS_IDS, registerGymCards } from '../packages/gym-cards/dist/index.js';
import { readJson } from './read-json.mjs';

const id = GYM_CARDS_IDS.blackjack;
const registry = new EnvRegistry();
registerGymCards({ registry });
const env = registry.make(id);
const solver = new BlackjackSolver({ natural: false, sab: false });
const labelValue = (label) => (label === 'A' ? 1 : ['J', 'Q', 'K'].includes(label) ? 10 : Number(label));
const cardLabel = (c) =>
  c.rank === 10 ? '10' : c.rank === 1 ? 'A' : c.rank > 10 ? 'JQK'[c.rank - 11] : String(c.rank);
const best = (values, dealer) => {
  const q = solver.actionValues(values, dealer);
  return q.hit > q.stand ? 1 : 0;
};
const totalOf = (values) => {
  const sum = values.reduce((a, b) => a + b, 0);
  return values.includes(1) && sum + 10 <= 21 ? sum + 10 : sum;
};

for (const file of process.argv.slice(2)) {
  const evaluation = readJson(file);
  const n = {
    steps: 0,
    parsed: 0,
    readOk: 0,
    dealerOk: 0,
    sumOk: 0,
    allOk: 0,
    optimal: 0,
    optimalWhenAllOk: 0,
    ownRuleOk: 0,
    wrongAndRuleOk: 0,
    wrong: 0,
    wrongRead: 0,
    wrongDealer: 0,
    wrongSum: 0,
    closeCall: 0,
    lossFromWrong: 0,
  };
  for (const record of evaluation.records) {
    let { info } = await env.reset({ seed: record.seed });
    for (const step of record.steps) {
      if (step.action === undefined || step.action === null) break;
      n.steps++;
      const state = info.state;
      const values = state.player.map((c) => labelValue(cardLabel(c)));
      const dealer = labelValue(cardLabel(state.dealerShowing));
      const optimal = best(values, dealer);
      const q = solver.actionValues(values, dealer);
      const isOptimal = step.action === optimal;
      if (isOptimal) n.optimal++;
      const thought = /"thoughts":\s*"([^"]*)"/.exec(step.text)?.[1] ?? '';
      const cards = /My cards are ([^;]*);/.exec(thought)?.[1]?.split(', ');
      const total = Number(/a total of (\d+)/.exec(thought)?.[1]);
      const shows = /The dealer shows (\w+)/.exec(thought)?.[1];
      if (cards && Number.isFinite(total) && shows) {
        n.parsed++;
        const readValues = cards.map(labelValue);
        const readOk = cards.join(',') === state.player.map(cardLabel).join(',');
        const dealerOk = shows === cardLabel(state.dealerShowing);
        const sumOk = !readValues.some(Number.isNaN) && total === totalOf(readValues);
        n.readOk += readOk;
        n.dealerOk += dealerOk;
        n.sumOk += sumOk;
        const allOk = readOk && dealerOk && sumOk;
        n.allOk += allOk;
        if (allOk && isOptimal) n.optimalWhenAllOk++;
        const ownOk =
          !readValues.some(Number.isNaN) &&
          !Number.isNaN(labelValue(shows)) &&
          step.action === best(readValues, labelValue(shows));
        n.ownRuleOk += ownOk;
        if (!isOptimal) {
          n.wrong++;
          n.wrongRead += !readOk;
          n.wrongDealer += !dealerOk;
          n.wrongSum += !sumOk;
          if (allOk) n.wrongAndRuleOk++;
          if (Math.abs(q.hit - q.stand) < 0.02) n.closeCall++;
          n.lossFromWrong += Math.abs(q.hit - q.stand);
        }
      }
      const next = await env.step(step.action);
      info = next.info;
      if (next.terminated || next.truncated) break;
    }
  }
  const pct = (a, b = n.parsed) => `${((100 * a) / b).toFixed(1)}%`;
  console.log(
    `${file}: ${evaluation.records.length} episodes, ${n.steps} decisions (${n.parsed} with a readable thought)`,
  );
  console.log(
    `  cards read right ${pct(n.readOk)}, dealer right ${pct(n.dealerOk)}, total right for the cards named ${pct(n.sumOk)}, all three ${pct(n.allOk)}`,
  );
  console.log(
    `  optimal ${pct(n.optimal, n.steps)}; decision optimal for the state it wrote ${pct(n.ownRuleOk)}`,
  );
  console.log(
    `  of ${n.wrong} non-optimal decisions: cards misread ${n.wrongRead}, dealer misread ${n.wrongDealer}, total wrong ${n.wrongSum}, ` +
      `everything written right ${n.wrongAndRuleOk}; close calls (|Q(hit)−Q(stand)| < 0.02) ${n.closeCall}; ` +
      `expected return given up ${(n.lossFromWrong / evaluation.records.length).toFixed(4)} per episode`,
  );
}
