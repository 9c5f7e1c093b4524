import { type Image, imagesEqual } from '@rl4vlm/env';
import type { Piece } from './model.js';

/** One position of a prompt: a text token, or patch `patch` of batch image `image`. */
export type Slot = { token: number } | { image: number; patch: number };

/** Groups slots into pieces (runs of tokens, runs of patches of one image). */
export function piecesOf(slots: readonly Slot[]): Piece[] {
  const out: Piece[] = [];
  for (const slot of slots) {
    const last = out[out.length - 1];
    if ('token' in slot) {
      if (last?.kind === 'tokens') last.ids.push(slot.token);
      else out.push({ kind: 'tokens', ids: [slot.token] });
    } else if (last?.kind === 'image' && last.index === slot.image && last.start + last.count === slot.patch)
      last.count++;
    else out.push({ kind: 'image', index: slot.image, start: slot.patch, count: 1 });
  }
  return out;
}

/** The number of leading slots all rows share (same tokens, same image content and patch). */
export function sharedPrefixLength(rows: readonly Slot[][], images: readonly Image[]): number {
  if (rows.length < 2) return 0;
  const first = rows[0]!;
  let n = Math.min(...rows.map((r) => r.length));
  for (const row of rows.slice(1)) {
    let i = 0;
    while (i < n) {
      const a = first[i]!;
      const b = row[i]!;
      const same =
        'token' in a
          ? 'token' in b && a.token === b.token
          : 'image' in b &&
            a.patch === b.patch &&
            (a.image === b.image || imagesEqual(images[a.image]!, images[b.image]!));
      if (!same) break;
      i++;
    }
    n = i;
  }
  return n;
}
