import { Command } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerEnvServe } from './commands/env-serve.js';
import { registerEval } from './commands/eval.js';
import { registerNewEnv } from './commands/new-env.js';
import { registerPlay } from './commands/play.js';
import { registerPlugins } from './commands/plugins.js';
import { registerRender } from './commands/render.js';
import { registerReport } from './commands/report.js';
import { registerRolloutWorker } from './commands/rollout-worker.js';
import { registerServe } from './commands/serve.js';
import { registerSftData } from './commands/sft-data.js';
import { registerTrain } from './commands/train.js';
import { registerWeb } from './commands/web.js';

/** The app version, printed by `--version`. */
export const APP_VERSION = '0.1.0';

/** The `rl4vlm` command line. */
export function createProgram(): Command {
  const program = new Command('rl4vlm')
    .description(
      'Train vision-language agents with RL (RL4VLM) on any env plugin: demo, train, eval, play, render, report.',
    )
    .version(APP_VERSION)
    .showHelpAfterError('(run with --help for usage and examples)')
    .addHelpText(
      'after',
      `
Examples:
  $ rl4vlm demo                                  # oracle episodes of every gym-cards env → demo-output/
  $ rl4vlm train --preset numberline             # SFT then PPO with the tiny tfjs model
  $ rl4vlm eval --env gym-cards/Blackjack-v0 --policy oracle -n 500
  $ rl4vlm play --env gym-cards/NumberLine-v0    # play it yourself
  $ rl4vlm serve runs/my-run                     # a trained policy behind the OpenAI-compatible API
  $ rl4vlm web runs/my-run                       # the playground in a browser, checkpoint preloaded
  $ rl4vlm env-serve --env gym-cards/Blackjack-v0 # an env over OpenEnv's WebSocket protocol
  $ rl4vlm plugins list
  $ rl4vlm rollout-worker --redis redis://host:6379 --workers 2   # rollouts for a learner elsewhere
  $ rl4vlm new-env my-maze                       # write your own env plugin`,
    );
  registerDemo(program);
  registerTrain(program);
  registerEval(program);
  registerSftData(program);
  registerPlay(program);
  registerRender(program);
  registerPlugins(program);
  registerNewEnv(program);
  registerReport(program);
  registerServe(program);
  registerWeb(program);
  registerRolloutWorker(program);
  registerEnvServe(program);
  return program;
}
