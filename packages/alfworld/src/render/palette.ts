import type { RoomKind } from '../household/catalog.js';

/** Floor colours per room kind. */
export const FLOOR: Readonly<Record<RoomKind, string>> = {
  kitchen: '#e9dfc9',
  livingroom: '#e6d2b8',
  bedroom: '#ddd6ea',
  bathroom: '#d3e6ea',
};

const RECEPTACLE_COLORS: Record<string, string> = {
  fridge: '#dfe6ee',
  microwave: '#4a4f57',
  sinkbasin: '#9fb8c8',
  bathtubbasin: '#b9d3df',
  stoveburner: '#2f2f33',
  countertop: '#8e7a62',
  cabinet: '#a0703f',
  drawer: '#b7844d',
  garbagecan: '#6b7d5b',
  toilet: '#f3f3f0',
  bed: '#7d6fb0',
  sofa: '#8a4f4f',
  armchair: '#9a5f4a',
  shelf: '#9c8058',
  desk: '#7a5a3a',
  sidetable: '#8d6a48',
  diningtable: '#7e5c3c',
  coffeetable: '#6f5135',
  dresser: '#94643c',
  safe: '#55606a',
  coffeemachine: '#3b3331',
  toaster: '#b8b8bc',
};

/** A stable colour for any type name: a curated one where it exists, otherwise one hashed from the name. */
export function typeColor(type: string): string {
  const known = RECEPTACLE_COLORS[type];
  if (known) return known;
  let h = 2166136261;
  for (const ch of type) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  const hue = (h >>> 0) % 360;
  return `hsl(${hue}, 62%, 52%)`;
}

/** Object types drawn round (fruit, balls); the rest are drawn as rounded boxes. */
export const ROUND_TYPES: ReadonlySet<string> = new Set([
  'apple',
  'egg',
  'tomato',
  'potato',
  'lettuce',
  'basketball',
  'bowl',
  'plate',
  'cd',
  'pot',
  'pan',
  'alarmclock',
  'watch',
]);
