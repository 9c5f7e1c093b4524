#!/usr/bin/env node
/**
 * ALFWorld household: where a policy leaves the search expert it imitates. Replays every episode of
 * an evaluation file (`alfworld/Household-v0` runs, text only) from its seed and reports, per step,
 * how often the policy's command is the search expert's next command, how often it is not even
 * admissible ("Nothing happens."; the RL4VLM parser plays the reply's whole text when it names no
 * admissible command), and how often it repeats a command of the same episode that
 * changed nothing (a loop), plus the share of episodes that end by the 50-step limit. For the
 * episodes lost, a second line says where each first left the expert: the expert's verb → the
 * policy's, and whether the reply itself named an admissible command (`named`) or one that is not
 * (`invented`, e.g. `countertop 3` in a room with two, which closest parsing then replaced):
 *
 *   node results/alfworld-agreement.mjs results/runs/alf-sft/eval-after-sft.json [...]
 *
 * Run from the repository root after `pnpm build`.
 */
import { HouseholdEnv } from '../packages/alfworld/dist/index.js';
import { readEvaluation } from './read-json.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node results/alfworld-agreement.mjs <eval.json> [...]');
  process.exit(2);
}
const env = new HouseholdEnv({ image: false, expert: 'search' });
const pct = (n, d) => `${d ? ((100 * n) / d).toFixed(1) : '–'}%`;

for (const file of files) {
  let evaluation;
  try {
    evaluation = readEvaluation(file);
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
    continue;
  }
  let steps = 0;
  let expert = 0;
  let inadmissible = 0;
  let repeats = 0;
  let firstExpert = 0;
  let capped = 0;
  let wins = 0;
  const departures = new Map();
  for (const record of evaluation.records) {
    let { info } = await env.reset({ seed: record.seed });
    const useless = new Set();
    let departed = record.success;
    for (const [t, step] of record.steps.entries()) {
      // A reply that did not parse was played as a random admissible command, which the record
      // does not name: the replay stops there (its later states are unknown).
      if (typeof step.action !== 'string') break;
      steps++;
      const agrees = step.action === info.expertCommand;
      if (agrees) expert++;
      if (agrees && t === 0) firstExpert++;
      if (!info.admissibleCommands.includes(step.action)) inadmissible++;
      if (!agrees && !departed && info.expertCommand) {
        departed = true;
        const named = info.admissibleCommands.includes(replyAction(step.text)) ? 'named' : 'invented';
        const key = `${info.expertCommand.split(' ')[0]} → ${step.action.split(' ')[0]} (${named})`;
        departures.set(key, (departures.get(key) ?? 0) + 1);
      }
      if (useless.has(step.action)) repeats++;
      const before = JSON.stringify(info.admissibleCommands);
      const result = await env.step(step.action);
      if (JSON.stringify(result.info.admissibleCommands) === before) useless.add(step.action);
      info = result.info;
    }
    // The env ends a game on its 50th step (ALFWorld's limit) unless it is won.
    if (!record.success && record.length >= 50) capped++;
    if (record.success) wins++;
  }
  const n = evaluation.records.length;
  console.log(
    `${file}: ${n} episodes, won ${pct(wins, n)}, cut at the step limit ${pct(capped, n)}; ${steps} steps replayed: ` +
      `the search expert's command ${pct(expert, steps)} (first step ${pct(firstExpert, n)}), ` +
      `not admissible ${pct(inadmissible, steps)}, repeating a command that changed nothing ${pct(repeats, steps)}`,
  );
  const lost = [...departures.values()].reduce((a, b) => a + b, 0);
  const ranked = [...departures].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${k} ${c}`);
  console.log(`  ${lost} lost episodes, first departure from the expert: ${ranked.join(', ')}`);
}

/** The `"action"` value a reply wrote (before any parsing rule chose a command), or ''. */
function replyAction(text) {
  try {
    return String(JSON.parse(text).action ?? '');
  } catch {
    return '';
  }
}
