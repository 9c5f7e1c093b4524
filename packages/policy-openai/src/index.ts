/**
 * `@rl4vlm/policy-openai`: evaluate any OpenAI-compatible VLM endpoint as an rl4vlm policy, and
 * serve any rl4vlm policy over the same API.
 * @packageDocumentation
 */

export { GenerationBatcher } from './batcher.js';
export { mapWithConcurrency } from './concurrency.js';
export { default } from './manifest.js';
export {
  type ContentPart,
  contentToPrompt,
  dataUrlToImage,
  IMAGE_PLACEHOLDER,
  type ImageLimits,
  ImageTooLargeError,
  imageToDataUrl,
  promptToContent,
} from './messages.js';
export { OpenAIPolicy, OpenAIPolicyError, type OpenAIPolicyOptions } from './openai-policy.js';
export { pngSize } from './png-header.js';
export { type ChatServerOptions, createChatServer, listen } from './server.js';
