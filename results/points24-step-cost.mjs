#!/usr/bin/env node
// RESULTS.md "Points24": run from the repository root after pnpm build: node results/points24-step-cost.mjs
// Seconds per SFT optimizer step (batch 8) of tfjs:tiny at several image sizes, interleaved rounds.
const W = new URL('../packages', import.meta.url).pathname;
const { EnvRegistry, TextEnv } = await import(`${W}/env/dist/index.js`);
const { registerGymCards, createOracle, points24Text } = await import(`${W}/gym-cards/dist/index.js`);
const { OraclePolicy } = await import(`${W}/policy/dist/index.js`);
const { buildOracleDataset, runSft } = await import(`${W}/trainer/dist/index.js`);
const { TfjsPolicy } = await import(`${W}/policy-tfjs/dist/index.js`);
const registry = new EnvRegistry();
registerGymCards({ registry });
const ID = 'gym-cards/Points24-v0';
const oracle = createOracle(ID);
const datasets = {};
for (const thought of ['sentence', 'plan']) {
  const text = { cot: true, thought };
  datasets[thought] = (
    await buildOracleDataset({
      env: new TextEnv(registry.make(ID), points24Text(text)),
      teacher: new OraclePolicy((_p, info) => oracle.reply(info, text)),
      episodes: 6,
      seed: 1,
    })
  ).slice(0, 32);
}
const variants = [
  ['64/16 sentence', { imageSize: 64, patchSize: 16 }, 'sentence'],
  ['64/16 plan', { imageSize: 64, patchSize: 16 }, 'plan'],
  ['96/16 plan', { imageSize: 96, patchSize: 16 }, 'plan'],
  ['128/16 plan', { imageSize: 128, patchSize: 16 }, 'plan'],
  ['128/32 plan', { imageSize: 128, patchSize: 32 }, 'plan'],
  ['128/8 plan', { imageSize: 128, patchSize: 8 }, 'plan'],
];
const policies = [];
for (const [, config] of variants) policies.push(await TfjsPolicy.create('tiny', { config }));
const times = variants.map(() => []);
for (let round = 0; round < 3; round++) {
  for (const [i, [_name, , thought]] of variants.entries()) {
    const t0 = process.cpuUsage();
    await runSft({
      policy: policies[i],
      examples: datasets[thought],
      config: { epochs: 1, batchSize: 8, evalFraction: 0, evalGenerations: 0 },
      seed: 1,
    });
    const c = process.cpuUsage(t0);
    times[i].push((c.user + c.system) / 1e6 / 4);
  }
}
for (const [i, [name, config]] of variants.entries()) {
  const s = times[i].slice(1).sort((a, b) => a - b)[0];
  console.log(
    `${name}: imageTokens ${(config.imageSize / config.patchSize) ** 2}, CPU s/step ${s.toFixed(2)} (rounds: ${times[i].map((t) => t.toFixed(2)).join(' ')})`,
  );
}
