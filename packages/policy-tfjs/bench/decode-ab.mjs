// The fused decode step against tfjs kernels in one process: `generate` calls (KV cache) alternate
// between `fusedDecode: true` and `false` (A B B A …), so both see the same machine load. Prints
// the median CPU-ms per call, the generated tokens per CPU-second and whether both sampled the
// same tokens.
// Usage: node bench/decode-ab.mjs [--preset tiny|small] [--batch 16] [--new 64] [--reps 8]
import { arg, benchPrompts, cpuUs, loadBuild } from './common.mjs';

const preset = arg('preset', 'tiny');
const batch = Number(arg('batch', 16));
const newTokens = Number(arg('new', 64));
const reps = Number(arg('reps', 8));
const { builtinCorpus, TfjsPolicy } = await loadBuild(arg('dist'));
const policy = await TfjsPolicy.create(preset);
const prompts = benchPrompts(builtinCorpus, batch);
const generate = (fusedDecode) => policy.generate(prompts, { seed: 7, maxNewTokens: newTokens, fusedDecode });
const same =
  JSON.stringify((await generate(true)).map((g) => g.tokenIds)) ===
  JSON.stringify((await generate(false)).map((g) => g.tokenIds));
const cpu = { fused: [], kernels: [] };
let tokens = 0;
for (let r = 0; r < reps; r++)
  for (const fused of r % 2 ? [false, true] : [true, false]) {
    const start = cpuUs();
    const out = await generate(fused);
    cpu[fused ? 'fused' : 'kernels'].push((cpuUs() - start) / 1000);
    tokens = out.reduce((n, g) => n + g.tokenIds.length, 0);
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (xs) => ({
  cpuMs: Math.round(median(xs)),
  tokensPerCpuSecond: Math.round((tokens / median(xs)) * 1000),
});
console.log(
  JSON.stringify(
    {
      preset,
      batch,
      newTokens,
      tokensPerCall: tokens,
      sameTokens: same,
      kernels: row(cpu.kernels),
      fused: row(cpu.fused),
      speedup: Number((median(cpu.kernels) / median(cpu.fused)).toFixed(2)),
    },
    null,
    2,
  ),
);
policy.dispose();
