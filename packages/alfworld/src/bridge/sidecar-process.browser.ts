import { bridgeNeedsNode } from './browser-unavailable.js';
import type { SidecarProcess as NodeSidecarProcess } from './sidecar-process.js';

/** The browser twin of `sidecar-process.ts`. */
export type { SidecarProcessOptions } from './sidecar-process.js';

export const SidecarProcess = class {
  constructor() {
    throw bridgeNeedsNode('SidecarProcess');
  }
} as unknown as typeof NodeSidecarProcess;
export type SidecarProcess = NodeSidecarProcess;
