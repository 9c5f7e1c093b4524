import { sharedTest } from '@rl4vlm/tooling/vitest';
import { defineConfig } from 'vitest/config';

// The `rl4vlm new-env` template's own tests run here too, so a change to @rl4vlm/env that breaks
// the scaffold fails this package's tests (the packed, npm-installed scaffold is tested by
// scripts/outside-test.mjs).
export default defineConfig({
  test: { ...sharedTest, include: [...sharedTest.include, 'templates/env-plugin/test/**/*.test.ts'] },
});
