/** Every tensor backend this package can run on, in Node or in a browser. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** One way to get a backend: `load` returns false (or throws) when it is not available here. */
export interface BackendCandidate {
  name: BackendName;
  load: () => Promise<boolean>;
}

/** Options of `initBackend` and `selectBackend`. */
export interface InitBackendOptions {
  /** Force one backend; default `process.env.RL4VLM_TF_BACKEND` in Node, none in a browser. */
  force?: string;
  /** Where to log the choice; default `console.info`. Logged once per process. */
  log?: (message: string) => void;
  /** The candidates to try (tests replace them). */
  candidates?: BackendCandidate[];
  /**
   * Where the wasm backend's `.wasm` files are served (a folder URL ending in `/`, or one URL per
   * file name, as `setWasmPaths` takes). Node finds them in the installed package by itself.
   */
  wasmPaths?: string | Record<string, string>;
}

/**
 * Tries `candidates` in order and returns the first that loads; `force` names one that must
 * load. `forcedBy` says in messages who forced it (an environment variable, a page setting).
 */
export async function chooseBackend({
  force,
  log,
  candidates,
  forcedBy,
}: {
  force: string | undefined;
  log: (message: string) => void;
  candidates: BackendCandidate[];
  forcedBy: string;
}): Promise<BackendName> {
  const tried: string[] = [];
  if (force) {
    const candidate = candidates.find((c) => c.name === force);
    if (!candidate) {
      throw new Error(
        `${forcedBy}='${force}' is not a backend; use one of: ${candidates.map((c) => c.name).join(', ')}`,
      );
    }
    const ok = await candidate.load().catch((e) => {
      throw new Error(`${forcedBy}='${force}' could not be loaded: ${(e as Error).message}`);
    });
    if (!ok) throw new Error(`${forcedBy}='${force}' is not available on this machine`);
    log(`[rl4vlm/policy-tfjs] tensor backend: ${force} (forced by ${forcedBy})`);
    return candidate.name;
  }
  for (const candidate of candidates) {
    const ok = await candidate.load().catch(() => false);
    if (ok) {
      log(
        `[rl4vlm/policy-tfjs] tensor backend: ${candidate.name}${tried.length ? ` (not available: ${tried.join(', ')})` : ''}`,
      );
      return candidate.name;
    }
    tried.push(candidate.name);
  }
  throw new Error(`No tensor backend could be loaded (tried ${tried.join(', ')})`);
}
