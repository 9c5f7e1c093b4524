import { defineConfig } from 'vite';

/**
 * A static site: relative asset URLs (`base: './'`) so `dist/` can be hosted from any folder.
 * Packages resolve through their `browser` export (OffscreenCanvas, WebGPU/WebGL/wasm).
 */
export default defineConfig({
  base: './',
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 6000 },
});
