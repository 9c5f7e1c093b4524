import { sharedTsup } from '@rl4vlm/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig({
  ...sharedTsup,
  entry: { index: 'src/index.ts', 'cli-oracle': 'src/cli-oracle.ts' },
  external: ['@napi-rs/canvas', '@rl4vlm/env'],
});
