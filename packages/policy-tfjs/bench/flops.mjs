// Multiply-adds of one training step (score forward + backward) by part of the model, counted
// from the config, at the bench's shapes: batch 16, the NumberLine prompt, 64 reply tokens.
// "full" is every position through every layer (score before its shortcuts); "now" is what
// score computes: no last response token as input, the last layer's attention output and MLP at
// the last prompt position and the reply only. Run `pnpm build` first.
// Usage: node bench/flops.mjs [--preset tiny|small] [--batch 16] [--new 64]
// A product with a trained weight costs 3× its forward (forward, input gradient, weight
// gradient); the patch embedding 2× (no gradient for the pixels). Elementwise work is not counted.
// bench/matmul-shapes.mjs counts the products a step actually runs; the totals agree.
import { builtinCorpus, PRESETS, TfjsPolicy } from '../dist/index.js';
import { arg } from './common.mjs';

const preset = arg('preset', 'tiny');
const B = Number(arg('batch', 16));
const R = Number(arg('new', 64));
const c = PRESETS[preset];
const policy = await TfjsPolicy.create(preset);
const patches = (c.imageSize / c.patchSize) ** 2;
const P = policy.tokenizer.encode(builtinCorpus()[0]).length - 1 + patches;
policy.dispose();
const d = c.dim;
const dh = d / c.heads;
const vd = c.visionDim;

/** Multiply-adds by part for a decoder input of T positions whose last layer runs queries at Q. */
function count(T, Q) {
  const parts = new Map();
  const add = (part, forward, factor = 3) => parts.set(part, (parts.get(part) ?? 0) + forward * factor);
  const n = B * patches;
  add('vision encoder + projector', n * c.patchSize ** 2 * 3 * vd, 2);
  add(
    'vision encoder + projector',
    c.visionLayers * (n * (4 * vd * vd + 2 * vd * c.visionFfn) + 2 * B * patches * patches * vd) +
      n * (vd * d + d * d),
  );
  for (let l = 0; l < c.layers; l++) {
    const q = l === c.layers - 1 ? Q : T;
    add('LM q/k/v products', B * T * 3 * d * d);
    // A constant matrix: forward and input gradient only. v is rotated too (by the identity).
    add('LM rotary (rotate-half product)', B * T * 3 * c.heads * dh * dh, 2);
    add('LM attention (q·kᵀ, p·v)', 2 * B * q * T * d);
    add('LM o_proj', B * q * d * d);
    add('LM MLP (gate/up, down)', B * q * 3 * d * c.ffn);
  }
  add('LM head (reply positions)', B * R * d * c.vocabSize);
  add('value head', B * (d * c.valueHidden + (c.valueHidden * c.valueHidden) / 2 + c.valueHidden / 2));
  return parts;
}
const full = count(P + R, P + R);
const now = count(P + R - 1, R);
const total = (m) => [...m.values()].reduce((a, b) => a + b, 0);
const g = (x) => (x / 1e6).toFixed(0);
console.log(
  `${preset} training step, batch ${B}, ${P} prompt positions, ${R} reply tokens: ${(total(full) / 1e9).toFixed(2)} → ${(total(now) / 1e9).toFixed(2)} G multiply-adds (${(total(full) / total(now)).toFixed(2)}× fewer)`,
);
console.log('| part | full: M MACs | share | now: M MACs | share |\n|---|---:|---:|---:|---:|');
for (const [part, x] of full) {
  const y = now.get(part);
  const pct = (v, m) => `${((100 * v) / total(m)).toFixed(1)}%`;
  console.log(`| ${part} | ${g(x)} | ${pct(x, full)} | ${g(y)} | ${pct(y, now)} |`);
}
