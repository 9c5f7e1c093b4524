import { sharedTest } from '@rl4vlm/tooling/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { ...sharedTest } });
