/**
 * The regression corpus: every answer the simulation gives that a refactor must keep. The same list
 * of cases feeds the test (`corpus.test.ts`, which recomputes them and compares) and the script that
 * writes the stored file (`npm run corpus:update`), so the two can never drift apart.
 *
 * What it holds:
 * - the trace of every built-in scenario under each CNI variant and each Service proxy that can run
 *   with it (Cilium's kube-proxy replacement only with Cilium as the CNI);
 * - what the inspector shows beside a trace for the same clusters: each node's devices and routing
 *   table, and each Service's proxy rules on each node;
 * - 200 requests drawn with seed 1 on the app's `?generate=10x10` cluster (pod to pod, to a
 *   ClusterIP, by DNS name, to the Internet, from outside to a NodePort or load balancer, ...),
 *   each request written into its record.
 */
import { buildCluster } from '../model/build';
import type { ClusterSpec, NodeSpec } from '../model/build';
import { lookup } from '../model/lookup';
import { createRng } from '../model/rng';
import type { Rng } from '../model/rng';
import type { CniConfig, Cluster, ClusterSettings, Pod, ProxyMode, Service } from '../model/types';
import { SCENARIOS } from '../scenarios/catalog';
import { generatedSource } from '../generate/generateCluster';
import { loadManifests } from '../import/index';
import { trace } from '../resolve/trace';
import type { TraceInput, TraceOptions } from '../resolve/trace';
import type { Trace } from '../trace/types';
import { proxyRules } from '../proxy';
import { routingTable } from '../query/routingTable';

/** One line of the corpus: what was asked and what the simulation answered. */
export interface CorpusRecord {
  id: string;
  kind: 'trace' | 'rules' | 'routes' | 'devices';
  input: unknown;
  output: unknown;
}

export interface CorpusCase {
  id: string;
  run(): CorpusRecord;
}

/** The CNI variants the simulation models, each as its configuration would set it. */
export const CNI_VARIANTS: readonly { id: string; cni: CniConfig }[] = [
  { id: 'flannel-vxlan', cni: { kind: 'flannel', backend: 'vxlan', ipMasq: true } },
  { id: 'flannel-host-gw', cni: { kind: 'flannel', backend: 'host-gw', ipMasq: true } },
  {
    id: 'calico-ipip',
    cni: { kind: 'calico', ipipMode: 'Always', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
  },
  {
    id: 'calico-vxlan',
    cni: { kind: 'calico', ipipMode: 'Never', vxlanMode: 'Always', natOutgoing: true, blockSize: 26 },
  },
  {
    id: 'calico-ipip-crosssubnet',
    cni: { kind: 'calico', ipipMode: 'CrossSubnet', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
  },
  {
    id: 'calico-vxlan-crosssubnet',
    cni: { kind: 'calico', ipipMode: 'Never', vxlanMode: 'CrossSubnet', natOutgoing: true, blockSize: 26 },
  },
  {
    id: 'calico-bgp',
    cni: { kind: 'calico', ipipMode: 'Never', vxlanMode: 'Never', natOutgoing: true, blockSize: 26 },
  },
  {
    id: 'cilium-vxlan',
    cni: { kind: 'cilium', routingMode: 'tunnel', tunnelProtocol: 'vxlan', kubeProxyReplacement: false },
  },
  {
    id: 'cilium-geneve',
    cni: { kind: 'cilium', routingMode: 'tunnel', tunnelProtocol: 'geneve', kubeProxyReplacement: false },
  },
  {
    id: 'cilium-native',
    cni: { kind: 'cilium', routingMode: 'native', tunnelProtocol: 'vxlan', kubeProxyReplacement: false },
  },
  { id: 'kindnet', cni: { kind: 'kindnet' } },
  { id: 'aws-vpc', cni: { kind: 'aws-vpc', externalSnat: false, excludeSnatCidrs: [] } },
];

/** A CNI and a Service proxy that can run together, as cluster settings. */
export interface Variant {
  id: string;
  settings: Partial<ClusterSettings>;
}

/** Every CNI with each kube-proxy mode, and Cilium also with its kube-proxy replacement. */
export function variants(): Variant[] {
  const out: Variant[] = [];
  const modes: ProxyMode[] = ['iptables', 'nftables', 'ipvs'];
  for (const { id, cni } of CNI_VARIANTS) {
    // Calico, Cilium and kindnet enforce NetworkPolicy; flannel alone does not, nor the AWS VPC CNI
    // with its network policy agent off, as EKS ships it (the CNI switch does the same).
    const policyEnforced = cni.kind !== 'flannel' && cni.kind !== 'aws-vpc';
    for (const proxyMode of modes) out.push({ id: `${id}/${proxyMode}`, settings: { cni, proxyMode, policyEnforced } });
    if (cni.kind === 'cilium') {
      const kpr = { ...cni, kubeProxyReplacement: true };
      out.push({ id: `${id}/cilium`, settings: { cni: kpr, proxyMode: 'cilium', policyEnforced } });
      if (cni.routingMode === 'native')
        out.push({
          id: `${id}-bpf-masquerade/cilium`,
          settings: { cni: { ...kpr, bpfMasquerade: true }, proxyMode: 'cilium', policyEnforced },
        });
    }
  }
  return out;
}

/** The built-in nodes with node-b moved to another subnet, where CrossSubnet modes encapsulate. */
const TWO_SUBNET_NODES: NodeSpec[] = [
  { name: 'cp', role: 'control-plane', internalIP: '192.168.10.10' },
  { name: 'node-a', role: 'worker', internalIP: '192.168.10.11' },
  { name: 'node-b', role: 'worker', internalIP: '192.168.20.12' },
];

/**
 * Builds each (spec, variant) once: scenarios share specs, and records share clusters. One cache
 * per `corpusCases()` call, so nothing outlives the run that needs it.
 */
function clusterCache() {
  const built = new Map<ClusterSpec, Map<string, Cluster | Error>>();
  const own = new Map<ClusterSpec, Cluster>();
  const moved = new Map<ClusterSpec, ClusterSpec>();
  /** A scenario's cluster as written, where its request's addresses come from. */
  const ownCluster = (spec: ClusterSpec): Cluster => {
    let out = own.get(spec);
    if (!out) own.set(spec, (out = buildCluster(spec)));
    return out;
  };
  /** The spec on two subnets, one object per spec so that its clusters are cached too. */
  const twoSubnets = (spec: ClusterSpec): ClusterSpec => {
    let out = moved.get(spec);
    if (!out) moved.set(spec, (out = { ...spec, nodes: TWO_SUBNET_NODES }));
    return out;
  };
  const variantCluster = (spec: ClusterSpec, variant: Variant): Cluster | Error => {
    let bySpec = built.get(spec);
    if (!bySpec) built.set(spec, (bySpec = new Map()));
    let cluster = bySpec.get(variant.id);
    if (!cluster) {
      try {
        cluster = buildCluster({ ...spec, settings: { ...spec.settings, ...variant.settings } });
      } catch (error) {
        cluster = error instanceof Error ? error : new Error(String(error));
      }
      bySpec.set(variant.id, cluster);
    }
    return cluster;
  };
  return { variantCluster, ownCluster, twoSubnets };
}
type Clusters = ReturnType<typeof clusterCache>;

/** A thrown error as data, so that a request the simulation refuses is part of the corpus too. */
function failure(error: unknown): { error: { name: string; message: string } } {
  return error instanceof Error
    ? { error: { name: error.name, message: error.message } }
    : { error: { name: 'unknown', message: String(error) } };
}

function traceRecord(id: string, cluster: Cluster | Error, input: TraceInput, options: TraceOptions): CorpusRecord {
  let output: unknown;
  if (cluster instanceof Error) output = failure(cluster);
  else {
    try {
      output = trace(cluster, input, options);
    } catch (error) {
      output = failure(error);
    }
  }
  return { id, kind: 'trace', input: { request: input, options }, output };
}

/**
 * A scenario's request aimed at a pod's or a node's address, re-aimed at the same pod or node in the
 * variant (Calico allocates from blocks, so the built-in 10.244.2.2 is another pod or none at all
 * there; the two-subnet nodes have other addresses).
 */
function readdress(scenarioCluster: Cluster, variant: Cluster | Error, to: string): string {
  if (variant instanceof Error) return to;
  const match = /^(\d+\.\d+\.\d+\.\d+)(:\d+)?$/.exec(to);
  if (!match) return to;
  const node = lookup(scenarioCluster).nodeByIP.get(match[1] as string);
  const moved = node && lookup(variant).nodeByName.get(node.name);
  if (moved) return `${moved.internalIP}${match[2] ?? ''}`;
  const pod = lookup(scenarioCluster).podByIP.get(match[1] as string);
  if (!pod) return to;
  const same = lookup(variant).podByKey.get(`${pod.namespace}/${pod.name}`);
  return same && !same.hostNetwork ? `${same.ip}${match[2] ?? ''}` : to;
}

/** One built-in scenario's request under one variant: the cluster and the request as traced. */
interface ScenarioRun {
  id: string;
  setup(): { cluster: Cluster | Error; input: TraceInput; options: TraceOptions };
}

function scenarioRuns({ variantCluster, ownCluster, twoSubnets }: Clusters): ScenarioRun[] {
  const out: ScenarioRun[] = [];
  const all = variants();
  for (const scenario of SCENARIOS) {
    const specs: { tag: string; spec: ClusterSpec; variants: Variant[] }[] = [
      { tag: '', spec: scenario.spec, variants: all },
    ];
    // CrossSubnet only differs from its Always / Never neighbours when nodes sit in two subnets.
    if (scenario.group !== 'Container to container')
      specs.push({
        tag: '+two-subnets',
        spec: twoSubnets(scenario.spec),
        variants: all.filter((v) => v.id.startsWith('calico-')),
      });
    for (const { tag, spec, variants: list } of specs) {
      for (const variant of list) {
        out.push({
          id: `scenario/${scenario.id}${tag}/${variant.id}`,
          setup() {
            const cluster = variantCluster(spec, variant);
            const own = ownCluster(scenario.spec);
            const request = scenario.request;
            const input: TraceInput = { from: request.from, to: readdress(own, cluster, request.to) };
            if (request.port !== undefined) input.port = request.port;
            if (request.protocol !== undefined) input.protocol = request.protocol;
            if (request.method !== undefined) input.method = request.method;
            if (request.headers !== undefined) input.headers = request.headers;
            const options: TraceOptions = { seed: scenario.seed ?? 1, pick: scenario.pick ?? [] };
            return { cluster, input, options };
          },
        });
      }
    }
  }
  return out;
}

function scenarioCases(clusters: Clusters): CorpusCase[] {
  return scenarioRuns(clusters).map(({ id, setup }) => ({
    id,
    run() {
      const { cluster, input, options } = setup();
      return traceRecord(id, cluster, input, options);
    },
  }));
}

/**
 * Every built-in scenario under every variant with the cluster it ran on, for tests that check a
 * property of every trace (the corpus stores only the trace).
 */
export function scenarioTraces(): { id: string; cluster: Cluster; trace: Trace }[] {
  const out: { id: string; cluster: Cluster; trace: Trace }[] = [];
  for (const { id, setup } of scenarioRuns(clusterCache())) {
    const { cluster, input, options } = setup();
    if (cluster instanceof Error) continue;
    out.push({ id, cluster, trace: trace(cluster, input, options) });
  }
  return out;
}

/** The clusters the scenarios run on (several scenarios share one), under every variant. */
function inspectorCases({ variantCluster: clusterFor }: Clusters): CorpusCase[] {
  const specs = new Map<ClusterSpec, string>();
  for (const scenario of SCENARIOS) if (!specs.has(scenario.spec)) specs.set(scenario.spec, scenario.id);
  const out: CorpusCase[] = [];
  for (const [spec, name] of specs) {
    for (const variant of variants()) {
      const base = `cluster/${name}/${variant.id}`;
      out.push({
        id: `${base}/devices`,
        run() {
          const cluster = clusterFor(spec, variant);
          const output =
            cluster instanceof Error
              ? failure(cluster)
              : {
                  nodes: cluster.nodes.map((n) => ({ node: n.name, devices: n.devices })),
                  pods: cluster.pods.map((p: Pod) => ({
                    pod: `${p.namespace}/${p.name}`,
                    node: p.node,
                    ip: p.ip,
                    mac: p.mac,
                    veth: p.veth,
                    mtu: p.mtu,
                  })),
                };
          return { id: `${base}/devices`, kind: 'devices', input: { cluster: name, variant: variant.id }, output };
        },
      });
      out.push({
        id: `${base}/routes`,
        run() {
          const cluster = clusterFor(spec, variant);
          const output =
            cluster instanceof Error
              ? failure(cluster)
              : cluster.nodes.map((n) => ({ node: n.name, routes: routingTable(cluster, n) }));
          return { id: `${base}/routes`, kind: 'routes', input: { cluster: name, variant: variant.id }, output };
        },
      });
      out.push({
        id: `${base}/rules`,
        run() {
          const cluster = clusterFor(spec, variant);
          const output =
            cluster instanceof Error
              ? failure(cluster)
              : cluster.services.flatMap((s) =>
                  cluster.nodes.map((n) => ({
                    service: `${s.namespace}/${s.name}`,
                    node: n.name,
                    rules: proxyRules(cluster, n, s),
                  })),
                );
          return { id: `${base}/rules`, kind: 'rules', input: { cluster: name, variant: variant.id }, output };
        },
      });
    }
  }
  return out;
}

/** The size of the app's `?generate=10x10` cluster and the seed the app builds it with. */
export const GENERATED = { nodes: 10, podsPerNode: 10, seed: 1, requests: 200 } as const;

const INTERNET = ['93.184.216.34', '1.1.1.1', '203.0.113.50'];

/** Picks one element of a non-empty list. */
function oneOf<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(0, list.length - 1)] as T;
}

/**
 * The generated cluster's requests, drawn with seed 1: the kinds a user sends, each with the
 * source, destination and port a user would pick, and a seed of its own so that kube-proxy's
 * random choice differs between requests.
 */
export function generatedRequests(cluster: Cluster): { input: TraceInput; options: TraceOptions }[] {
  const rng = createRng(GENERATED.seed);
  const pods = cluster.pods.filter((p) => !p.hostNetwork && p.namespace !== 'kube-system');
  const withPorts = pods.filter((p) => p.containers.some((c) => c.ports.length > 0));
  const services = cluster.services.filter((s) => s.clusterIP !== null && s.ports.length > 0);
  const nodePorts = services.filter((s) => s.ports.some((p) => p.nodePort !== null));
  const balanced = services.filter((s) => s.loadBalancerIP !== null);
  const endpoints = lookup(cluster).endpointsByService;
  const ref = (p: Pod) => `pod/${p.namespace}/${p.name}`;
  const portOf = (p: Pod) => p.containers.flatMap((c) => c.ports)[0]?.containerPort ?? 80;
  const out: { input: TraceInput; options: TraceOptions }[] = [];
  for (let i = 0; i < GENERATED.requests; i++) {
    const from = oneOf(rng, pods);
    const options: TraceOptions = { seed: i + 1 };
    const kind = rng.int(0, 9);
    let input: TraceInput;
    let pinned: Service | null = null;
    switch (kind) {
      case 0: {
        const to = oneOf(rng, withPorts);
        input = { from: ref(from), to: ref(to), port: portOf(to) };
        break;
      }
      case 1: {
        const to = oneOf(rng, withPorts);
        input = { from: ref(from), to: `${to.ip}:${portOf(to)}` };
        break;
      }
      case 2: {
        const svc = oneOf(rng, services);
        input = { from: ref(from), to: `${svc.clusterIP ?? ''}:${oneOf(rng, svc.ports).port}` };
        pinned = svc;
        break;
      }
      case 3: {
        const svc = oneOf(rng, services);
        const name = svc.namespace === from.namespace ? svc.name : `${svc.name}.${svc.namespace}`;
        input = { from: ref(from), to: name, port: oneOf(rng, svc.ports).port };
        pinned = svc;
        break;
      }
      case 4:
        input = { from: ref(from), to: oneOf(rng, INTERNET), port: 443 };
        break;
      case 5: {
        const svc = oneOf(rng, nodePorts.length > 0 ? nodePorts : services);
        const port = svc.ports.find((p) => p.nodePort !== null) ?? svc.ports[0];
        const node = oneOf(rng, cluster.nodes);
        input = { from: `external/${oneOf(rng, INTERNET)}`, to: `${node.internalIP}:${port?.nodePort ?? 30000}` };
        break;
      }
      case 6: {
        const svc = oneOf(rng, balanced.length > 0 ? balanced : services);
        const ip = svc.loadBalancerIP ?? svc.clusterIP ?? '';
        input = { from: `external/${oneOf(rng, INTERNET)}`, to: `${ip}:${oneOf(rng, svc.ports).port}` };
        break;
      }
      case 7: {
        const to = oneOf(rng, withPorts);
        input = { from: `node/${oneOf(rng, cluster.nodes).name}`, to: ref(to), port: portOf(to) };
        break;
      }
      case 8: {
        // ICMP echo: no port, answered by the pod's kernel
        input = { from: ref(from), to: oneOf(rng, pods).ip, protocol: 'icmp' };
        break;
      }
      default: {
        // a port nothing listens on: refused by the pod's kernel
        const to = oneOf(rng, withPorts);
        input = { from: ref(from), to: ref(to), port: 1 + rng.int(1, 1000) };
        break;
      }
    }
    // a third of the Service requests pin their endpoint, as a scenario's `pick` does
    if (pinned && rng.next() < 1 / 3) {
      const backends = endpoints.get(`${pinned.namespace}/${pinned.name}`)?.endpoints ?? [];
      const pods = backends.flatMap((e) => (e.pod === null ? [] : [e.pod]));
      if (pods.length > 0) options.pick = [oneOf(rng, pods)];
    }
    out.push({ input, options });
  }
  return out;
}

function generatedCases(): CorpusCase[] {
  let cluster: Cluster | null = null;
  let requests: ReturnType<typeof generatedRequests> | null = null;
  const load = () => {
    if (!cluster) {
      const result = loadManifests([generatedSource(GENERATED.nodes, GENERATED.podsPerNode, GENERATED.seed)]);
      if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
      cluster = result.cluster;
      requests = generatedRequests(cluster);
    }
    return { cluster, requests: requests as ReturnType<typeof generatedRequests> };
  };
  const out: CorpusCase[] = [];
  for (let i = 0; i < GENERATED.requests; i++) {
    const id = `generate=${GENERATED.nodes}x${GENERATED.podsPerNode}/${String(i).padStart(3, '0')}`;
    out.push({
      id,
      run() {
        const { cluster, requests } = load();
        const { input, options } = requests[i] as (typeof requests)[number];
        return traceRecord(id, cluster, input, options);
      },
    });
  }
  return out;
}

/**
 * Picks that pin nothing, or pin the first leg of an Ingress: each warning a trace can carry, and
 * the Ingress trace dropping the warning of a pick its controller took. `nginx` stands for the
 * ingress-nginx controller pod, looked up in the scenario's cluster.
 */
const PICK_CASES: readonly { scenario: string; pick: readonly string[] }[] = [
  { scenario: 'pod-to-service', pick: ['default/no-such-pod'] },
  { scenario: 'pod-to-service', pick: ['default/client'] },
  { scenario: 'pod-to-service-dns', pick: ['kube-system/no-such-pod'] },
  { scenario: 'nodeport-cluster', pick: ['default/no-such-pod'] },
  { scenario: 'loadbalancer', pick: ['node/no-such-node'] },
  { scenario: 'loadbalancer', pick: ['node/node-a'] },
  { scenario: 'ingress', pick: ['nginx'] },
  { scenario: 'ingress', pick: ['default/no-such-pod'] },
  { scenario: 'pod-to-pod-cross-node', pick: ['default/no-such-pod'] },
];

function pickCases({ ownCluster }: Clusters): CorpusCase[] {
  return PICK_CASES.map(({ scenario: id, pick }, i) => {
    const caseId = `pick/${id}/${i}`;
    return {
      id: caseId,
      run() {
        const scenario = SCENARIOS.find((s) => s.id === id);
        if (!scenario) throw new Error(`no scenario ${id}`);
        const cluster = ownCluster(scenario.spec);
        const nginx = cluster.pods.find((p) => p.labels['app.kubernetes.io/component'] === 'controller');
        const pins = pick.map((p) => (p === 'nginx' ? `${nginx?.namespace ?? ''}/${nginx?.name ?? ''}` : p));
        return traceRecord(caseId, cluster, { ...scenario.request }, { seed: scenario.seed ?? 1, pick: pins });
      },
    };
  });
}

/** Every case of the corpus, in the order of the stored file. */
export function corpusCases(): CorpusCase[] {
  const clusters = clusterCache();
  return [...scenarioCases(clusters), ...inspectorCases(clusters), ...generatedCases(), ...pickCases(clusters)];
}
