import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPluginRegistry, loadPlugin, PluginLoadError, resolvePlugin } from '../../src/plugins/index.js';

const require = createRequire(import.meta.url);
const fixtures = path.resolve(import.meta.dirname, '../fixtures/plugins');

async function loadError(ref: string, baseDir = fixtures): Promise<PluginLoadError> {
  try {
    await createPluginRegistry({ builtins: false, plugins: [ref], baseDir });
  } catch (error) {
    expect(error).toBeInstanceOf(PluginLoadError);
    return error as PluginLoadError;
  }
  throw new Error(`expected loading ${ref} to fail`);
}

describe('loading plugins from folders on disk', () => {
  it('loads a valid env plugin by path and registers its envs', async () => {
    const registry = await createPluginRegistry({
      builtins: false,
      plugins: ['./good-env'],
      baseDir: fixtures,
    });
    expect(registry.envs.ids()).toEqual(['fixture/One-v0']);
    expect(registry.envPlugin('fixture/One-v0')).toBe('fixture-good-env');
    const env = registry.envs.make('fixture/One-v0');
    expect((await env.reset()).observation).toBe(0);
    expect(registry.rows()).toEqual([
      {
        name: 'fixture-good-env',
        version: '1.2.3',
        kind: 'env',
        origin: 'config',
        ref: './good-env',
        provides: ['fixture/One-v0'],
      },
    ]);
  });

  it('loads a policy plugin and creates policies from ids with an argument', async () => {
    const registry = await createPluginRegistry({
      builtins: false,
      plugins: ['./good-policy'],
      baseDir: fixtures,
    });
    const policy = await registry.policies.create('echo:hello');
    const [g] = await policy.generate([{ text: 'hi', images: [] }]);
    expect(g!.text).toBe('hello');
  });

  it('loads a single-file plugin given as a path to the module', async () => {
    const registry = await createPluginRegistry({
      builtins: false,
      plugins: ['./single-file/plugin.mjs'],
      baseDir: fixtures,
    });
    expect(registry.policies.kinds()).toEqual(['single']);
  });

  it('names the package and the missing field when a manifest lacks envs', async () => {
    const error = await loadError('./no-envs');
    expect(error.plugin).toBe('./no-envs');
    expect(error.message).toContain("Plugin './no-envs'");
    expect(error.message).toMatch(/envs: is required/);
  });

  it('names every bad field of an env spec', async () => {
    const error = await loadError('./bad-env-id');
    expect(error.message).toMatch(/envs\[0\]\.id: must look like 'namespace\/Name-vN'/);
    expect(error.message).toMatch(/envs\[0\]\.factory: factory must be a function/);
  });

  it('rejects a newer specification version and says which one the app implements', async () => {
    const error = await loadError('./future-version');
    expect(error.message).toMatch(/'rl4vlm\.env\/v2' is not supported/);
    expect(error.message).toContain("'rl4vlm.env/v1'");
  });

  it('rejects a manifest without specificationVersion', async () => {
    const error = await loadError('./no-specification');
    expect(error.message).toMatch(/specificationVersion: is required/);
  });

  it('explains a module without a default export', async () => {
    expect((await loadError('./no-default')).message).toMatch(/no default export/);
  });

  it('reports an exception thrown while importing, with its message', async () => {
    const error = await loadError('./throws-on-import');
    expect(error.message).toMatch(/importing .*index\.js failed: the plugin exploded while loading/);
  });

  it('reports a syntax error in the plugin module', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rl4vlm-syntax-'));
    mkdirSync(path.join(dir, 'broken'));
    writeFileSync(
      path.join(dir, 'broken', 'package.json'),
      '{"name":"broken","version":"1.0.0","type":"module","main":"index.js"}',
    );
    writeFileSync(path.join(dir, 'broken', 'index.js'), 'export default { name: ;');
    const error = await loadError('./broken', dir);
    expect(error.message).toMatch(/importing .* failed: .*(Unexpected token|invalid JS syntax)/);
  });

  it('says when a package.json names an entry that was never built', async () => {
    expect((await loadError('./not-built')).message).toMatch(/names no entry that exists.*did you build it/);
  });

  it('says when package.json is not valid JSON', async () => {
    expect((await loadError('./bad-package-json')).message).toMatch(/package\.json is not valid JSON/);
  });

  it('rejects a manifest of another kind than the package.json declares', async () => {
    const error = await loadError('./kind-mismatch');
    expect(error.message).toMatch(
      /declares "rl4vlm": \{"plugin": "policy"\} but its manifest is an env plugin/,
    );
  });

  it('rejects an unknown declared plugin kind and lists the allowed ones', async () => {
    expect((await loadError('./bad-declared-kind')).message).toMatch(
      /"renderer"; allowed: "env", "policy", "algorithm"/,
    );
  });

  it('names each bad field of an algorithm plugin', async () => {
    const error = await loadError('./algorithm-bad/plugin.mjs');
    expect(error.message).toMatch(/algorithm manifest is invalid/);
    expect(error.message).toMatch(/algorithms\[0\]\.settings: must be a zod schema/);
    expect(error.message).toMatch(/algorithms\[0\]\.advantages: must be a function/);
  });

  it('registers the built-in algorithms through the plugin path, and names both plugins on an id clash', async () => {
    const registry = await createPluginRegistry({ baseDir: fixtures });
    expect(registry.algorithms.ids()).toEqual(['gigpo', 'grpo', 'ppo', 'rloo']);
    expect(registry.rows().find((r) => r.kind === 'algorithm')).toMatchObject({
      name: '@rl4vlm/trainer',
      origin: 'builtin',
      provides: ['ppo', 'grpo', 'rloo', 'gigpo'],
    });
    expect(() => registry.algorithms.get('gipgo')).toThrow(
      /Unknown algorithm 'gipgo'\. Did you mean 'gigpo'\?/,
    );
    await expect(
      createPluginRegistry({ plugins: ['./algorithm-clash/plugin.mjs'], baseDir: fixtures }),
    ).rejects.toThrow(/algorithm id 'ppo' is already provided by @rl4vlm\/trainer/);
  });

  it('names a policy factory without create', async () => {
    const error = await loadError('./policy-no-create');
    expect(error.message).toMatch(/policy manifest is invalid/);
    expect(error.message).toMatch(/policies\[0\]\.create/);
  });

  it('names both plugins when two provide the same env id', async () => {
    try {
      await createPluginRegistry({
        builtins: false,
        plugins: ['./good-env', './same-id-env'],
        baseDir: fixtures,
      });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(
        /Plugin '.\/same-id-env'.*env id 'fixture\/One-v0' is already provided by fixture-good-env/,
      );
    }
  });

  it('says how to install a package that is not installed', async () => {
    const error = await loadError('rl4vlm-plugin-that-does-not-exist');
    expect(error.message).toMatch(/not installed .*pnpm add rl4vlm-plugin-that-does-not-exist/);
  });

  it('says when a path does not exist', async () => {
    expect((await loadError('./nowhere')).message).toMatch(/no file or folder at/);
  });
});

describe('discovering installed plugins', () => {
  function project(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'rl4vlm-discover-'));
    const install = (name: string, fixture: string, pkgExtra: Record<string, unknown> = {}) => {
      const target = path.join(dir, 'node_modules', name);
      mkdirSync(target, { recursive: true });
      const src = path.join(fixtures, fixture);
      const pkg = {
        ...JSON.parse(require('node:fs').readFileSync(path.join(src, 'package.json'), 'utf8')),
        name,
        ...pkgExtra,
      };
      writeFileSync(path.join(target, 'package.json'), JSON.stringify(pkg));
      writeFileSync(
        path.join(target, 'index.js'),
        require('node:fs').readFileSync(path.join(src, 'index.js')),
      );
    };
    install('@someone/good-env', 'good-env');
    install('good-policy', 'good-policy');
    install('broken-discovered', 'no-envs', { rl4vlm: { plugin: 'env' } });
    install('not-a-plugin', 'same-id-env'); // no "rl4vlm" key: never loaded
    return dir;
  }

  it('loads declared packages, skips undeclared ones and turns broken ones into warnings', async () => {
    const dir = project();
    const registry = await createPluginRegistry({ builtins: false, discover: true, baseDir: dir });
    expect(registry.rows().map((r) => [r.name, r.origin])).toEqual([
      ['fixture-good-env', 'discovered'],
      ['fixture-good-policy', 'discovered'],
    ]);
    expect(registry.warnings).toHaveLength(1);
    expect(registry.warnings[0]!.message).toMatch(/Plugin 'broken-discovered'.*\n.*envs: is required/);
  });

  it('resolves a package name from the project folder', async () => {
    const dir = project();
    const resolved = resolvePlugin('@someone/good-env', [dir]);
    expect(resolved.packageName).toBe('@someone/good-env');
    expect(resolved.declaredKind).toBe('env');
    const plugin = await loadPlugin(resolved);
    expect(plugin.kind).toBe('env');
  });
});
