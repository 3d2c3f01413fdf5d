import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { parse } from 'yaml';

/**
 * Turns `locales/*.yml` into JSON modules at build time: the UI reads the same catalog as Rust,
 * without shipping a YAML parser.
 */
function yamlCatalog(): Plugin {
  return {
    name: 'mail-identity-yaml-catalog',
    transform(code, id) {
      if (!id.endsWith('.yml')) return null;
      return { code: `export default ${JSON.stringify(parse(code))};`, map: null };
    },
  };
}

export default defineConfig({
  root: 'ui',
  // The Svelte config sits at the repository root (shared with svelte-check), not in `root`.
  plugins: [svelte({ configFile: '../svelte.config.js' }), yamlCatalog()],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    fs: { allow: ['..'] },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: ['es2022', 'safari16'],
    // One small bundle: nothing is loaded lazily from the network.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    root: '.',
    include: ['ui/src/**/*.test.ts'],
    environment: 'jsdom',
    globals: true,
    setupFiles: ['ui/src/test-setup.ts'],
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
});
