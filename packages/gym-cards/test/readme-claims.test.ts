import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ResetNeededError } from '@rl4vlm/env';
import { describe, expect, it } from 'vitest';
import { NumberLineEnv, points24Text } from '../src/index.js';

/** Issue 17 item 15: what the README says about differences from the original is true. */
const root = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README claims', () => {
  it('cites only source files that exist (seeding is @rl4vlm/env Rng with splitmix32, not episodeRng)', () => {
    expect(readme).not.toMatch(/episodeRng|seeding\.ts/);
    expect(readme).toMatch(/splitmix32/);
    const local = [...readme.matchAll(/`(src\/[\w/.-]+\.ts)`/g)].map((m) => m[1]!);
    for (const file of local) expect(existsSync(path.join(root, file)), file).toBe(true);
    expect(existsSync(path.join(root, '../env/src/rng.ts'))).toBe(true);
    expect(readFileSync(path.join(root, '../env/src/rng.ts'), 'utf8')).toMatch(/splitmix32/);
  });

  it('declares that stepping a finished episode throws ResetNeededError, and it does', async () => {
    expect(readme).toMatch(/Stepping a finished episode\*\* throws `ResetNeededError`/);
    const env = new NumberLineEnv();
    await env.reset({ seed: 1 });
    let over = false;
    for (let t = 0; t < 100 && !over; t++) {
      const r = await env.step(1);
      over = r.terminated || r.truncated;
    }
    expect(over).toBe(true);
    await expect(async () => env.step(1)).rejects.toThrow(ResetNeededError);
  });

  it('declares the treatFaceCardsAs10: false prompt, and the prompt says 11, 12 and 13', () => {
    expect(readme).toMatch(/`treatFaceCardsAs10: false` our Points24 prompt says/);
    const text = points24Text({ treatFaceCardsAs10: false });
    const prompt = text.prompt({ cards: [], formula: [] } as never, {} as never).text;
    expect(prompt).toContain("count as '11', '12' and '13'");
  });
});
