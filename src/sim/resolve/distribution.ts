/**
 * How a Service spreads connections over its endpoints, exactly (no sampling), and a burst of N
 * traced connections for the UI to animate (docs/networking-model.md).
 */
import { lookup } from '../model/lookup';
import type { Cluster } from '../model/types';
import type { Trace } from '../trace/types';
import { backendsOf, eligible, inClusterCIDR } from '../proxy';
import { lbTargets } from './serviceTrace';
import { trace, traceWithService } from './trace';
import { serviceProxy } from '../registry';
import type { TraceInput, TraceOptions } from './trace';

/** One endpoint and its exact share of new connections. */
export interface EndpointShare {
  pod: string;
  ip: string;
  port: number;
  node: string | null;
  /** the exact probability that one new connection lands here */
  probability: number;
}

/** How a Service spreads one request's connections over its endpoints. */
export interface Distribution {
  /** `ns/name` of the Service, or null when the request does not go through one */
  service: string | null;
  endpoints: EndpointShare[];
  /** one sentence: what decides the spread */
  note: string;
}

/**
 * Each endpoint's exact probability for one new connection of `request`, under the cluster's
 * proxy mode and the Service's policies. IPVS round robin is deterministic per connection: the
 * shares are its long-run ones (1/n each). With sessionAffinity ClientIP the endpoint the client
 * sticks to (the one `options.seed` picks) gets 1. A load balancer in front (external client)
 * first picks a node uniformly among its healthy targets, then that node picks among its eligible
 * endpoints, so with externalTrafficPolicy Local pods on a crowded node get less.
 */
export function endpointDistribution(cluster: Cluster, request: TraceInput, options: TraceOptions = {}): Distribution {
  const { trace: t, via } = traceWithService(cluster, request, options);
  const lk = lookup(cluster);
  if (t.candidates.length === 0 || t.endpoint === null) {
    return {
      service: null,
      endpoints: [],
      note:
        t.verdict === 'delivered'
          ? 'No Service chooses here: the connection goes to one fixed destination.'
          : `No endpoint receives it: ${t.reason}`,
    };
  }
  const nodeOf = (pod: string): string | null => lk.podByKey.get(pod)?.node ?? null;
  const svc = via?.service ?? null;
  const svcKey = svc ? `${svc.namespace}/${svc.name}` : null;
  if (svc && svc.sessionAffinity === 'ClientIP') {
    const e = t.endpoint;
    return {
      service: svcKey,
      endpoints: t.candidates.map((c) => ({
        pod: c.pod,
        ip: c.ip,
        port: c.port,
        node: nodeOf(c.pod),
        probability: c.pod === e.pod ? 1 : 0,
      })),
      note: `sessionAffinity ClientIP: the client sticks to ${e.pod} for ${svc.sessionAffinityTimeout} s after its first connection.`,
    };
  }
  const lbHop = t.hops.findIndex((h) => h.kind === 'load-balancer');
  if (svc && lbHop >= 0) {
    const port = svc.ports.find((p) => p.nodePort !== null && t.endpoint !== null) ?? svc.ports[0];
    if (port) {
      const { nodes } = lbTargets(cluster, svc, port);
      const all = backendsOf(cluster, svc, port);
      const clientIP = request.from.startsWith('external/') ? request.from.slice('external/'.length) : '';
      const policy = svc.externalTrafficPolicy === 'Local' && !inClusterCIDR(cluster, clientIP) ? 'Local' : 'Cluster';
      const shares = new Map<string, EndpointShare>();
      for (const node of nodes) {
        const { list } = eligible(all, policy, node.name);
        for (const b of list) {
          const prev = shares.get(b.pod) ?? { pod: b.pod, ip: b.ip, port: b.port, node: b.node, probability: 0 };
          prev.probability += 1 / nodes.length / list.length;
          shares.set(b.pod, prev);
        }
      }
      return {
        service: svcKey,
        endpoints: [...shares.values()].sort((a, b) => (a.ip < b.ip ? -1 : 1)),
        note: `The load balancer picks one of ${nodes.length} healthy node${nodes.length === 1 ? '' : 's'} uniformly; ${policy === 'Local' ? 'each node then sends only to its own endpoints, so the split per pod follows how pods are spread over nodes' : 'each node then picks uniformly among all endpoints'}.`,
      };
    }
  }
  const ipvs = t.candidates.some((c) => c.probability === null);
  return {
    service: svcKey,
    endpoints: t.candidates.map((c) => ({
      pod: c.pod,
      ip: c.ip,
      port: c.port,
      node: nodeOf(c.pod),
      probability: c.probability ?? 1 / t.candidates.length,
    })),
    note: ipvs
      ? `IPVS round robin on ${via?.node ?? 'the node'}: connection k goes to real server k mod ${t.candidates.length}, so over a burst each gets 1/${t.candidates.length}.`
      : `Each of the ${t.candidates.length} eligible endpoints gets 1/${t.candidates.length}.`,
  };
}

/**
 * Traces `n` connections of one request, as a client making them one after another: seeds
 * `seed`, `seed + 1`, ... (new ephemeral ports, new random draws), IPVS round robin advancing per
 * node, and with sessionAffinity ClientIP every later connection through a node sticking to the
 * endpoint that node chose first (keyed on the source address the node sees, which is the same for
 * every connection of one client).
 */
export function traceBurst(cluster: Cluster, request: TraceInput, n: number, options: TraceOptions = {}): Trace[] {
  const count = Math.max(0, Math.min(10_000, Math.floor(n)));
  const seed = options.seed ?? 1;
  const base = options.pick ?? [];
  const sticky = new Map<string, string>();
  const rr = new Map<string, number>();
  const out: Trace[] = [];
  for (let i = 0; i < count; i++) {
    const { trace: first, via } = traceWithService(cluster, request, {
      ...options,
      seed: seed + i,
      pick: base,
      rrOffset: (options.rrOffset ?? 0) + i,
    });
    const node = via?.node ?? '';
    const affinity = via !== null && via.service.sessionAffinity === 'ClientIP';
    const seen = rr.get(node) ?? 0;
    rr.set(node, seen + 1);
    const stuck = affinity ? sticky.get(node) : undefined;
    let t = first;
    if (stuck !== undefined || (serviceProxy(cluster).scheduler === 'rr' && seen !== i)) {
      // Re-run with the node's state: its sticky endpoint, or its own round-robin position.
      const pick =
        stuck !== undefined
          ? [stuck, ...(node ? [`node/${node}`] : []), ...base]
          : [...(node ? [`node/${node}`] : []), ...base];
      t = trace(cluster, request, { ...options, seed: seed + i, pick, rrOffset: seen });
      delete t.warnings;
      delete t.warningDetails;
      t.request.pick = [...base];
    }
    if (affinity && stuck === undefined && t.endpoint) sticky.set(node, t.endpoint.pod);
    out.push(t);
  }
  return out;
}
