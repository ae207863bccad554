// `npm run bench` (matrix part): how fast sim/matrix computes reachability on one thread.
// 1. Kubernetes' netpol e2e setup (#example=netpol-truth-table): 9 x 9 pods x {80, 81} x {TCP, UDP}
//    = 324 cells, with its two policies; the goal is under 100 ms. Then the same through
//    each pod's Service (as upstream probes).
// 2. A ?generate=10x10 cluster (100 pods, the page's generator) on Calico with two policies per
//    namespace (deny all ingress; allow from the same namespace on the port): all pods x all pods on
//    the port most pods declare.
// 3. The scale: ?generate=50x20&policies=200 (1,002 pods on Calico, 200 generated
//    NetworkPolicies), all pods x all pods on the port most pods declare, 1,004,004 cells, by the
//    engine the page's worker runs (computeCompactMatrix); goal under 10 s. Here in Node, one thread.
// The simulation is TypeScript, so a small entry is bundled with esbuild first and then imported.
import { loadTs } from './loadTs.mjs';

const GOAL_UPSTREAM_MS = 100;

const entry = `
export { generatedSource } from './src/sim/generate/generateCluster';
export { loadManifests } from './src/sim/import/index';
export { buildCluster } from './src/sim/model/build';
export { computeMatrix, declaredPorts } from './src/sim/matrix/matrix';
export { computeCompactMatrix } from './src/sim/matrix/compact';
export { findScenario } from './src/sim/scenarios/catalog';
`;

/** Median wall time of `runs` calls after one warm-up call. */
function time(fn, runs) {
  fn();
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], result };
}

const GOAL_LARGE_MS = 10_000;
const {
  generatedSource,
  loadManifests,
  buildCluster,
  computeMatrix,
  computeCompactMatrix,
  declaredPorts,
  findScenario,
} = await loadTs(entry, 'bench-matrix');
const ok = (pass) => (pass ? 'ok' : 'MISSED');
const rate = (cells, ms) => Math.round((cells / ms) * 1000).toLocaleString('en-US');

// 1. the upstream setup: the pods labelled pod=..., every port and protocol they serve
const upstream = buildCluster(findScenario('netpol-truth-table').spec);
const ports = [80, 81].flatMap((port) => ['tcp', 'udp'].map((protocol) => ({ port, protocol })));
const request = { from: { selector: 'pod' }, to: { selector: 'pod' }, ports };
const up = time(() => computeMatrix(upstream, request), 20);
console.log(
  `matrix, netpol e2e setup: ${up.result.sources.length} x ${up.result.destinations.length} pods x ${ports.length} ports = ${up.result.cells.length} cells in ${up.ms.toFixed(1)} ms, ${rate(up.result.cells.length, up.ms)} cells/s (goal < ${GOAL_UPSTREAM_MS} ms: ${ok(up.ms < GOAL_UPSTREAM_MS)})`,
);
// the same cells probed as upstream does, through each pod's Service s-<ns>-<pod>
const viaSvc = time(() => computeMatrix(upstream, { ...request, via: 'service' }), 20);
console.log(
  `matrix, netpol e2e setup through each pod's Service: ${viaSvc.result.cells.length} cells (${viaSvc.result.skipped.length} skipped) in ${viaSvc.ms.toFixed(1)} ms (goal < ${GOAL_UPSTREAM_MS} ms: ${ok(viaSvc.ms < GOAL_UPSTREAM_MS)})`,
);

// 2. ?generate=10x10 on Calico with policies
const loaded = loadManifests([generatedSource(10, 10, 1)]);
if (!loaded.ok) throw new Error('the generated cluster did not load');
const namespaces = [...new Set(loaded.cluster.pods.map((p) => p.namespace))];
const counts = new Map();
for (const p of loaded.cluster.pods)
  for (const d of declaredPorts(p))
    counts.set(`${d.port}/${d.protocol}`, (counts.get(`${d.port}/${d.protocol}`) ?? 0) + 1);
const [top] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
const [portText, protocol] = top[0].split('/');
const port = { port: Number(portText), protocol };
const policies = namespaces.flatMap((ns) => [
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny-all', namespace: ns },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'same-namespace', namespace: ns },
    spec: {
      podSelector: {},
      ingress: [{ from: [{ podSelector: {} }], ports: [{ port: port.port, protocol: protocol.toUpperCase() }] }],
    },
  },
]);
const spec = loaded.spec;
const generated = buildCluster({
  ...spec,
  settings: {
    ...spec.settings,
    cni: { kind: 'calico', ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
    policyEnforced: true,
  },
  extras: [...(spec.extras ?? []), ...policies],
});
const gen = time(() => computeMatrix(generated, { ports: [port] }), 5);
const c = gen.result.counts;
console.log(
  `matrix, ?generate=10x10 on Calico with ${policies.length} policies: ${gen.result.sources.length} x ${gen.result.destinations.length} pods on ${protocol.toUpperCase()} ${port.port} = ${gen.result.cells.length.toLocaleString('en-US')} cells in ${gen.ms.toFixed(0)} ms, ${rate(gen.result.cells.length, gen.ms)} cells/s (${c.allowed} allowed, ${c['denied-ingress']} denied-ingress, ${c.refused} refused)`,
);

// 3. ?generate=50x20&policies=200: 1,002 x 1,002 pods on one port, compact, as the page's worker
const large = loadManifests([generatedSource(50, 20, 1, { policies: 200 })]);
if (!large.ok) throw new Error('the generated cluster with policies did not load');
const largeCounts = new Map();
for (const p of large.cluster.pods)
  for (const d of declaredPorts(p))
    largeCounts.set(`${d.port}/${d.protocol}`, (largeCounts.get(`${d.port}/${d.protocol}`) ?? 0) + 1);
const [largeTop] = [...largeCounts.entries()].sort((a, b) => b[1] - a[1]);
const [largePort, largeProtocol] = largeTop[0].split('/');
const big = time(
  () => computeCompactMatrix(large.cluster, { ports: [{ port: Number(largePort), protocol: largeProtocol }] }),
  3,
);
const bc = big.result.counts;
console.log(
  `matrix, ?generate=50x20&policies=200 on Calico: ${big.result.sources.length} x ${big.result.destinations.length} pods on ${largeProtocol.toUpperCase()} ${largePort} = ${big.result.verdicts.length.toLocaleString('en-US')} cells in ${(big.ms / 1000).toFixed(2)} s, ${rate(big.result.verdicts.length, big.ms)} cells/s, ${big.result.evaluations.toLocaleString('en-US')} evaluations (${bc.allowed} allowed, ${bc['denied-egress']} denied-egress, ${bc['denied-ingress']} denied-ingress, ${bc.refused} refused; goal < ${GOAL_LARGE_MS / 1000} s: ${ok(big.ms < GOAL_LARGE_MS)})`,
);
