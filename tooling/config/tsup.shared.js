// Shared tsup settings: ESM + CJS + .d.ts, one bundle per entry.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** @type {import('tsup').Options} */
export const sharedTsup = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  // Keep the browser bundle: it is written by the second config of the same build.
  clean: ['!browser.js', '!browser.js.map'],
  target: 'node20',
  splitting: false,
};

/**
 * An esbuild plugin for the browser build: a relative import of `./x.js` resolves to
 * `./x.browser.ts` when that file exists beside `./x.ts`. This is how a package keeps Node-only
 * modules (`@napi-rs/canvas`, `node:fs`, worker threads) off its browser path: the Node file and
 * its browser twin export the same names.
 * @type {import('esbuild').Plugin}
 */
export const browserVariants = {
  name: 'rl4vlm-browser-variants',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const base = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '');
      const twin = `${base}.browser.ts`;
      return existsSync(twin) ? { path: twin } : undefined;
    });
  },
};

/**
 * The browser bundle `dist/browser.js` (ESM) of a package's `src/index.ts`, with `*.browser.ts`
 * twins swapped in. Its types are the Node build's: both export the same names.
 * @param {import('tsup').Options} [overrides]
 * @returns {import('tsup').Options}
 */
export function browserTsup(overrides = {}) {
  return {
    entry: { browser: 'src/index.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    dts: false,
    sourcemap: true,
    clean: false,
    splitting: false,
    esbuildPlugins: [browserVariants],
    ...overrides,
  };
}
