import type { Command } from 'commander';
import { formatTable } from '../format/table.js';
import { SUPPORTED_SPECIFICATIONS } from '../plugins/index.js';
import { type CommonFlags, loadPlugins } from '../setup.js';

export function registerPlugins(program: Command): void {
  const plugins = program.command('plugins').description('inspect env, policy and algorithm plugins');
  plugins
    .command('list')
    .description(
      'list the loaded plugins, their envs, policy kinds and algorithms, and any that failed to load',
    )
    .option('--plugin <pkg...>', 'load these plugin packages or paths too')
    .option('--discover', 'also load installed packages that declare "rl4vlm": {"plugin": ...}')
    .option('-c, --config <file>', 'take plugins from this config file')
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      `
Examples:
  $ rl4vlm plugins list
  $ rl4vlm plugins list --plugin ./my-maze            # check a plugin you are writing
  $ rl4vlm plugins list --discover --json`,
    )
    .action(async (flags: CommonFlags & { json?: boolean }) => {
      const registry = await loadPlugins(flags);
      const rows = registry.rows();
      if (flags.json) {
        console.log(
          JSON.stringify({ plugins: rows, warnings: registry.warnings.map((w) => w.message) }, null, 2),
        );
        return;
      }
      console.log(
        formatTable(
          ['plugin', 'version', 'kind', 'from', 'provides'],
          rows.map((r) => [r.name, r.version, r.kind, r.origin, r.provides.join(', ')]),
        ),
      );
      console.log(
        `\nSpecifications: env ${SUPPORTED_SPECIFICATIONS.env}, policy ${SUPPORTED_SPECIFICATIONS.policy}, algorithm ${SUPPORTED_SPECIFICATIONS.algorithm}`,
      );
      for (const w of registry.warnings) console.log(`warning: ${w.message}`);
    });
}
