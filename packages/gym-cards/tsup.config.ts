import { browserTsup, sharedTsup } from '@rl4vlm/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    ...sharedTsup,
    entry: { index: 'src/index.ts', 'cli-oracle': 'src/cli-oracle.ts' },
    external: ['@napi-rs/canvas', '@rl4vlm/env'],
  },
  // dist/browser.js: the same API with src/render/platform.browser.ts (no @napi-rs/canvas).
  browserTsup({ external: ['@rl4vlm/env'] }),
]);
