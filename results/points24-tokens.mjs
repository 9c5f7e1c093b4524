#!/usr/bin/env node
// RESULTS.md "Points24": run from the repository root after pnpm build: node results/points24-tokens.mjs
// Dataset statistics (args: episodes noise) for Points24 SFT: reply/prompt tokens per step (tiny's tokenizer), steps per
// episode, off-plan share, and coverage of eval deals' value multisets by N training episodes.
const W = new URL('../packages', import.meta.url).pathname;
const { EnvRegistry, TextEnv } = await import(`${W}/env/dist/index.js`);
const { registerGymCards, createOracle, points24Actions, points24Text, solvePoints } = await import(
  `${W}/gym-cards/dist/index.js`
);
const { OraclePolicy, RandomPolicy } = await import(`${W}/policy/dist/index.js`);
const { buildOracleDataset } = await import(`${W}/trainer/dist/index.js`);
const { BpeTokenizer, builtinCorpus } = await import(`${W}/policy-tfjs/dist/index.js`);
const tok = BpeTokenizer.fit(builtinCorpus(), { vocabSize: 768 });
const registry = new EnvRegistry();
registerGymCards({ registry });
const ID = 'gym-cards/Points24-v0';
const oracle = createOracle(ID);
const [episodes, noise] = [Number(process.argv[2] ?? 96), Number(process.argv[3] ?? 0.2)];
const key = (nums) => [...nums].sort((a, b) => a - b).join(',');
for (const thought of ['sentence', 'plan']) {
  const text = { cot: true, thought };
  const env = new TextEnv(registry.make(ID), points24Text(text));
  const ex = await buildOracleDataset({
    env,
    teacher: new OraclePolicy((_p, info) => oracle.reply(info, text)),
    noisePolicy: new RandomPolicy({ labels: points24Actions(), seed: 1 }),
    noise,
    episodes,
    seed: 1,
    maxEpisodeSteps: 50,
  });
  let reply = 0,
    prompt = 0,
    maxReply = 0,
    noisy = 0,
    deadEnd = 0;
  for (const e of ex) {
    const r = tok.encode(e.target).length + 1;
    reply += r;
    maxReply = Math.max(maxReply, r);
    prompt += tok.encode(e.prompt.text).length;
    if (e.target.includes('I choose at random')) noisy++;
    else if (/no 24|cannot be completed/.test(e.target)) deadEnd++;
  }
  console.log(
    JSON.stringify({
      thought,
      episodes,
      noise,
      steps: ex.length,
      stepsPerEpisode: +(ex.length / episodes).toFixed(2),
      replyTokensPerStep: +(reply / ex.length).toFixed(1),
      maxReply,
      promptTokensPerStep: +(prompt / ex.length).toFixed(1),
      replyTokensTotal: reply,
      noisyShare: +(noisy / ex.length).toFixed(3),
      deadEndShare: +(deadEnd / ex.length).toFixed(3),
    }),
  );
  if (thought === 'plan') {
    // Coverage: share of 1,000 eval deals (seeds 1e6…) whose value multiset appears in training.
    const seen = new Set();
    for (const e of ex) seen.add(key(e.info.state.numbers));
    const evalEnv = registry.make(ID);
    let cov = 0,
      covSolvable = 0,
      solvable = 0;
    for (let i = 0; i < 1000; i++) {
      const { info } = await evalEnv.reset({ seed: 1_000_000 + i });
      const k = key(info.state.numbers);
      const s =
        solvePoints(info.state.numbers, {
          target: 24,
          operators: ['+', '-', '*', '/'],
          parentheses: true,
          maxFormulaLength: 20,
        }).length > 0;
      if (seen.has(k)) cov++;
      if (s) {
        solvable++;
        if (seen.has(k)) covSolvable++;
      }
    }
    console.log(
      JSON.stringify({
        distinctMultisets: seen.size,
        evalCovered: cov / 1000,
        evalSolvable: solvable / 1000,
        evalSolvableCovered: covSolvable / 1000,
      }),
    );
  }
}
