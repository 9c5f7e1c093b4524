// Shared tsup settings: ESM + CJS + .d.ts, one bundle per entry.
/** @type {import('tsup').Options} */
export const sharedTsup = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
};
