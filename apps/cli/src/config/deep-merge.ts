type Obj = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Merges `over` into `base` recursively; arrays and scalars in `over` replace those in `base`. Neither is mutated. */
export function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Obj, v) : v;
  }
  return out;
}

/** `{a: {b: 1}}` from a dotted key `a.b` and a value. */
export function setDotted(target: Obj, dotted: string, value: unknown): Obj {
  const keys = dotted.split('.');
  if (keys.some((k) => k === ''))
    throw new Error(`'${dotted}' is not a dotted config key such as ppo.epochs`);
  const over: Obj = {};
  let cur = over;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) cur[k] = value;
    else {
      cur[k] = {};
      cur = cur[k] as Obj;
    }
  });
  return deepMerge(target, over);
}
