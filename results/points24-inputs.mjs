#!/usr/bin/env node
/**
 * What `tfjs:*` sees of a Points24 frame at several image sizes: the 300×300 frame and the policy's
 * own input (`imageToInput`: area-averaged, standardised per image; drawn min–max scaled and
 * enlarged with square pixels) for the first evaluation deals:
 *
 *   node results/points24-inputs.mjs [sizes=64,96,128] [seeds=1000000,1000001]
 *
 * Writes results/points24-inputs/frame-<seed>.png and input-<seed>-<size>.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { Points24Env } = await import(join(root, 'packages/gym-cards/dist/index.js'));
const { imageToInput } = await import(join(root, 'packages/policy-tfjs/dist/index.js'));
const { encodePng } = await import(join(root, 'packages/env/dist/index.js'));

const sizes = (process.argv[2] ?? '64,96,128').split(',').map(Number);
const seeds = (process.argv[3] ?? '1000000,1000001').split(',').map(Number);
const out = join(root, 'results/points24-inputs');
mkdirSync(out, { recursive: true });
const env = new Points24Env();
for (const seed of seeds) {
  const { observation, info } = env.reset({ seed });
  console.log(`seed ${seed}: ${info.state.cards.join(' ')} (values ${info.state.numbers.join(', ')})`);
  writeFileSync(join(out, `frame-${seed}.png`), encodePng(observation));
  for (const size of sizes) {
    const x = imageToInput(observation, size);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const scale = Math.max(1, Math.round(384 / size));
    const w = size * scale;
    const data = new Uint8Array(w * w * 3);
    for (let y = 0; y < w; y++)
      for (let px = 0; px < w; px++)
        for (let c = 0; c < 3; c++) {
          const v = x[3 * (Math.floor(y / scale) * size + Math.floor(px / scale)) + c];
          data[3 * (y * w + px) + c] = Math.round((255 * (v - lo)) / (hi - lo));
        }
    writeFileSync(join(out, `input-${seed}-${size}.png`), encodePng({ width: w, height: w, data }));
  }
}
