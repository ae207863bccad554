/**
 * Writes the offline service worker (`sw.js`) into the production build: src/app/offline/
 * serviceWorker.ts bundled on its own (a service worker cannot share the app's ES module chunks),
 * with the list of files to precache and a version that changes whenever one of them does.
 *
 * Hand-written rather than vite-plugin-pwa: that plugin's workbox-build brings Babel, Rollup and
 * Terser (about 200 packages) to produce the same thing, and Workbox's precache drops an old
 * version's chunks on update, which an open page of that version may still need.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { build } from 'esbuild';
import type { Plugin, ResolvedConfig } from 'vite';

/** Files of the build that the app itself never needs offline. */
const NOT_PRECACHED = [/\.map$/, /^THIRD-PARTY-NOTICES\.md$/, /^embed\.js$/, /^sw\.js$/, /^posters\//, /^s\//];

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

export function offlinePlugin(options: { entry: string }): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'k8s-netviz-offline',
    apply: 'build',
    enforce: 'post',
    configResolved(resolved) {
      config = resolved;
    },
    async generateBundle(_output, bundle) {
      const hash = createHash('sha256');
      const files = new Map<string, string | Uint8Array>();
      for (const [fileName, item] of Object.entries(bundle)) {
        files.set(fileName, item.type === 'chunk' ? item.code : item.source);
      }
      if (config.publicDir) {
        for (const fileName of listFiles(config.publicDir)) {
          files.set(fileName, readFileSync(join(config.publicDir, fileName)));
        }
      }
      const precache = [...files.keys()].filter((f) => !NOT_PRECACHED.some((re) => re.test(f))).sort();
      if (!precache.includes('index.html')) throw new Error('offline: the build has no index.html to precache');
      for (const fileName of precache) hash.update(fileName).update('\0').update(files.get(fileName)!).update('\0');
      const version = hash.digest('hex').slice(0, 16);
      const result = await build({
        entryPoints: [options.entry],
        bundle: true,
        write: false,
        format: 'iife',
        target: 'es2022',
        minify: true,
        legalComments: 'none',
        define: {
          __NETVIZ_PRECACHE__: JSON.stringify(precache),
          __NETVIZ_VERSION__: JSON.stringify(version),
        },
      });
      const source = `// k8s-netviz offline worker, version ${version} (${precache.length} files)\n${result.outputFiles[0]!.text}`;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}
