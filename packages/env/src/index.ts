/**
 * `@rl4vlm/env`: the environment contract of rl4vlm (Gymnasium semantics in TypeScript).
 * @packageDocumentation
 */

export { type BrowserCanvas, browserContext2D, createBrowserCanvas } from './browser-canvas.js';
export { closestMatch, editDistance } from './closest.js';
export {
  BaseEnv,
  type Env,
  type EnvMetadata,
  type Info,
  InvalidActionError,
  type MaybePromise,
  ResetNeededError,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from './env.js';
export { episodeToGif, episodeToPngStrip, frameStrip } from './episode-media.js';
export { createImage, type Image, imageFromRgba, imagesEqual, imageToRgba, isImage } from './image.js';
export {
  ENV_SPECIFICATION_VERSION,
  type EnvPluginManifest,
  InvalidManifestError,
  registerManifest,
  validateEnvManifest,
} from './manifest.js';
export { checkPluginManifest, PluginManifestError } from './plugin-manifest.js';
export { decodePng, encodePng } from './png.js';
export {
  ENV_ID_PATTERN,
  EnvRegistry,
  type EnvSpec,
  InvalidKwargsError,
  make,
  REMOTE_ENV_ID_PATTERN,
  register,
  registry,
  type TextOptions,
  UnknownEnvError,
} from './registry.js';
export { deriveSeeds, Rng, type RngState, randomSeed } from './rng.js';
export * from './spaces/index.js';
export {
  type InvalidReply,
  type InvalidReplyPolicy,
  isInvalidReply,
  type ParseInfo,
  type Prompt,
  TextEnv,
  type TextInterface,
} from './text-env.js';
export * from './vector/index.js';
export * from './wrappers/index.js';
export { type FieldProblem, fieldProblems } from './zod-issues.js';
