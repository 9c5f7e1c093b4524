import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON } from './python.js';

// A plain Node process, as a user runs one: nothing (no test runner) keeps it alive but the
// package itself. The sidecar and its pipes are unref'd, so a failed start that waits for the
// sidecar to exit must hold Node open until the error reaches the caller (issue 21: it used to
// end with exit code 13, an unsettled top-level await, and no message).
const SCRIPT = `
import { EnvRegistry, registerManifest } from '@rl4vlm/env';
import alfworld from ${JSON.stringify(path.resolve(import.meta.dirname, '../dist/index.js'))};
const registry = new EnvRegistry();
registerManifest(alfworld, { registry });
const env = registry.make('alfworld/Bridge-v0', { envType: 'tw', python: ${JSON.stringify(PYTHON)} });
try {
  await env.reset({ seed: 0 });
  console.log('reset settled');
} catch (error) {
  console.log('rejected with ' + error.name + ': ' + error.message.split('\\n')[0]);
  process.exitCode = 3;
}
`;

describe('alfworld/Bridge-v0 without the alfworld Python module, in a plain Node process', () => {
  it('rejects reset with AlfworldNotInstalledError within seconds instead of exiting silently', () => {
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: import.meta.dirname,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stdout + run.stderr).toMatch(
      /rejected with AlfworldNotInstalledError: Python module 'alfworld' is not installed/,
    );
    expect(run.status).toBe(3);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
