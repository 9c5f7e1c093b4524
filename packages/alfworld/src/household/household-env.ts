import { BaseEnv, type Image, type ResetResult, type StepResult } from '@rl4vlm/env';
import { type AlfworldInfo, type AlfworldObservation, alfworldObservationSpace } from '../observation.js';
import { HouseholdRenderer } from '../render/household-renderer.js';
import { CommandSpace } from './command-space.js';
import { expertNextStep } from './expert.js';
import { generateGame } from './generator.js';
import { Household } from './household.js';
import {
  type HouseholdOptions,
  type HouseholdOptionsInput,
  parseHouseholdOptions,
} from './household-options.js';
import { parseTaskType } from './task-types.js';
import type { HouseholdGame } from './world.js';

/** `info` of {@link HouseholdEnv}: the shared ALFWorld fields plus the game's facts and the expert's move. */
export interface HouseholdInfo extends AlfworldInfo {
  room: string;
  /** The seed the game was generated from: `generateGame({seed: gameSeed})` rebuilds it. */
  gameSeed: number;
  /** Goal conditions met and their total (THOR formulas). */
  goalConditions: { met: number; total: number };
  /** The expert's next command from this state (absent once won): the warm-start label. */
  expertCommand?: string;
  /** Why the expert picks `expertCommand`, in words (the warm-start chain of thought). */
  expertReason?: string;
  /** `expertReason` with the search spelled out, on search steps (the `plan` thought's). */
  expertPlan?: string;
  wording: string;
}

/**
 * `alfworld/Household-v0`: ALFWorld's text game in TypeScript over generated, always-solvable
 * rooms. Actions are command strings (see `info.admissibleCommands`; anything else prints
 * `Nothing happens.`); observations are `{text, image}` (`image` only with `image: true`).
 * The bare env pays TextWorld's score (1 on the winning step); wrap it in
 * {@link AlfworldRewardWrapper} for RL4VLM's reward. Episodes end on a win (`terminated`) or at
 * `maxSteps` (`truncated`).
 *
 * `reset({seed})` reseeds the env; each reset draws a new game seed from the env's generator.
 * `reset({options: {game}})` plays a given game, `{gameSeed}` a given seed, `{taskType}` forces a type.
 *
 * @example
 * const env = new HouseholdEnv({ taskTypes: ['Heat'] });
 * const { observation, info } = env.reset({ seed: 0 });
 * env.step(info.admissibleCommands[0]);
 */
export class HouseholdEnv extends BaseEnv<AlfworldObservation, string> {
  readonly observationSpace;
  readonly actionSpace: CommandSpace;
  readonly options: HouseholdOptions;
  override metadata = { renderModes: ['rgb_array'], wording: 'tw-2.1.1' };
  private house?: Household;
  private renderer?: HouseholdRenderer;
  private steps = 0;
  private admissible: string[] = [];

  constructor(options: HouseholdOptionsInput = {}) {
    super();
    this.options = parseHouseholdOptions(options);
    this.metadata.wording = this.options.wording;
    this.observationSpace = alfworldObservationSpace(this.options.image ? this.options.imageSize : undefined);
    this.actionSpace = new CommandSpace(() => this.admissible);
  }

  /** The running game (for the expert planner and the renderer); throws before the first reset. */
  get household(): Household {
    if (!this.house) throw new Error('HouseholdEnv has no game yet: call reset() first');
    return this.house;
  }

  protected resetEpisode(options: Record<string, unknown>): ResetResult<AlfworldObservation> {
    this.house = new Household(this.chooseGame(options), { wording: this.options.wording });
    this.steps = 0;
    this.admissible = this.house.admissibleCommands();
    return { observation: this.observe(this.house.intro()), info: this.info(true) };
  }

  protected stepEpisode(command: string): StepResult<AlfworldObservation> {
    const house = this.household;
    const { feedback, valid } = house.execute(command);
    this.steps += 1;
    this.admissible = house.admissibleCommands();
    const won = house.won();
    return {
      observation: this.observe(feedback),
      reward: won ? 1 : 0,
      terminated: won,
      truncated: !won && this.steps >= this.options.maxSteps,
      info: this.info(valid),
    };
  }

  render(): Image {
    return this.draw();
  }

  private chooseGame(options: Record<string, unknown>): HouseholdGame {
    if (options.game !== undefined) return options.game as HouseholdGame;
    const gameSeed = options.gameSeed !== undefined ? Number(options.gameSeed) : this.rng.seed();
    if (!Number.isInteger(gameSeed))
      throw new TypeError(`reset option gameSeed must be an integer, got ${options.gameSeed}`);
    const taskTypes =
      options.taskType !== undefined
        ? [parseTaskType(options.taskType as string | number)]
        : this.options.taskTypes;
    return generateGame({ seed: gameSeed, taskTypes, rooms: this.options.rooms });
  }

  private draw(): Image {
    this.renderer ??= new HouseholdRenderer(this.options.imageSize);
    return this.renderer.render(this.household);
  }

  private observe(text: string): AlfworldObservation {
    return this.options.image ? { text, image: this.draw() } : { text };
  }

  private info(commandValid: boolean): HouseholdInfo {
    const house = this.household;
    const progress = house.goalProgress();
    const expert = expertNextStep(house, { knowledge: this.options.expert });
    return {
      admissibleCommands: [...this.admissible],
      won: house.won(),
      goalConditionSuccessRate: progress.met / progress.total,
      goalConditions: progress,
      taskType: house.game.task.type,
      goal: house.game.task.goal,
      commandValid,
      stepIndex: this.steps,
      room: house.game.room,
      gameSeed: house.game.seed,
      ...(expert ? { expertCommand: expert.command, expertReason: expert.reason } : {}),
      ...(expert?.plan ? { expertPlan: expert.plan } : {}),
      wording: this.options.wording,
    };
  }
}
