import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** An installed package that declares itself a plugin in its package.json. */
export interface DiscoveredPlugin {
  name: string;
  dir: string;
  kind: unknown;
}

function declaredPlugin(dir: string): DiscoveredPlugin | undefined {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg?.rl4vlm?.plugin === undefined || typeof pkg.name !== 'string') return undefined;
    return { name: pkg.name, dir, kind: pkg.rl4vlm.plugin };
  } catch {
    return undefined; // A package.json we cannot read is not ours to judge.
  }
}

/**
 * Installed packages that declare `"rl4vlm": {"plugin": "env" | "policy" | "algorithm"}` in their package.json,
 * found in the `node_modules` folders of `dir` and its ancestors (scoped packages included).
 * The nearest install of a name wins, as with Node's own resolution.
 */
export function discoverInstalledPlugins(dir: string): DiscoveredPlugin[] {
  const found = new Map<string, DiscoveredPlugin>();
  let current = path.resolve(dir);
  for (;;) {
    const modules = path.join(current, 'node_modules');
    if (existsSync(modules)) {
      for (const entry of readdirSync(modules)) {
        if (entry.startsWith('.')) continue;
        const dirs = entry.startsWith('@')
          ? readdirSync(path.join(modules, entry)).map((sub) => path.join(modules, entry, sub))
          : [path.join(modules, entry)];
        for (const d of dirs) {
          const plugin = declaredPlugin(d);
          if (plugin && !found.has(plugin.name)) found.set(plugin.name, plugin);
        }
      }
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}
