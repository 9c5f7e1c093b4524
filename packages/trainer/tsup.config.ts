import { sharedTsup } from '@rl4vlm/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig({
  ...sharedTsup,
  // The replica worker is its own module file, started by `new Worker(url)`.
  entry: { index: 'src/index.ts', 'replicas-worker': 'src/replicas/worker.ts' },
  // import.meta.url in the CommonJS build too (it locates the worker module).
  shims: true,
  // tfjs-core's gradient registrations exist only as extensionless ESM files that Node cannot
  // import; bundle them (see src/register-gradients.ts).
  noExternal: ['@tensorflow/tfjs-core/dist/register_all_gradients'],
});
