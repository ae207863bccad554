// `npm run bench` (second part): the engine as it is on `main` (or BENCH_BASE, any git revision)
// against the engine in this checkout, in one process, alternately, 5 rounds each. Each round
// counts traces per second for a cross-node pod-to-pod request and for a pod-to-Service request by
// DNS name on the generated 100-node, 5,000-pod cluster; the report gives the medians and the
// ratio new/old, which should be at least 0.95 (a refactor must not make the hot path slower).
// The old engine is built from `git archive <base> src` into a temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTs, root } from './loadTs.mjs';
import { ENGINE_ENTRY, benchRequests } from './benchRequests.mjs';

const BASE = process.env.BENCH_BASE ?? 'main';
const ROUNDS = 5;
const WINDOW_MS = 1_500;
const GOAL_RATIO = 0.95;

const oldDir = await mkdtemp(join(tmpdir(), 'k8s-netviz-bench-base-'));
let engines;
try {
  const revision = execFileSync('git', ['rev-parse', '--short', BASE], { cwd: root, encoding: 'utf8' }).trim();
  const tar = execFileSync('git', ['archive', '--format=tar', BASE, 'src'], { cwd: root, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', oldDir], { input: tar });
  engines = {
    old: { label: `${BASE} (${revision})`, ...(await loadTs(ENGINE_ENTRY, 'bench-old', oldDir)) },
    new: { label: 'this checkout', ...(await loadTs(ENGINE_ENTRY, 'bench-new')) },
  };
} finally {
  await rm(oldDir, { recursive: true, force: true });
}

// One cluster text for both; each engine builds its own Cluster from it.
const text = engines.new.generateCluster(100, 50, 1000, 1);
for (const e of Object.values(engines)) {
  const result = e.loadManifests([{ name: 'generated.yaml', text }]);
  if (!result.ok) throw new Error(`${e.label}: the generated cluster did not load`);
  e.cluster = result.cluster;
}

// The requests bench.mjs measures: a cross-node pod-to-pod request, and a pod to a Service in
// another namespace by its DNS name.
const { podToPod, byName } = benchRequests(engines.new.cluster);
const requests = { 'pod to pod': podToPod, 'pod to Service by name': byName };

for (const e of Object.values(engines))
  for (const [what, request] of Object.entries(requests)) {
    const t = e.trace(e.cluster, request, { seed: 1 });
    if (t.verdict !== 'delivered') throw new Error(`${e.label}, ${what}: ${t.verdict}: ${t.reason}`);
    // warm up
    for (let i = 0; i < 10_000; i++) e.trace(e.cluster, request, { seed: i });
  }

let sink = 0;
function rate(e, request) {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < WINDOW_MS) {
    for (let i = 0; i < 500; i++) sink += e.trace(e.cluster, request, { seed: calls + i }).hops.length;
    calls += 500;
    elapsed = performance.now() - start;
  }
  return (calls / elapsed) * 1000;
}

const samples = {};
for (const what of Object.keys(requests)) samples[what] = { old: [], new: [] };
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which engine goes first, so that neither always runs on a warmer or cooler machine.
  const order = round % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
  for (const [what, request] of Object.entries(requests))
    for (const which of order) samples[what][which].push(rate(engines[which], request));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(`old: ${engines.old.label}; new: ${engines.new.label}; ${ROUNDS} alternating rounds of ${WINDOW_MS} ms`);
let missed = false;
for (const what of Object.keys(requests)) {
  const o = median(samples[what].old);
  const n = median(samples[what].new);
  const ratio = n / o;
  if (ratio < GOAL_RATIO) missed = true;
  console.log(
    `${what}: old median ${fmt(o)}/s [${samples[what].old.map(fmt).join(', ')}], new median ${fmt(n)}/s [${samples[what].new.map(fmt).join(', ')}]: new/old ${ratio.toFixed(3)} (goal >= ${GOAL_RATIO}: ${ratio >= GOAL_RATIO ? 'ok' : 'MISSED'})`,
  );
}
if (missed) process.exitCode = 1;
if (sink === 0) console.log('');
