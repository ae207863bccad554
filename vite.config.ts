/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// `base: './'` makes the production build work from any sub-path (GitHub Pages and the like).
export default defineConfig({
  base: './',
  plugins: [react(), tailwindcss()],
  // Cytoscape alone is ~430 kB minified; splitting what the first screen doesn't need comes with
  // the diagram issue (lazy YAML, export, dialogs).
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        // The YAML parser serves the editor and the importer, both loaded on demand: give it its
        // own chunk, or the bundler hoists it into the entry and the first screen pays for it.
        codeSplitting: { groups: [{ name: 'yaml', test: /node_modules[\\/]yaml[\\/]/ }] },
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
