import { sharedTsup } from '@rl4vlm/tooling/tsup';
import { defineConfig } from 'tsup';

export default defineConfig({ ...sharedTsup, entry: { index: 'src/index.ts' } });
