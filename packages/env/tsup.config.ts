import { browserTsup, sharedTsup } from '@rl4vlm/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    ...sharedTsup,
    entry: { index: 'src/index.ts', conformance: 'src/conformance.ts' },
    external: ['vitest'],
  },
  // dist/browser.js: the same API with the *.browser.ts twins (no worker threads, no pngjs).
  browserTsup(),
]);
