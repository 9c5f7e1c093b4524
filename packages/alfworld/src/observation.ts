import { Dict, type Image, ImageSpace, type Space, Text } from '@rl4vlm/env';

/**
 * What both ALFWorld envs observe: the game's latest feedback text and, in the visual variant,
 * the picture of what the agent sees (RGB).
 */
export interface AlfworldObservation {
  /** The latest feedback (at reset: banner, receptacles and goal). */
  text: string;
  /** The frame, when the env was made with `image: true`. */
  image?: Image;
}

/**
 * The `info` both ALFWorld envs return after `reset` and every `step`. Field names are the
 * camel-case forms of ALFWorld's (`admissible_commands`, `won`, `goal_condition_success_rate`).
 */
export interface AlfworldInfo {
  [key: string]: unknown;
  /** Every command that applies now, in the env's order (string-sorted, as TextWorld). */
  admissibleCommands: string[];
  /** The task is done. */
  won: boolean;
  /** Fraction of the task's goal conditions met now, in [0, 1]. */
  goalConditionSuccessRate: number;
  /** ALFRED task type, e.g. `pick_heat_then_place_in_recep`. */
  taskType: string;
  /** The goal sentence (`heat some egg and put it in countertop`). */
  goal: string;
  /** Whether the last command was admissible; `true` after reset. RL4VLM's reward penalises `false`. */
  commandValid: boolean;
  /** Steps taken in this episode. */
  stepIndex: number;
}

/** `Dict({text})` or `Dict({text, image})`. */
export function alfworldObservationSpace(imageSize?: number): Space<AlfworldObservation> {
  const text = new Text({ maxLength: 1_000_000, charset: '' });
  return (
    imageSize ? new Dict({ text, image: new ImageSpace(imageSize, imageSize) }) : new Dict({ text })
  ) as Space<AlfworldObservation>;
}
