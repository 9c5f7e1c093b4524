import { browserTsup, sharedTsup } from '@rl4vlm/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    ...sharedTsup,
    entry: { index: 'src/index.ts' },
    // The backend loader resolves packages from its own location (import.meta.url), in CJS too.
    shims: true,
    // Native backends are optional and loaded at run time only when installed.
    external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
    // tfjs-core's Node build registers no gradients and its ESM gradient module cannot be imported
    // by Node directly (the package is not "type": "module"): bundle it. Registries are global.
    noExternal: [/@tensorflow\/tfjs-core\/dist\/register_all_gradients/],
  },
  // dist/browser.js: the same API with the *.browser.ts twins (WebGPU/WebGL/wasm/cpu; checkpoints
  // from files, not folders). A bundler resolves tfjs-core's gradient module to its one copy.
  browserTsup({ external: [/^@tensorflow\//] }),
]);
