import { closestMatch } from '@rl4vlm/env';
import type { ZodType } from 'zod';

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** The object shape under zod wrappers (default, optional, …), or undefined when `schema` is not an object. */
function objectShape(schema: ZodType): Record<string, ZodType> | undefined {
  let s: any = schema;
  while (s?._zod?.def && WRAPPERS.has(s._zod.def.type)) s = s._zod.def.innerType;
  if (s?._zod?.def?.type === 'pipe') return objectShape(s._zod.def.in);
  return s?._zod?.def?.type === 'object' ? (s._zod.def.shape as Record<string, ZodType>) : undefined;
}

/** A key that the schema does not know, with the keys that are allowed where it was found. */
export interface UnknownKey {
  path: string;
  value: unknown;
  allowed: string[];
  suggestion?: string;
}

/**
 * Keys in `value` that `schema` does not declare, at any depth. Zod strips unknown keys silently;
 * a config with `ppo.epochz` must fail instead, naming the key and the closest allowed one.
 */
export function findUnknownKeys(schema: ZodType, value: unknown, prefix = ''): UnknownKey[] {
  const shape = objectShape(schema);
  if (!shape || typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const out: UnknownKey[] = [];
  const allowed = Object.keys(shape);
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const child = shape[key];
    if (!child) {
      out.push({ path, value: v, allowed, suggestion: closestMatch(key, allowed) });
      continue;
    }
    out.push(...findUnknownKeys(child, v, path));
  }
  return out;
}
