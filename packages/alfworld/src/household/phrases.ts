/** Text pieces of ALFWorld's TextWorld wording (spec `alfworld.md` §2). */

/** `nothing` / `a x 1` / `a x 1, and a y 2` / `a x 1, a y 2, and a z 3` — the article is always `a`. */
export function listItems(names: readonly string[]): string {
  if (names.length === 0) return 'nothing';
  const items = names.map((n) => `a ${n}`);
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`;
}

export const BANNER = '-= Welcome to TextWorld, ALFRED! =-';
export const NOTHING_HAPPENS = 'Nothing happens.';
export const MIDDLE_OF_ROOM_LOOK =
  'You are in the middle of a room. Looking quickly around you, you see nothing.';

/** The reset observation: banner, the room's receptacles, the goal. */
export function introText(receptacleNames: readonly string[], goal: string): string {
  return [
    BANNER,
    `You are in the middle of a room. Looking quickly around you, you see ${listItems(receptacleNames)}.`,
    `Your task is to: ${goal}.`,
  ].join('\n\n');
}
