import { sharedTsup } from '@rl4vlm/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig({
  ...sharedTsup,
  entry: { index: 'src/index.ts' },
  // The backend loader resolves packages from its own location (import.meta.url), in CJS too.
  shims: true,
  // Native backends are optional and loaded at run time only when installed.
  external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
});
