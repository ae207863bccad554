// `npm run corpus:update`: recomputes the regression corpus (src/sim/regression/cases.ts) and
// writes src/sim/regression/corpus.jsonl.gz. Run it only for an intended change of behaviour, and
// list each difference in the commit that makes it; `vitest run` checks the stored file.
// The simulation is TypeScript, so a small entry is bundled with esbuild first and then imported.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTs, root } from './loadTs.mjs';

const target = join(root, 'src', 'sim', 'regression', 'corpus.jsonl.gz');
const MAX_BYTES = 5 * 1024 * 1024;

const entry = `
export { corpusCases } from './src/sim/regression/cases';
export { encodeCorpus } from './src/sim/regression/corpusFile';
`;

const { corpusCases, encodeCorpus } = await loadTs(entry, 'corpus');
const t0 = performance.now();
const records = corpusCases().map((c) => c.run());
const bytes = encodeCorpus(records);
if (bytes.length > MAX_BYTES) throw new Error(`the corpus is ${bytes.length} bytes, over ${MAX_BYTES}`);
await writeFile(target, bytes);
const kinds = {};
for (const r of records) kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
console.log(
  `${records.length} records (${Object.entries(kinds)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ')}) in ${Math.round(performance.now() - t0)} ms; ${bytes.length} bytes gzipped -> ${target}`,
);
