/**
 * `rl4vlm`: the reference app. Its library surface is the plugin registry, the config schema,
 * the run helpers and the report writer, so other tools can reuse them.
 * @packageDocumentation
 */

export { type DemoRow, runDemo } from './commands/demo.js';
export * from './config/index.js';
export * from './plugins/index.js';
export { createProgram } from './program.js';
export * from './report/index.js';
export { type GalleryEpisode, galleryEntry, writeEpisodeFiles } from './run/episode-files.js';
export { writeGallery } from './run/gallery.js';
export { type PlayedEpisode, type PlayedStep, playEpisode } from './run/play-episode.js';
export { ProgressReporter } from './run/progress.js';
export { defaultRunName, findRun, readRunConfig, saveRunConfig } from './run/run-folder.js';
export { detectImageProtocol, inlineImageSequence } from './run/terminal-image.js';
export { runTraining, type TrainingOptions, type TrainingSummary } from './run/training.js';
export { createPolicy, loadPlugins, makeTextEnv, setup } from './setup.js';
