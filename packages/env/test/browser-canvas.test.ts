import { describe, expect, it } from 'vitest';
import { createBrowserCanvas } from '../src/index.js';

// Drawing on these canvases is tested in a real Chromium by apps/web (frames equal Node's).
describe('browser canvases', () => {
  it('name the package and what is missing outside a browser', () => {
    expect(() => createBrowserCanvas(4, 4, '@example/env')).toThrow(
      /@example\/env \(browser build\) needs OffscreenCanvas or document\.createElement\('canvas'\)/,
    );
  });
});
