import {
  registry as defaultRegistry,
  ENV_SPECIFICATION_VERSION,
  type EnvPluginManifest,
  type EnvRegistry,
  type EnvSpec,
} from '@rl4vlm/env';
import { BlackjackEnv, type BlackjackKwargs, blackjackKwargsSchema } from './envs/blackjack.js';
import { EzPointsEnv, type EzPointsKwargs, ezPointsKwargsSchema } from './envs/ez-points.js';
import { NumberLineEnv, type NumberLineKwargs, numberLineKwargsSchema } from './envs/number-line.js';
import { Points24Env, type Points24Kwargs, points24KwargsSchema } from './envs/points24.js';
import { GYM_CARDS_IDS } from './ids.js';
import { blackjackText } from './text/blackjack-text.js';
import { numberLineText } from './text/number-line-text.js';
import { ezPointsText, points24Text } from './text/points-text.js';

/** This package's version (kept equal to package.json by a test). */
export const VERSION = '0.1.0';

/** As the original's registrations: every game ends on its own rules long before this. */
const MAX_EPISODE_STEPS = 300;

/** The four env specs, in the order of the paper's tables. */
export const gymCardsEnvs: [
  EnvSpec<NumberLineKwargs>,
  EnvSpec<EzPointsKwargs>,
  EnvSpec<Points24Kwargs>,
  EnvSpec<BlackjackKwargs>,
] = [
  {
    id: GYM_CARDS_IDS.numberLine,
    factory: (kwargs) => new NumberLineEnv(kwargs),
    maxEpisodeSteps: MAX_EPISODE_STEPS,
    kwargs: { maxPosition: 5 },
    kwargsSchema: numberLineKwargsSchema,
    text: numberLineText,
    description:
      'Move the current number to the target, one step at a time (+1 at the target, -1 for a step that does not get closer).',
  },
  {
    id: GYM_CARDS_IDS.ezPoints,
    factory: (kwargs) => new EzPointsEnv(kwargs),
    maxEpisodeSteps: MAX_EPISODE_STEPS,
    kwargs: { targetPoints: 12 },
    kwargsSchema: ezPointsKwargsSchema,
    text: ezPointsText,
    description: 'Make 12 from two cards with + and * (+10 for a correct formula).',
  },
  {
    id: GYM_CARDS_IDS.points24,
    factory: (kwargs) => new Points24Env(kwargs),
    maxEpisodeSteps: MAX_EPISODE_STEPS,
    kwargs: { treatFaceCardsAs10: true, targetPoints: 24 },
    kwargsSchema: points24KwargsSchema,
    text: (options) => points24Text(options),
    description:
      'Make 24 from four cards with + - * / and parentheses (+10 for a correct formula; about 73% of deals are solvable).',
  },
  {
    id: GYM_CARDS_IDS.blackjack,
    factory: (kwargs) => new BlackjackEnv(kwargs),
    maxEpisodeSteps: MAX_EPISODE_STEPS,
    kwargs: { natural: false, sab: false },
    kwargsSchema: blackjackKwargsSchema,
    text: blackjackText,
    description: 'Gymnasium Blackjack-v1 (infinite deck, dealer stands on 17) drawn as cards on felt.',
  },
];

/** The env plugin manifest: the package's default export. */
export const gymCardsManifest: EnvPluginManifest = {
  specificationVersion: ENV_SPECIFICATION_VERSION,
  name: '@rl4vlm/gym-cards',
  version: VERSION,
  description:
    'NumberLine, EZPoints, Points24 and Blackjack from RL4VLM: seeded, pixel-rendered, with text interfaces and oracles.',
  envs: gymCardsEnvs,
};

/**
 * Registers the four envs in a registry (the default one unless given). Importing the
 * package registers nothing by itself; call this, or load the manifest with `registerManifest`.
 */
export function registerGymCards({
  registry = defaultRegistry,
  override = false,
}: {
  registry?: EnvRegistry;
  override?: boolean;
} = {}): void {
  for (const spec of gymCardsEnvs) registry.register(spec, { override });
}
