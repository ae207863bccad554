// Bundles the command line (src/cli/main.ts) into one Node 20 ESM file, dist-cli/k8s-netviz.js,
// the package's `bin`. Node 20 cannot run TypeScript, so `prepare` runs this after `npm install`.
import { build } from 'esbuild';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist-cli', 'k8s-netviz.js');

await build({
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  // Dependencies published as CommonJS (yaml) require Node built-ins; an ES module has no
  // `require`, so the bundle makes one.
  banner: {
    js: "import { createRequire as __netvizCreateRequire } from 'node:module';\nconst require = __netvizCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
// The entry's own shebang line may or may not survive bundling; make sure there is exactly one.
const code = (await readFile(outfile, 'utf8')).replace(/^#!.*\n/, '');
await writeFile(outfile, `#!/usr/bin/env node\n${code}`);
await chmod(outfile, 0o755);
