import path from 'node:path';
import type { Command } from 'commander';
import { envSlug } from '../format/table.js';
import { writeEpisodeFiles } from '../run/episode-files.js';
import { playEpisode } from '../run/play-episode.js';
import { type CommonFlags, createPolicy, makeTextEnv, setup } from '../setup.js';
import { addEnvFlags, int } from './env-flags.js';

interface RenderFlags extends CommonFlags {
  out: string;
  maxSteps: number;
  temperature: number;
}

export function registerRender(program: Command): void {
  addEnvFlags(
    program
      .command('render')
      .description(
        'play one seeded episode with a policy and write it as a GIF, a PNG strip, PNG frames and a transcript',
      ),
  )
    .option('-o, --out <dir>', 'output folder', 'render-output')
    .option('--max-steps <n>', 'cap on steps', int, 60)
    .option('--temperature <t>', 'sampling temperature for model policies', Number, 0)
    .addHelpText(
      'after',
      `
Examples:
  $ rl4vlm render --env gym-cards/Blackjack-v0 --seed 3            # the oracle plays (default)
  $ rl4vlm render --env gym-cards/Points24-v0 --policy random -o /tmp/p24
  $ rl4vlm render --env gym-cards/NumberLine-v0 --policy tfjs:runs/nl/checkpoints/update-000006/policy`,
    )
    .action(async (flags: RenderFlags) => {
      const { config, registry } = await setup(flags, flags.policy ? {} : { policy: { id: 'oracle' } });
      const env = makeTextEnv(registry, config.env);
      const policy = await createPolicy(registry, config.policy.id, config.env, {
        seed: config.seed,
        ...config.policy.options,
      });
      const seed = flags.seed ?? 0;
      const episode = await playEpisode(
        env,
        async (prompt, info, t) =>
          (
            await policy.generate([{ ...prompt, info } as never], {
              temperature: flags.temperature,
              seed: seed * 1000 + t,
              maxNewTokens: config.eval.maxNewTokens,
            })
          )[0]!.text,
        { seed, maxSteps: flags.maxSteps },
      );
      const name = `${envSlug(config.env.id)}-seed-${seed}`;
      const files = writeEpisodeFiles(flags.out, name, episode);
      await policy.dispose?.();
      console.log(
        `${config.env.id} seed ${seed} with ${config.policy.id}: ${episode.steps.length} steps, return ${episode.return}\n` +
          `  GIF:        ${path.join(flags.out, files.gif)}\n  PNG strip:  ${path.join(flags.out, files.strip)}\n` +
          `  frames:     ${path.join(flags.out, name)}/frame-*.png\n  transcript: ${path.join(flags.out, files.transcript)}`,
      );
    });
}
