/**
 * Bundles a TypeScript test fixture for a plain `node` child process (a worker, a process that is
 * killed mid-write): the tests run TypeScript through vitest, a child process cannot.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

/** The folder of the package.json nearest above `file`. */
function packageRoot(file: string): string {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${file}`);
  }
}

/**
 * Bundles a TypeScript entry (and the relative sources it imports) into one ESM file
 * `<package>/node_modules/.cache/rl4vlm-test-bundles/<name>.mjs`, inside the package the entry
 * belongs to, so the packages it leaves external resolve from that package's node_modules.
 * Every package stays external except tfjs-core's gradient file, which Node cannot import directly.
 * @returns the bundled file's path.
 */
export async function bundleForChild(entry: string, name: string): Promise<string> {
  const outDir = join(packageRoot(entry), 'node_modules', '.cache', 'rl4vlm-test-bundles');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    plugins: [
      {
        name: 'packages-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.includes('register_all_gradients') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return outfile;
}
