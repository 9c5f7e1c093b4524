import { sharedTsup } from '@rl4vlm/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig({
  ...sharedTsup,
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  // Plugins and the tensor backends are loaded at run time, never bundled.
  external: [/^@rl4vlm\//, '@napi-rs/canvas', /^@tensorflow\//],
  shims: true,
});
