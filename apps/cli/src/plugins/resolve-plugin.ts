import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveImport } from 'import-meta-resolve';
import { PluginLoadError } from './plugin-error.js';

/** Where a plugin reference points: the file to import and the package facts known before importing it. */
export interface ResolvedPlugin {
  /** The reference as given: a package name or a path. */
  ref: string;
  /** The module to import, as a file URL. */
  url: string;
  /** The package folder, when the plugin is a package. */
  packageDir?: string;
  /** The package name from its package.json, when there is one. */
  packageName?: string;
  /** The package version from its package.json, when there is one. */
  packageVersion?: string;
  /** `"rl4vlm": {"plugin": ...}` from its package.json, when declared. */
  declaredKind?: string;
}

/** True for `./x`, `../x`, `/x`, `C:\x` and `file:` references, which are paths rather than package names. */
export function isPathReference(ref: string): boolean {
  return /^(\.{1,2}([/\\]|$)|[/\\]|[A-Za-z]:[/\\]|file:)/.test(ref);
}

function readPackageJson(dir: string): Record<string, any> | undefined {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The package folder holding `file`: the nearest ancestor with a package.json. */
function packageDirOf(file: string): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function withPackageFacts(ref: string, url: string, dir: string | undefined): ResolvedPlugin {
  const pkg = dir ? readPackageJson(dir) : undefined;
  return {
    ref,
    url,
    packageDir: dir,
    packageName: typeof pkg?.name === 'string' ? pkg.name : undefined,
    packageVersion: typeof pkg?.version === 'string' ? pkg.version : undefined,
    declaredKind: pkg?.rl4vlm?.plugin,
  };
}

/** The entry module of a package folder given by path: its `exports['.']` import entry, `module`, `main` or index.js. */
function entryOfPackageDir(ref: string, dir: string): string {
  const pkg = readPackageJson(dir);
  if (!pkg) {
    const index = path.join(dir, 'index.js');
    if (existsSync(index)) return pathToFileURL(index).href;
    throw new PluginLoadError(ref, `${dir} has neither a package.json nor an index.js`);
  }
  if (pkg.exports !== undefined && typeof pkg.name === 'string') {
    // Resolve the package by its own name from inside it: Node's self-reference follows `exports`.
    try {
      return resolveImport(pkg.name, pathToFileURL(path.join(dir, 'package.json')).href);
    } catch (error) {
      throw new PluginLoadError(
        ref,
        `its package.json "exports" has no usable entry: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  const main = [pkg.module, pkg.main, 'index.js'].find(
    (f) => typeof f === 'string' && existsSync(path.join(dir, f)),
  );
  if (!main) {
    throw new PluginLoadError(
      ref,
      `${path.join(dir, 'package.json')} names no entry that exists (looked at "exports", "module", "main", index.js); did you build it?`,
    );
  }
  return pathToFileURL(path.join(dir, main)).href;
}

/**
 * Finds the module a plugin reference names.
 * - A path (`./plugins/maze`, `/abs/dir`, `./maze.mjs`) is taken relative to `baseDirs[0]`; a folder
 *   is read as a package.
 * - A package name is resolved with Node's ESM rules from each of `baseDirs` in turn (the config's
 *   folder, the working directory, the app itself), so a project's own installs win.
 */
export function resolvePlugin(ref: string, baseDirs: readonly string[]): ResolvedPlugin {
  if (typeof ref !== 'string' || ref.trim() === '') {
    throw new PluginLoadError(String(ref), 'a plugin reference must be a package name or a path');
  }
  if (isPathReference(ref)) {
    const abs = ref.startsWith('file:')
      ? fileURLToPath(ref)
      : path.resolve(baseDirs[0] ?? process.cwd(), ref);
    if (!existsSync(abs)) throw new PluginLoadError(ref, `no file or folder at ${abs}`);
    if (statSync(abs).isDirectory()) {
      let url: string;
      try {
        url = entryOfPackageDir(ref, abs);
      } catch (error) {
        if (error instanceof PluginLoadError) throw error;
        throw new PluginLoadError(ref, (error as Error).message, { cause: error });
      }
      return withPackageFacts(ref, url, abs);
    }
    return withPackageFacts(ref, pathToFileURL(abs).href, packageDirOf(abs));
  }
  const tried: string[] = [];
  for (const base of baseDirs) {
    tried.push(base);
    let url: string;
    try {
      url = resolveImport(ref, pathToFileURL(path.join(base, 'noop.js')).href);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const missing =
        code === 'ERR_MODULE_NOT_FOUND' && (error as Error).message.includes(`Cannot find package '${ref}'`);
      if (missing) continue;
      throw new PluginLoadError(ref, `it is installed but cannot be resolved: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (!url.startsWith('file:')) throw new PluginLoadError(ref, `it resolves to ${url}, not a file`);
    return withPackageFacts(ref, url, packageDirOf(fileURLToPath(url)));
  }
  throw new PluginLoadError(
    ref,
    `the package is not installed (looked from ${tried.join(', ')}); install it (e.g. \`pnpm add ${ref}\`) or give a path such as ./plugins/my-envs`,
  );
}
