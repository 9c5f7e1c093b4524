/**
 * `@rl4vlm/env`: the environment contract of rl4vlm (Gymnasium semantics in TypeScript).
 * @packageDocumentation
 */
export {
  type Env,
  type EnvMetadata,
  type Info,
  type MaybePromise,
  type ResetOptions,
  type ResetResult,
  type StepResult,
  BaseEnv,
  InvalidActionError,
  ResetNeededError,
} from './env.js';
export * from './spaces/index.js';
export { Rng, type RngState, deriveSeeds, randomSeed } from './rng.js';
export { type Image, createImage, decodePng, encodePng, imageFromRgba, imagesEqual, isImage } from './image.js';
export { episodeToGif, episodeToPngStrip, frameStrip } from './episode-media.js';
export {
  ENV_ID_PATTERN,
  EnvRegistry,
  type EnvSpec,
  InvalidKwargsError,
  type TextOptions,
  UnknownEnvError,
  make,
  register,
  registry,
} from './registry.js';
export {
  ENV_SPECIFICATION_VERSION,
  type EnvPluginManifest,
  InvalidManifestError,
  registerManifest,
  validateEnvManifest,
} from './manifest.js';
export {
  type InvalidReply,
  type InvalidReplyPolicy,
  type ParseInfo,
  type Prompt,
  TextEnv,
  type TextInterface,
  isInvalidReply,
} from './text-env.js';
export * from './wrappers/index.js';
export * from './vector/index.js';
export { closestMatch, editDistance } from './closest.js';
