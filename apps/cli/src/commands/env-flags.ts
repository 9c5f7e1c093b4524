import { type Command, InvalidArgumentError, Option } from 'commander';
import { PRESETS } from '../config/index.js';

/** An integer flag value; `1e3` or `2.5` are refused rather than read as 1 or 2. */
const int = (v: string) => {
  if (!/^-?\d+$/.test(v.trim())) throw new InvalidArgumentError(`'${v}' is not an integer`);
  return Number(v);
};

/** A count flag value (episodes, updates): a whole number of at least 1. */
const positiveInt = (v: string) => {
  const n = int(v);
  if (n < 1) throw new InvalidArgumentError(`must be at least 1, got ${n}`);
  return n;
};

/** Adds the flags that pick an env, a policy and plugins (shared by train, eval, render, play, sft-data). */
export function addEnvFlags(command: Command, { policy = true } = {}): Command {
  command
    .option('-c, --config <file>', 'YAML or JSON config file (flags override it)')
    .option('-p, --preset <name>', `start from a preset: ${Object.keys(PRESETS).join(', ')}`)
    .option('-e, --env <id>', 'env id, e.g. gym-cards/NumberLine-v0')
    .option('--plugin <pkg...>', 'load these plugin packages or paths too')
    .option('--discover', 'also load installed packages that declare "rl4vlm": {"plugin": ...}')
    .option('--seed <n>', 'seed', int)
    .option('--set <key=value...>', 'override any config key, e.g. --set ppo.epochs=2 env.text.cot=false');
  if (policy) command.option('--policy <id>', 'policy: oracle, random, tfjs:tiny, tfjs:<checkpoint dir>, …');
  return command;
}

export { int, positiveInt };

/** `--workers <n>`: policy replicas on worker threads (train, resume, eval, serve). */
export function workersOption(): Option {
  return new Option(
    '--workers <n>',
    'policy replicas on worker threads (config key workers; default one per core); results do not depend on it',
  ).argParser((v: string) => {
    const n = int(v);
    if (n < 1) throw new InvalidArgumentError(`must be at least 1, got ${n}`);
    return n;
  });
}
