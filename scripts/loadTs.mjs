// The simulation is TypeScript: scripts that run it under plain Node bundle a small entry with
// esbuild into a temporary folder and import that (used by bench, bench-matrix and corpus).
import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Bundles `entry` (TypeScript source, paths relative to the repository, or to `base` when given:
 * another checkout of the sources, whose packages still come from this repository's
 * node_modules) and returns its exports.
 */
export async function loadTs(entry, name, base = root) {
  const dir = await mkdtemp(join(tmpdir(), `k8s-netviz-${name}-`));
  try {
    const outfile = join(dir, `${name}.mjs`);
    await build({
      stdin: { contents: entry, resolveDir: base, loader: 'ts', sourcefile: `${name}-entry.ts` },
      nodePaths: [join(root, 'node_modules')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
      // yaml is CommonJS and requires Node built-ins; give the ES module bundle a `require`.
      banner: {
        js: "import { createRequire as __loadTsCreateRequire } from 'node:module';\nconst require = __loadTsCreateRequire(import.meta.url);",
      },
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
