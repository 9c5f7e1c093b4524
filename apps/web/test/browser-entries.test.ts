import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const PACKAGES = [
  '@rl4vlm/env',
  '@rl4vlm/gym-cards',
  '@rl4vlm/alfworld',
  '@rl4vlm/policy',
  '@rl4vlm/policy-tfjs',
];
const NODE_ONLY = new Set([
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  '@napi-rs/canvas',
  'pngjs',
]);

/** The file a bundler targeting browsers gets for `pkg` (its `browser` export, else `import`). */
function browserEntry(pkg: string): string {
  const dir = path.dirname(require.resolve(`${pkg}/package.json`));
  const { exports } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const dot = exports['.'];
  const target = dot.browser?.default ?? dot.import?.default;
  return path.join(dir, target);
}

describe('browser entries of the packages the page uses', () => {
  it.each(PACKAGES)('%s imports nothing Node-only and reads no process.env or Buffer', (pkg) => {
    const source = readFileSync(browserEntry(pkg), 'utf8');
    const specifiers = [
      ...source.matchAll(
        /^\s*(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm,
      ),
    ].map((m) => m[1] ?? m[2]!);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => NODE_ONLY.has(s))).toEqual([]);
    expect(source).not.toMatch(/\brequire\(|process\.env|\bBuffer\.|createRequire/);
  });
});
