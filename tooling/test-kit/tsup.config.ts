import { defineConfig } from 'tsup';

// ESM only: the tests and scripts that use these helpers are all ESM. One entry per helper, so a
// test that needs redis does not load playwright or esbuild.
export default defineConfig({
  entry: { 'redis-server': 'src/redis-server.ts', chromium: 'src/chromium.ts', bundle: 'src/bundle.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
});
