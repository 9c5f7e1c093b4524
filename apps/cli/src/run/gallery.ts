import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/index.js';
import type { PluginRegistry } from '../plugins/index.js';
import { makeTextEnv } from '../setup.js';
import { type GalleryEpisode, galleryEntry, writeEpisodeFiles } from './episode-files.js';
import { playEpisode } from './play-episode.js';

/** What the gallery needs of an evaluated episode: its seed and the replies in order. */
export interface RecordedEpisode {
  index: number;
  seed: number;
  steps: { text: string }[];
}

/**
 * Writes the first `count` evaluated episodes into `<dir>` with their frames, by replaying the
 * recorded replies on a fresh env with the same seed (envs and the invalid-reply fallback are
 * seeded, so the replay is the episode the model played; no model is needed).
 */
export async function writeGallery(
  dir: string,
  records: readonly RecordedEpisode[],
  { registry, env, count }: { registry: PluginRegistry; env: AppConfig['env']; count: number },
): Promise<GalleryEpisode[]> {
  mkdirSync(dir, { recursive: true });
  const textEnv = makeTextEnv(registry, env);
  const entries: GalleryEpisode[] = [];
  for (const record of records.slice(0, count)) {
    const episode = await playEpisode(textEnv, (_p, _i, t) => record.steps[t]?.text ?? '', {
      seed: record.seed,
      maxSteps: record.steps.length,
    });
    const name = `episode-${record.index}`;
    entries.push(galleryEntry(name, episode, writeEpisodeFiles(dir, name, episode)));
  }
  await textEnv.close();
  writeFileSync(path.join(dir, 'gallery.json'), `${JSON.stringify(entries, null, 2)}\n`);
  return entries;
}
