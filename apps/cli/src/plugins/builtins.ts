/**
 * The packages that ship with the app. They are loaded through exactly the same path as
 * third-party plugins (resolve → import → validate → register); the only difference is that they
 * are loaded without being listed. An optional one that is not installed is skipped.
 */
export const BUILTIN_PLUGINS: readonly { ref: string; optional: boolean }[] = [
  { ref: '@rl4vlm/policy', optional: false },
  // ppo, grpo, rloo, gigpo: the trainer's default export is their algorithm manifest.
  { ref: '@rl4vlm/trainer', optional: false },
  { ref: '@rl4vlm/gym-cards', optional: false },
  { ref: '@rl4vlm/alfworld', optional: true },
  { ref: '@rl4vlm/policy-tfjs', optional: true },
  { ref: '@rl4vlm/policy-openai', optional: true },
];
