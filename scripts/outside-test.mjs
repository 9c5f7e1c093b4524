#!/usr/bin/env node
/**
 * The packages as an outside user gets them from npm (issue 21). Needs a build first (`pnpm build`).
 *
 * 1. Packs every public package (a package.json without `"private": true` in packages/* or apps/*)
 *    with `pnpm pack`, as `pnpm publish` would, and checks each tarball: LICENSE, README,
 *    repository/homepage/bugs/keywords, no `workspace:` ranges, no relative links in the README,
 *    and its types with @arethetypeswrong/cli (profile node16: every package needs Node >= 20).
 * 2. Installs the tarballs with npm into a fresh project under the OS temp folder (outside the
 *    workspace, so nothing resolves from it) and loads every package with `import` and `require`.
 * 3. Runs every README example as written: each ```ts / ```js / ```cjs block of a package README is
 *    written to a file (the info string may name it: ```ts walk.ts; the blocks of one README share a
 *    folder, so one can import another), the TypeScript ones are type-checked and compiled by tsc
 *    (strict, NodeNext), `*.test.ts` blocks run under vitest, the others under node, except blocks
 *    marked `no-run` (```ts worker.ts no-run), which need a service and are only type-checked.
 * 4. Follows the plugin guide: `rl4vlm new-env`, npm install (pointed at the tarballs), build, test,
 *    `rl4vlm plugins list`, `rl4vlm train --preset smoke` on it, and one copy of @napi-rs/canvas.
 *
 * `node scripts/outside-test.mjs [--keep] [--reuse <folder>]` (--keep leaves the temp folder; it is
 * kept on failure).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');
const KEEP = process.argv.includes('--keep');
// --reuse <folder>: skip packing and installing, use a folder a failed or --keep run left (to iterate).
const REUSE = process.argv.includes('--reuse')
  ? process.argv[process.argv.indexOf('--reuse') + 1]
  : undefined;
const WORK = REUSE ?? mkdtempSync(path.join(tmpdir(), 'rl4vlm-outside-'));
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
const started = Date.now();

const step = (title) => console.log(`\n[outside ${((Date.now() - started) / 1000).toFixed(0)}s] ${title}`);

class CheckError extends Error {}

/** Runs a command; its output goes to the console; a non-zero exit throws, naming the command and folder. */
function run(cmd, args, { cwd = WORK, env = {}, timeout = 300_000, capture = false } = {}) {
  const result = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
    timeout,
  });
  if (result.status !== 0) {
    const out = capture ? `\n${result.stdout}${result.stderr}` : '';
    const why = result.error ? result.error.message : `exit code ${result.status}`;
    throw new CheckError(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${why}${out}`);
  }
  return result.stdout ?? '';
}

function check(condition, message) {
  if (!condition) throw new CheckError(message);
}

/** Public packages: package.json files in packages/* and apps/* that are not private. */
function publicPackages() {
  const found = [];
  for (const group of ['packages', 'apps']) {
    const base = path.join(ROOT, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const file = path.join(base, name, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.private) continue;
      found.push({ dir: path.join(base, name), rel: `${group}/${name}`, pkg });
    }
  }
  return found;
}

/** Links in a README that npm's page cannot follow: anything that is not absolute or an anchor. */
function relativeLinks(markdown) {
  const links = [...markdown.matchAll(/\]\(([^)\s]+)/g)].map((m) => m[1]);
  return links.filter((l) => !/^(https?:|mailto:|#)/.test(l));
}

function packAndCheck(packages, tarballs) {
  step(`pack ${packages.length} public packages: ${packages.map((p) => p.pkg.name).join(', ')}`);
  mkdirSync(tarballs, { recursive: true });
  for (const p of packages) {
    const before = new Set(readdirSync(tarballs));
    run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: p.dir, capture: true });
    const made = readdirSync(tarballs).filter((f) => !before.has(f));
    check(made.length === 1, `pnpm pack in ${p.rel} made ${made.length} tarballs`);
    p.tarball = path.join(tarballs, made[0]);
    const files = run('tar', ['tzf', p.tarball], { capture: true }).split('\n');
    for (const needed of ['package/LICENSE', 'package/README.md', 'package/package.json'])
      check(files.includes(needed), `${p.pkg.name}: the tarball has no ${needed.slice(8)}`);
    const manifest = JSON.parse(run('tar', ['xzOf', p.tarball, 'package/package.json'], { capture: true }));
    for (const field of ['license', 'repository', 'homepage', 'bugs', 'keywords'])
      check(manifest[field] !== undefined, `${p.pkg.name}: package.json has no "${field}"`);
    const ranges = JSON.stringify([manifest.dependencies, manifest.peerDependencies]);
    check(!ranges.includes('workspace:'), `${p.pkg.name}: a workspace: range reached the tarball`);
    const readme = run('tar', ['xzOf', p.tarball, 'package/README.md'], { capture: true });
    const relative = relativeLinks(readme);
    check(relative.length === 0, `${p.pkg.name}: README links npm cannot follow: ${relative.join(', ')}`);
    console.log(`  ${path.basename(p.tarball)}: LICENSE, README, metadata, absolute links ok`);
  }
}

/**
 * @arethetypeswrong/cli's check (its core, in this one process: the CLI loads TypeScript anew for
 * every tarball) with the CLI's `--profile node16` rule: every problem counts except those of
 * node10 resolution (no `exports` support; every package needs Node >= 20).
 */
async function checkTypes(packages) {
  step('published types: @arethetypeswrong (profile node16)');
  const cli = realpathSync(path.join(ROOT, 'node_modules/@arethetypeswrong/cli/package.json'));
  const core = await import(pathToFileURL(createRequire(cli).resolve('@arethetypeswrong/core')).href);
  const failed = [];
  for (const p of packages) {
    const analysis = await core.checkPackage(
      core.createPackageFromTarballData(new Uint8Array(readFileSync(p.tarball))),
    );
    const problems = analysis.types
      ? analysis.problems.filter((problem) => problem.resolutionKind !== 'node10')
      : [{ kind: 'no types' }];
    if (problems.length > 0) failed.push(`${p.pkg.name}: ${JSON.stringify(problems)}`);
  }
  check(
    failed.length === 0,
    `attw found problems (\`npx attw <tarball> --profile node16\` shows them):\n${failed.join('\n')}`,
  );
  console.log(`  ${packages.length} packages clean`);
}

function installProject(packages, project) {
  step(`npm install the tarballs into ${project}`);
  mkdirSync(project, { recursive: true });
  const dependencies = Object.fromEntries(packages.map((p) => [p.pkg.name, `file:${p.tarball}`]));
  // Each tarball's own dependencies on the others resolve to these tarballs, never to the registry.
  const overrides = Object.fromEntries(packages.map((p) => [p.pkg.name, `$${p.pkg.name}`]));
  const cli = JSON.parse(readFileSync(path.join(ROOT, 'apps/cli/package.json'), 'utf8'));
  const pkg = {
    name: 'rl4vlm-outside-test',
    private: true,
    type: 'module',
    dependencies: {
      ...dependencies,
      typescript: cli.devDependencies.typescript,
      '@types/node': cli.devDependencies['@types/node'],
      vitest: cli.devDependencies.vitest,
    },
    overrides,
  };
  writeFileSync(path.join(project, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  run('npm', ['install', ...NPM_FLAGS], { cwd: project });
  const names = packages.map((p) => p.pkg.name);
  writeFileSync(
    path.join(project, 'load.mjs'),
    `for (const name of ${JSON.stringify(names)}) {\n  const m = await import(name);\n  if (Object.keys(m).length === 0) throw new Error(name + ': nothing exported');\n}\nconsole.log('  import: ' + ${JSON.stringify(names.join(', '))});\n`,
  );
  writeFileSync(
    path.join(project, 'load.cjs'),
    `for (const name of ${JSON.stringify(names)}) {\n  const m = require(name);\n  if (Object.keys(m).length === 0) throw new Error(name + ': nothing exported');\n}\nconsole.log('  require: ' + ${JSON.stringify(names.join(', '))});\n`,
  );
  run('node', ['load.mjs'], { cwd: project });
  run('node', ['load.cjs'], { cwd: project });
}

const RUNNABLE = { ts: 'ts', typescript: 'ts', js: 'mjs', mjs: 'mjs', cjs: 'cjs' };

/** The runnable fenced blocks of a README: `{file, code}` in order. */
function readmeBlocks(markdown, slug) {
  const blocks = [];
  for (const m of markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```/gm)) {
    const [lang, ...words] = m[1].trim().split(/\s+/);
    const ext = RUNNABLE[lang];
    if (!ext) continue;
    // `no-run`: type-checked only (it needs a service the test does not start, e.g. Redis).
    const run = !words.includes('no-run');
    const name = words.find((w) => w !== 'no-run');
    blocks.push({ file: name ?? `${slug}-${blocks.length + 1}.${ext}`, code: m[2], run });
  }
  return blocks;
}

function runReadmeExamples(packages, project) {
  step('README examples, as written');
  const examplesRoot = path.join(project, 'readme');
  let total = 0;
  for (const p of packages) {
    const slug = p.pkg.name.replace(/^@/, '').replace('/', '-');
    const blocks = readmeBlocks(readFileSync(path.join(p.dir, 'README.md'), 'utf8'), slug);
    if (blocks.length === 0) continue;
    const dir = path.join(examplesRoot, slug);
    mkdirSync(dir, { recursive: true });
    for (const b of blocks) writeFileSync(path.join(dir, b.file), b.code);
    const ts = blocks.filter((b) => b.file.endsWith('.ts'));
    if (ts.length > 0) {
      writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            skipLibCheck: true, // tsc --init's default; our own .d.ts files are checked by attw
            types: ['node'],
            outDir: 'out',
            rootDir: '.',
          },
          include: ts.map((b) => b.file),
        }),
      );
      run(path.join(project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: dir });
    }
    for (const b of blocks) {
      const t0 = Date.now();
      if (!b.run) {
        console.log(`  ${p.pkg.name} README: ${b.file} type-checked, not run (marked no-run)`);
        continue;
      }
      if (b.file.endsWith('.test.ts')) {
        run(path.join(project, 'node_modules/.bin/vitest'), ['run', b.file], { cwd: dir, env: { CI: '1' } });
      } else {
        const script = b.file.endsWith('.ts') ? `out/${b.file.replace(/\.ts$/, '.js')}` : b.file;
        // ALFWORLD_PYTHON: the Bridge example then meets a Python without alfworld, not no Python.
        run('node', [script], {
          cwd: dir,
          timeout: 240_000,
          env: { ALFWORLD_PYTHON: 'python3' },
        });
      }
      total++;
      console.log(`  ${p.pkg.name} README: ${b.file} ok (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    }
  }
  check(total > 0, 'no README examples found');
}

function followPluginGuide(packages, project) {
  step('the plugin guide: rl4vlm new-env, npm install, build, test, plugins list, train --preset smoke');
  const dir = path.join(WORK, 'my-maze');
  run(path.join(project, 'node_modules/.bin/rl4vlm'), ['new-env', 'my-maze'], { cwd: WORK });
  // Not published yet: point the scaffold's rl4vlm packages at the tarballs; everything else as written.
  const file = path.join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const tarball = Object.fromEntries(packages.map((p) => [p.pkg.name, `file:${p.tarball}`]));
  for (const name of Object.keys(pkg.devDependencies))
    if (tarball[name]) pkg.devDependencies[name] = tarball[name];
  pkg.overrides = Object.fromEntries(packages.map((p) => [p.pkg.name, tarball[p.pkg.name]]));
  for (const name of Object.keys(pkg.devDependencies)) if (tarball[name]) pkg.overrides[name] = `$${name}`;
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  run('npm', ['install', ...NPM_FLAGS], { cwd: dir });
  const canvases = run('npm', ['ls', '@napi-rs/canvas', '--all', '--parseable'], { cwd: dir, capture: true })
    .split('\n')
    .filter(Boolean);
  check(new Set(canvases).size === 1, `more than one copy of @napi-rs/canvas:\n${canvases.join('\n')}`);
  run('npm', ['run', 'build'], { cwd: dir });
  run('npm', ['test'], { cwd: dir, env: { CI: '1' } });
  const list = run('npx', ['rl4vlm', 'plugins', 'list', '--plugin', '.'], { cwd: dir, capture: true });
  check(list.includes('maze/Maze-v0'), `plugins list does not show maze/Maze-v0:\n${list}`);
  const train = run(
    'npx',
    ['rl4vlm', 'train', '--plugin', '.', '--env', 'maze/Maze-v0', '--preset', 'smoke', '--name', 'smoke'],
    { cwd: dir, capture: true, timeout: 240_000 },
  );
  check(/after SFT \+ PPO/.test(train), `train printed no result table:\n${train}`);
  check(existsSync(path.join(dir, 'runs/smoke/metrics.jsonl')), 'train wrote no runs/smoke/metrics.jsonl');
  console.log(
    train
      .split('\n')
      .filter((l) => /^(policy|-|oracle|random|after)/.test(l))
      .join('\n'),
  );
}

try {
  const packages = publicPackages();
  const project = path.join(WORK, 'project');
  if (REUSE) {
    const tarballs = readdirSync(path.join(WORK, 'tarballs'));
    for (const p of packages)
      p.tarball = path.join(
        WORK,
        'tarballs',
        tarballs.find((t) =>
          t.startsWith(`${p.pkg.name.replace(/^@/, '').replace('/', '-')}-${p.pkg.version}`),
        ),
      );
    rmSync(path.join(WORK, 'my-maze'), { recursive: true, force: true });
    rmSync(path.join(project, 'readme'), { recursive: true, force: true });
  } else {
    packAndCheck(packages, path.join(WORK, 'tarballs'));
    await checkTypes(packages);
    installProject(packages, project);
  }
  runReadmeExamples(packages, project);
  followPluginGuide(packages, project);
  step(`all outside checks passed (${WORK})`);
  if (!KEEP && !REUSE) rmSync(WORK, { recursive: true, force: true });
} catch (error) {
  console.error(`\n[outside] FAILED: ${error instanceof CheckError ? error.message : error.stack}`);
  console.error(`[outside] left ${WORK} for a look`);
  process.exitCode = 1;
}
