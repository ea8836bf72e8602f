// Builds the renderer (renderer/index.html) to dist/renderer with relative asset paths, so the same files load from
// the browser shell's HTTP server and from Electron's custom protocol.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
});
