import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The first of `candidates` (relative to this module: `dist/` when built, `src/commands/` in tests) that exists. */
function nearest(candidates: string[]): string {
  const found = candidates.map((c) => path.resolve(here, c)).find((p) => existsSync(p));
  if (!found) throw new Error(`rl4vlm is missing ${candidates[0]} next to ${here}; reinstall it`);
  return found;
}

const TEMPLATE = () => nearest(['../templates/env-plugin', '../../templates/env-plugin']);

function readJson(file: string): Record<string, any> {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The version of an installed package, read from its package.json. */
function installedVersion(name: string): string | undefined {
  try {
    return readJson(require.resolve(`${name}/package.json`)).version;
  } catch {
    return undefined;
  }
}

/** npm's rules for a package name, in the words of the error a user would want. */
export function checkPackageName(name: string): void {
  if (!/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(name) || name.length > 214)
    throw new Error(
      `'${name}' is not a valid npm package name: use lowercase letters, digits, '-', '.', '_' (optionally @scope/name); pass --name to choose one`,
    );
}

/**
 * The scaffold's package.json: an ESM package built by `tsc`, with `@rl4vlm/env` and
 * `@napi-rs/canvas` as peer dependencies (the app brings them; two copies of canvas would be two
 * 36 MB native builds) and the versions this rl4vlm was built with as dev dependencies.
 */
export function pluginPackageJson(name: string): Record<string, unknown> {
  const app = readJson(nearest(['../package.json', '../../package.json']));
  const envVersion = installedVersion('@rl4vlm/env') ?? app.version;
  const canvasVersion = installedVersion('@napi-rs/canvas') ?? '1.0.13';
  const dev = (dep: string, fallback: string) =>
    typeof app.devDependencies?.[dep] === 'string' ? app.devDependencies[dep] : fallback;
  return {
    name,
    version: '0.1.0',
    description: 'An rl4vlm env plugin: maze/Maze-v0',
    type: 'module',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    files: ['dist'],
    keywords: ['rl4vlm', 'rl4vlm-plugin'],
    rl4vlm: { plugin: 'env' },
    engines: { node: '>=20' },
    scripts: { build: 'tsc', test: 'vitest run', prepublishOnly: 'npm run build && npm test' },
    peerDependencies: { '@napi-rs/canvas': `~${canvasVersion}`, '@rl4vlm/env': `^${envVersion}` },
    devDependencies: {
      '@napi-rs/canvas': canvasVersion,
      '@rl4vlm/env': `^${envVersion}`,
      rl4vlm: `^${app.version}`,
      typescript: dev('typescript', '~5.9.3'),
      vitest: dev('vitest', '^4.1.12'),
    },
  };
}

/**
 * Writes a buildable, tested env plugin into `dir` (which must be missing or empty): a maze env
 * drawn with canvas, its text layer and oracle, the manifest, the conformance suite and its own
 * tests. Returns the files written, relative to `dir`.
 */
export function scaffoldEnvPlugin(dir: string, name = path.basename(path.resolve(dir))): string[] {
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new Error(`${dir} exists and is not empty; choose a new folder`);
  checkPackageName(name);
  mkdirSync(dir, { recursive: true });
  cpSync(TEMPLATE(), dir, { recursive: true });
  // npm drops .gitignore files from tarballs, so the template keeps it as `gitignore`.
  renameSync(path.join(dir, 'gitignore'), path.join(dir, '.gitignore'));
  for (const file of ['README.md', 'src/index.ts']) {
    const target = path.join(dir, file);
    writeFileSync(target, readFileSync(target, 'utf8').replaceAll('{{packageName}}', name));
  }
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pluginPackageJson(name), null, 2)}\n`);
  const files: string[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  walk('');
  return files.sort();
}

export function registerNewEnv(program: Command): void {
  program
    .command('new-env')
    .description('write a new env plugin package (a maze env, its text layer, oracle and tests) into <dir>')
    .argument('<dir>', 'folder to create (must be missing or empty)')
    .option('--name <package>', 'npm package name (default: the folder name)')
    .addHelpText(
      'after',
      `
Then:
  $ cd <dir> && npm install && npm run build && npm test
  $ npx rl4vlm train --plugin . --env maze/Maze-v0 --preset smoke

Example:
  $ rl4vlm new-env my-maze`,
    )
    .action((dir: string, flags: { name?: string }) => {
      const files = scaffoldEnvPlugin(dir, flags.name);
      console.log(
        `Wrote an env plugin to ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}\n\nNext:\n  cd ${dir}\n  npm install\n  npm run build\n  npm test\n  npx rl4vlm train --plugin . --env maze/Maze-v0 --preset smoke`,
      );
    });
}
