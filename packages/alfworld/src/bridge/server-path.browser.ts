import { bridgeNeedsNode } from './browser-unavailable.js';

/** The browser twin of `server-path.ts`. */
export function defaultServerPath(): string {
  throw bridgeNeedsNode('defaultServerPath');
}
