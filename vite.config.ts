/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import type { Plugin } from 'vite';
import { withCspMeta } from './src/app/csp.ts';
import { offlinePlugin } from './build/offlinePlugin.ts';

/** The Content-Security-Policy `<meta>`, in the production build only (dev's hot reload runs inline script). */
const contentSecurityPolicy = (): Plugin => ({
  name: 'k8s-netviz-csp',
  apply: 'build',
  transformIndexHtml: { order: 'post', handler: (html) => withCspMeta(html) },
});

// `base: './'` makes the production build work from any sub-path (GitHub Pages and the like);
// BASE_PATH (`/k8s-netviz/`) makes the files' URLs absolute instead (scripts/build-site.mjs).
export default defineConfig({
  base: process.env['BASE_PATH'] || './',
  plugins: [
    react(),
    tailwindcss(),
    contentSecurityPolicy(),
    offlinePlugin({ entry: 'src/app/offline/serviceWorker.ts' }),
  ],
  // Cytoscape alone is ~430 kB minified; splitting what the first screen doesn't need comes with
  // the diagram issue (lazy YAML, export, dialogs).
  build: {
    target: 'es2022',
    // MIT and ISC ask that their notices travel with the code: the bundled packages' licenses go
    // beside the app, and the package (npm pack) ships them.
    license: { fileName: 'THIRD-PARTY-NOTICES.md' },
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        // The YAML parser serves the editor and the importer, both loaded on demand: give it its
        // own chunk, or the bundler hoists it into the entry and the first screen pays for it.
        // The trace engine (src/sim/resolve) loads right after the first screen: grouped on its
        // own so that the model code the first screen does need is not bundled in with it.
        codeSplitting: {
          groups: [
            { name: 'yaml', test: /node_modules[\\/]yaml[\\/]/ },
            // only the engine's own modules: the model it shares with the first screen stays out
            {
              name: 'trace-engine',
              test: /src[\\/]sim[\\/](resolve[\\/]|engine\.ts)/,
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
