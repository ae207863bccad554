// `npm run bench`: on one thread, how fast trace() resolves a cross-node pod-to-pod request and a
// pod-to-ClusterIP request by DNS name (resolver, the query through kube-dns, kube-proxy DNAT, the
// reply) on the generated 100-node, 5,000-pod, 1,000-Service cluster, and how long that cluster
// takes to build from its YAML.
// The simulation is TypeScript, so a small entry is bundled with esbuild first and then imported.
import { loadTs } from './loadTs.mjs';
import { ENGINE_ENTRY, benchRequests } from './benchRequests.mjs';

const GOAL_TRACES = 50_000;
const GOAL_SERVICE_TRACES = 20_000;
const GOAL_BUILD_MS = 1_000;

const { generateCluster, loadManifests, trace } = await loadTs(ENGINE_ENTRY, 'bench');

const text = generateCluster(100, 50, 1000, 1);
const sources = [{ name: 'generated.yaml', text }];
const builds = [];
let cluster = null;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const result = loadManifests(sources);
  builds.push(performance.now() - t0);
  if (!result.ok) {
    console.error(result.errors.slice(0, 5));
    throw new Error('the generated cluster did not load');
  }
  cluster = result.cluster;
}

const { client, server, port, podToPod: input, byName } = benchRequests(cluster);
const sample = trace(cluster, input, { seed: 1 });
if (sample.verdict !== 'delivered') throw new Error(`the bench request was ${sample.verdict}: ${sample.reason}`);

// Warm up, then count calls in a fixed time window.
let sink = 0;
const measure = (request) => {
  for (let i = 0; i < 20_000; i++) trace(cluster, request, { seed: i });
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < 3_000) {
    for (let i = 0; i < 1_000; i++) sink += trace(cluster, request, { seed: calls + i }).hops.length;
    calls += 1_000;
    elapsed = performance.now() - start;
  }
  return { calls, elapsed, perSecond: Math.round((calls / elapsed) * 1000) };
};
const { calls, elapsed, perSecond } = measure(input);

const svcSample = trace(cluster, byName, { seed: 1 });
if (svcSample.verdict !== 'delivered')
  throw new Error(`the Service bench request was ${svcSample.verdict}: ${svcSample.reason}`);
const svcRun = measure(byName);
const sorted = [...builds].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];

const ok = (pass) => (pass ? 'ok' : 'MISSED');
console.log(
  `cluster: ${cluster.nodes.length} nodes, ${cluster.pods.length} pods, ${cluster.services.length} services (${(text.length / 1024).toFixed(0)} KiB of YAML)`,
);
console.log(
  `request: ${input.from} -> ${input.to} port ${port} (${client.node} -> ${server.node}, ${cluster.settings.cni.kind}); ${sample.hops.length} hops + ${sample.reply.hops.length} reply hops`,
);
console.log(
  `build from YAML (loadManifests): first (cold) ${builds[0].toFixed(0)} ms (goal <= ${GOAL_BUILD_MS} ms: ${ok(builds[0] <= GOAL_BUILD_MS)}), median of ${builds.length} ${median.toFixed(0)} ms (${ok(median <= GOAL_BUILD_MS)})`,
);
console.log(
  `trace(): ${perSecond.toLocaleString('en-US')} traces/s on one thread, ${calls.toLocaleString('en-US')} calls in ${(elapsed / 1000).toFixed(1)} s  (goal >= ${GOAL_TRACES.toLocaleString('en-US')}/s: ${ok(perSecond >= GOAL_TRACES)})`,
);
console.log(
  `request: ${byName.from} -> ${byName.to} (by DNS name: ${svcSample.dns.queries.length} queries, ${svcSample.dns.hops.length} DNS hops; ${svcSample.hops.length} hops + ${svcSample.reply.hops.length} reply hops)`,
);
console.log(
  `trace() to a Service by name: ${svcRun.perSecond.toLocaleString('en-US')} traces/s, ${svcRun.calls.toLocaleString('en-US')} calls in ${(svcRun.elapsed / 1000).toFixed(1)} s  (goal >= ${GOAL_SERVICE_TRACES.toLocaleString('en-US')}/s: ${ok(svcRun.perSecond >= GOAL_SERVICE_TRACES)})`,
);
if (sink === 0) console.log('');
