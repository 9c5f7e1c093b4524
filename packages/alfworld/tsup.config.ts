import { browserTsup, sharedTsup } from '@rl4vlm/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    ...sharedTsup,
    entry: { index: 'src/index.ts' },
    external: ['@napi-rs/canvas'],
    // import.meta.url (finding python/alfworld_server.py) also in the CJS build.
    shims: true,
  },
  // dist/browser.js: the same API with the *.browser.ts twins (OffscreenCanvas; no Python bridge).
  browserTsup(),
]);
