import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { deepMerge, setDotted } from './deep-merge.js';
import { ConfigError } from './invalid-config-error.js';
import { getPreset } from './presets.js';
import { type AppConfig, appConfigSchema } from './schema.js';
import { findUnknownKeys } from './unknown-keys.js';

type Obj = Record<string, unknown>;

/** Where a config comes from, lowest precedence first: preset, file, flags, `--set key=value`. */
export interface ConfigSources {
  /** A YAML or JSON file. It may name a `preset:` to start from. */
  file?: string;
  /** A preset name (see `PRESETS`); overrides a file's `preset:`. */
  preset?: string;
  /** Values from command-line flags, as a nested object. */
  overrides?: Obj;
  /** `key.path=value` strings; values are read as YAML (`3`, `true`, `[sft]`, `tfjs:tiny`). */
  sets?: readonly string[];
}

/** A resolved config and where relative paths in it are taken from. */
export interface ResolvedConfig {
  config: AppConfig;
  /** The config file's folder (plugins given as paths are relative to it), else the working directory. */
  baseDir: string;
}

/** Where a text stops being text: a control character other than tab/newline/CR/FF, or invalid UTF-8 (U+FFFD). */
function firstBinaryChar(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) return i;
  }
  return -1;
}

/** Reads a YAML or JSON config file into an object. */
export function readConfigFile(file: string): Obj {
  if (!existsSync(file)) throw new ConfigError(file, [`no config file at ${path.resolve(file)}`]);
  if (statSync(file).isDirectory())
    throw new ConfigError(file, [
      `is a directory; --config takes a YAML or JSON file (a run's config is ${path.join(file, 'rl4vlm.config.yaml')})`,
    ]);
  const text = readFileSync(file, 'utf8');
  const binaryAt = firstBinaryChar(text);
  if (binaryAt >= 0)
    throw new ConfigError(file, [
      `is not a text file (a control or invalid UTF-8 byte at character ${binaryAt}); configs are YAML or JSON`,
    ]);
  let value: unknown;
  try {
    value = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(file, [
      `not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    ]);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, [
      `(root): must be a mapping of keys to values, got ${JSON.stringify(value)}`,
    ]);
  }
  return value as Obj;
}

/** Parses `--set ppo.epochs=2` into a dotted key and a YAML value. */
export function parseSet(assignment: string): { key: string; value: unknown } {
  const eq = assignment.indexOf('=');
  if (eq <= 0)
    throw new ConfigError('--set', [`'${assignment}' must look like key.path=value, e.g. ppo.epochs=2`]);
  const raw = assignment.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = parseYaml(raw);
  } catch {
    // Keep the raw text: a value like `a:b:c` is a plain string.
  }
  return { key: assignment.slice(0, eq).trim(), value: value === null && raw === '' ? '' : value };
}

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/** Validates a merged config object, naming each bad key, the value given and what is allowed. */
export function validateAppConfig(input: Obj, source: string): AppConfig {
  const unknown = findUnknownKeys(appConfigSchema, input);
  if (unknown.length) {
    throw new ConfigError(
      source,
      unknown.map(
        (u) =>
          `${u.path}: unknown key (value ${show(u.value)}).${u.suggestion ? ` Did you mean '${u.suggestion}'?` : ''} Allowed here: ${u.allowed.join(', ')}`,
      ),
    );
  }
  const parsed = appConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      source,
      parsed.error.issues.map((issue) => {
        const key = issue.path.join('.') || '(root)';
        const got = issue.path.reduce<unknown>((v, k) => (v as Obj | undefined)?.[k as string], input);
        const message = issue.code === 'invalid_type' && got === undefined ? 'is required' : issue.message;
        return `${key}: ${message} (got ${show(got)})`;
      }),
    );
  }
  return parsed.data;
}

/** Merges preset, file, flags and `--set` values (in that order) and validates the result. */
export function resolveConfig({ file, preset, overrides = {}, sets = [] }: ConfigSources): ResolvedConfig {
  let fromFile: Obj = {};
  if (file) fromFile = readConfigFile(file);
  const { preset: filePreset, ...fileRest } = fromFile as Obj & { preset?: unknown };
  const presetName = preset ?? filePreset;
  if (presetName !== undefined && typeof presetName !== 'string') {
    throw new ConfigError(file ?? 'flags', [`preset: must be a preset name (got ${show(presetName)})`]);
  }
  let merged: Obj = presetName ? structuredClone(getPreset(presetName).config as Obj) : {};
  merged = deepMerge(merged, fileRest);
  merged = deepMerge(merged, overrides);
  for (const assignment of sets) {
    const { key, value } = parseSet(assignment);
    merged = setDotted(merged, key, value);
  }
  const source = [
    presetName && `preset ${presetName}`,
    file,
    Object.keys(overrides).length && 'flags',
    sets.length && '--set',
  ]
    .filter(Boolean)
    .join(' + ');
  const config = validateAppConfig(merged, source || 'defaults');
  return { config, baseDir: file ? path.dirname(path.resolve(file)) : process.cwd() };
}
