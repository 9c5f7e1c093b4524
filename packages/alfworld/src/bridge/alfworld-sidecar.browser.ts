import type { AlfworldSidecar as NodeAlfworldSidecar } from './alfworld-sidecar.js';
import { bridgeNeedsNode } from './browser-unavailable.js';

/** The browser twin of `alfworld-sidecar.ts`. */
export const AlfworldSidecar = {
  async start(): Promise<never> {
    throw bridgeNeedsNode('AlfworldSidecar');
  },
} as unknown as typeof NodeAlfworldSidecar;
export type AlfworldSidecar = NodeAlfworldSidecar;
