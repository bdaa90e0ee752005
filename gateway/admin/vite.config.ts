// Builds the moderator console (gateway/admin → gateway/admin-dist) as static files the gateway
// serves under /admin/; everything is bundled, so the page works with no internet.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/admin/',
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../admin-dist'),
    emptyOutDir: true,
    // Fonts, icons and styles as files: the page's CSP allows no inline styles and no data: fonts.
    assetsInlineLimit: 0,
    // No modulepreload polyfill: it would be inlined code the CSP refuses, and every browser the console supports has modulepreload.
    modulePreload: { polyfill: false },
  },
});
