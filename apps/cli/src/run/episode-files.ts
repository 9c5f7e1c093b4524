import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodePng, episodeToGif, episodeToPngStrip } from '@rl4vlm/env';
import type { PlayedEpisode } from './play-episode.js';

/** What {@link writeEpisodeFiles} wrote, relative to the folder it was given. */
export interface EpisodeFiles {
  gif: string;
  strip: string;
  frames: string[];
  transcript: string;
}

/** The JSON form of an episode in a gallery: the numbers, the text and the frame files. */
export interface GalleryEpisode {
  name: string;
  envId: string;
  seed: number;
  return: number;
  success: boolean;
  capped: boolean;
  steps: (PlayedEpisode['steps'][number] & { frame: string })[];
  finalFrame: string;
  gif: string;
  strip: string;
}

/**
 * Writes an episode as an animated GIF, a PNG strip, one PNG per frame (`<name>/frame-<t>.png`)
 * and a readable transcript, under `dir`.
 */
export function writeEpisodeFiles(
  dir: string,
  name: string,
  episode: PlayedEpisode,
  { frames: writeFrames = true, delayMs = 700 }: { frames?: boolean; delayMs?: number } = {},
): EpisodeFiles {
  mkdirSync(dir, { recursive: true });
  const gif = `${name}.gif`;
  const strip = `${name}.png`;
  const transcript = `${name}.txt`;
  writeFileSync(path.join(dir, gif), episodeToGif(episode.frames, { delayMs }));
  writeFileSync(
    path.join(dir, strip),
    episodeToPngStrip(episode.frames, { columns: Math.min(episode.frames.length, 8) }),
  );
  const frames: string[] = [];
  if (writeFrames) {
    mkdirSync(path.join(dir, name), { recursive: true });
    episode.frames.forEach((frame, t) => {
      const file = `${name}/frame-${t}.png`;
      writeFileSync(path.join(dir, file), encodePng(frame));
      frames.push(file);
    });
  }
  const lines = [
    `${episode.envId}  seed ${episode.seed}  return ${episode.return}  ${episode.success ? 'success' : 'no success'}`,
  ];
  episode.steps.forEach((s, t) => {
    lines.push('', `--- step ${t} ---`, s.prompt, '', `reply: ${s.reply}`);
    lines.push(
      s.parseOk
        ? `action: ${s.actionLabel ?? JSON.stringify(s.action)}  reward: ${s.reward}`
        : `invalid reply (${s.parseError}); played ${s.actionLabel ?? JSON.stringify(s.action) ?? 'nothing'}  reward: ${s.reward}`,
    );
  });
  writeFileSync(path.join(dir, transcript), `${lines.join('\n')}\n`);
  return { gif, strip, frames, transcript };
}

/** An episode as a gallery entry pointing at the files {@link writeEpisodeFiles} wrote. */
export function galleryEntry(name: string, episode: PlayedEpisode, files: EpisodeFiles): GalleryEpisode {
  return {
    name,
    envId: episode.envId,
    seed: episode.seed,
    return: episode.return,
    success: episode.success,
    capped: episode.capped,
    steps: episode.steps.map((s, t) => ({ ...s, frame: files.frames[t] ?? '' })),
    finalFrame: files.frames.at(-1) ?? '',
    gif: files.gif,
    strip: files.strip,
  };
}
