// Bundles the command line (src/cli/main.ts) into one Node 20 ESM file, dist-cli/k8s-netviz.js,
// the package's `bin` (both `k8s-netviz` and the kubectl plugin `kubectl-netviz`). Node 20 cannot
// run TypeScript, so `prepare` runs this after `npm install`. The packages the bundle inlines
// (yaml) are listed with their licenses in dist-cli/THIRD-PARTY-NOTICES.md.
import { build } from 'esbuild';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { thirdPartyNotices } from './third-party-notices.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist-cli', 'k8s-netviz.js');
const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

const result = await build({
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Comments marked @license or /*! stay, at the end of the file; the full notices are beside it.
  legalComments: 'eof',
  metafile: true,
  define: { __NETVIZ_VERSION__: JSON.stringify(version) },
  // Dependencies published as CommonJS (yaml) require Node built-ins; an ES module has no
  // `require`, so the bundle makes one.
  banner: {
    js: [
      '// k8s-netviz: MIT license. Third-party licenses: THIRD-PARTY-NOTICES.md beside this file.',
      "import { createRequire as __netvizCreateRequire } from 'node:module';",
      'const require = __netvizCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  logLevel: 'warning',
});
// The entry's own shebang line may or may not survive bundling; make sure there is exactly one.
const code = (await readFile(outfile, 'utf8')).replace(/^#!.*\n/, '');
await writeFile(outfile, `#!/usr/bin/env node\n${code}`);
await chmod(outfile, 0o755);

const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(root, input));
await writeFile(
  join(root, 'dist-cli', 'THIRD-PARTY-NOTICES.md'),
  thirdPartyNotices(inputs, 'The k8s-netviz command line (k8s-netviz.js)'),
);
