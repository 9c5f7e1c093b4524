import { closestMatch } from '@rl4vlm/env';
import type { Algorithm } from './algorithm.js';

/** Thrown for an algorithm id nobody registered; lists the ids there are and the closest one. */
export class UnknownAlgorithmError extends Error {
  readonly id: string;
  readonly available: string[];
  readonly suggestion?: string;
  constructor(id: string, available: string[]) {
    const suggestion = closestMatch(id, available);
    super(
      `Unknown algorithm '${id}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''}\nRegistered algorithms:\n${
        available.length ? available.map((a) => `  - ${a}`).join('\n') : '  (none: load a plugin first)'
      }`,
    );
    this.name = 'UnknownAlgorithmError';
    this.id = id;
    this.available = available;
    this.suggestion = suggestion;
  }
}

/** Algorithms by id; an id registered twice is an error naming both sources. */
export class AlgorithmRegistry {
  private readonly byId = new Map<string, { algorithm: Algorithm; source: string }>();

  register(algorithm: Algorithm, { source = 'unknown' }: { source?: string } = {}): void {
    const existing = this.byId.get(algorithm.id);
    if (existing)
      throw new Error(
        `Algorithm '${algorithm.id}' from ${source} is already registered by ${existing.source}`,
      );
    this.byId.set(algorithm.id, { algorithm, source });
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The algorithm for an id, or an {@link UnknownAlgorithmError} listing the ids and the closest. */
  get(id: string): Algorithm {
    const found = this.byId.get(id);
    if (!found) throw new UnknownAlgorithmError(id, this.ids());
    return found.algorithm;
  }

  /** Where an id came from (a plugin name). */
  source(id: string): string | undefined {
    return this.byId.get(id)?.source;
  }

  ids(): string[] {
    return [...this.byId.keys()].sort();
  }
}
