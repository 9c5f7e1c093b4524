import { sharedTest } from '@rl4vlm/tooling/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { ...sharedTest, testTimeout: 120_000, hookTimeout: 180_000 } });
