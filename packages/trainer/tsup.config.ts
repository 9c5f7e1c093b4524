import { sharedTsup } from '@rl4vlm/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig({
  ...sharedTsup,
  entry: { index: 'src/index.ts' },
  // tfjs-core's gradient registrations exist only as extensionless ESM files that Node cannot
  // import; bundle them (see src/register-gradients.ts).
  noExternal: ['@tensorflow/tfjs-core/dist/register_all_gradients'],
});
