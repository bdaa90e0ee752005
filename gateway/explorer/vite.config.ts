// Builds the explorer (gateway/explorer → gateway/explorer-dist) as static files the gateway
// serves under /explorer/; every asset is bundled, so the page works with no internet.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/explorer/',
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../explorer-dist'),
    emptyOutDir: true,
    // Monaco and GraphiQL are large by nature; the gateway serves them gzip-compressed and cached.
    chunkSizeWarningLimit: 6_000,
    assetsInlineLimit: 0,
    rolldownOptions: {
      // framer-motion's "use client" markers mean nothing outside React Server Components.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
