import type { Rng, Space, SpaceJSON } from '@rl4vlm/env';

/** Longest command string an env accepts; longer text is not an action. */
export const MAX_COMMAND_LENGTH = 4096;

/**
 * The action space of the ALFWorld envs: any command string (as in ALFWorld, a command that is
 * not admissible just prints `Nothing happens.`), sampled from the commands admissible *now*,
 * so a random action is always a legal move (RL4VLM's fallback for an empty reply).
 */
export class CommandSpace implements Space<string> {
  private readonly admissible: () => readonly string[];

  /** `admissible` returns the current admissible commands (empty before the first reset). */
  constructor(admissible: () => readonly string[]) {
    this.admissible = admissible;
  }

  sample(rng: Rng): string {
    const commands = this.admissible();
    return commands.length ? rng.choice(commands) : 'look';
  }

  contains(x: unknown): x is string {
    return typeof x === 'string' && x.length <= MAX_COMMAND_LENGTH;
  }

  toJSON(): SpaceJSON {
    return { type: 'Text', minLength: 0, maxLength: MAX_COMMAND_LENGTH };
  }
}
