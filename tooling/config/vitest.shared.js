// Shared vitest settings: every package's vitest.config.ts spreads these.
/** @type {import('vitest/config').UserConfig['test']} */
export const sharedTest = {
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // Two cores: run test files in forks, never more than two at once.
  pool: 'forks',
  maxWorkers: 2,
};
