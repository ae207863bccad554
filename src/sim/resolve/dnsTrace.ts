/**
 * The DNS lookup in front of a connection to a name (docs/networking-model.md): the queries the
 * stub resolver sends, and the path of the query packet itself, which is ordinary ClusterIP traffic
 * to kube-dns (kube-proxy DNAT to a CoreDNS pod and back).
 */
import { containerId, deviceId, INTERNET_ID, nodeId } from '../model/ids';
import { lookup } from '../model/lookup';
import type { Cluster, Pod, Service } from '../model/types';
import type { Rng } from '../model/rng';
import type { Candidate, Hop, Trace } from '../trace/types';
import { PathWriter } from './pathWriter';
import { resolveName, timedOutQueries } from './dns';
import type { Resolution } from './dns';
import { traceService } from './serviceTrace';
import { weakCache } from '../model/weakCache';

/** A name resolved for a trace: the DNS part of the Trace and the address to connect to. */
export interface ResolvedDestination {
  dns: NonNullable<Trace['dns']>;
  /** the address the client connects to, or null when the name did not resolve */
  ip: string | null;
  reason: string;
  /** headless Services: every A record, the one the client took marked chosen */
  candidates: Candidate[];
  service: Service | null;
  upstream: boolean;
  /** the port an SRV record gave */
  port?: number;
}

const EPHEMERAL_MIN = 32768;
const EPHEMERAL_MAX = 60999;

/** The queries of a resolution in one line, once per resolution. */
const summary = weakCache((r: Resolution): string =>
  r.queries
    .filter((q) => q.type !== 'AAAA')
    .map((q) => `${q.name} ${q.type} ${q.answer === 'NXDOMAIN' ? 'NXDOMAIN' : q.answer.join(' ')}`)
    .join('; '),
);

/**
 * Resolves `name` for a client (a pod, or a host process on `nodeName`) and traces the query
 * packet. Headless answers are shuffled by CoreDNS's loadbalance plugin, so the client's first
 * address is a uniform choice (pinned by `pick`).
 */
export function resolveDestination(
  cluster: Cluster,
  pod: Pod | null,
  nodeName: string | null,
  name: string,
  rng: Rng,
  pick: readonly string[],
): ResolvedDestination {
  const r = resolveName(cluster, pod, name);
  const lk = lookup(cluster);
  const hops: Hop[] = [];
  const clientAt = pod ? containerId(pod.namespace, pod.name, pod.containers[0]?.name ?? '') : nodeId(nodeName ?? '');
  const n = r.queries.length;
  const list = summary(r);
  if (r.conf.node) {
    // The node's resolver: the query leaves through eth0 to the site's DNS server.
    const w = new PathWriter({
      src: `${lk.nodeByName.get(nodeName ?? '')?.internalIP ?? ''}:${rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX)}`,
      dst: `${r.conf.nameserver}:53`,
      protocol: 'udp',
      ttl: 64,
    });
    w.hop({
      kind: 'socket',
      at: clientAt,
      node: nodeName,
      rule: `nameserver ${r.conf.nameserver}`,
      text: `The resolver reads the node's /etc/resolv.conf (nameserver ${r.conf.nameserver}, no cluster search list${pod?.hostNetwork ? ': a hostNetwork pod with dnsPolicy ClusterFirst silently falls back to it; it needs ClusterFirstWithHostNet' : ''}) and asks for A and AAAA records.`,
    });
    w.hop({
      kind: 'route',
      at: deviceId(nodeName ?? '', 'eth0'),
      node: nodeName,
      rule: 'default via 192.168.10.1 dev eth0 proto static',
      text: `The query leaves through eth0 towards ${r.conf.nameserver}.`,
    });
    w.hop({
      kind: 'dns',
      at: INTERNET_ID,
      node: null,
      text: `The site's DNS server answers ${n} queries: ${list}. It knows nothing of ${cluster.settings.dnsDomain}; outside names get stand-in addresses from 203.0.113.0/24.`,
    });
    hops.push(...w.hops);
  } else {
    const dnsSvc = lk.serviceByKey.get('kube-system/kube-dns');
    const port = dnsSvc?.ports.find((p) => p.protocol === 'udp' && p.port === 53) ?? null;
    if (dnsSvc && dnsSvc.clusterIP && pod) {
      const result = traceService(
        cluster,
        { ns: { kind: 'pod', pod }, at: clientAt, node: pod.node, label: 'The resolver', ip: pod.ip },
        { svc: dnsSvc, port, entry: 'clusterIP', dstIP: dnsSvc.clusterIP, dstPort: 53, node: null },
        'udp',
        { random: () => rng.next(), ephemeralPort: () => rng.int(EPHEMERAL_MIN, EPHEMERAL_MAX), pick, rrOffset: 0 },
      );
      const first = result.hops[0];
      if (first) {
        hops.push({
          ...first,
          rule: `/etc/resolv.conf: nameserver ${r.conf.nameserver}; search ${r.conf.search.join(' ')}; options ndots:${r.conf.ndots}`,
          text: `The resolver reads /etc/resolv.conf and sends ${n} quer${n === 1 ? 'y' : 'ies'} (ndots:5 and the search list; ${r.port === undefined ? 'A and AAAA for each name it tries' : 'SRV, then A and AAAA for the target'}): UDP to ${r.conf.nameserver}:53, the kube-dns ClusterIP.`,
        });
      }
      hops.push(...result.hops.slice(1));
      if (result.verdict === 'delivered') {
        const last = result.hops[result.hops.length - 1] as Hop;
        const upstream = r.answer?.upstream
          ? ` Names outside ${cluster.settings.dnsDomain} are forwarded upstream (forward . /etc/resolv.conf); the simulation answers them with a stand-in address from 203.0.113.0/24.`
          : '';
        hops.push({
          kind: 'dns',
          at: last.at,
          node: last.node,
          devices: [],
          packet: last.packet,
          rule: 'kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }',
          text: `CoreDNS answers: ${list}.${upstream}`,
        });
        hops.push(...(result.reply?.hops ?? []));
      } else {
        hops.push(...(result.reply?.hops ?? []));
        // A dropped query gets no answer at all: the stub resolver retries until its timeout (5 s,
        // 2 attempts by default) and getaddrinfo fails with EAI_AGAIN, so no connection is attempted.
        const why =
          result.verdict === 'dropped'
            ? ` The resolver retries until it times out and reports a temporary failure in name resolution; the connection is never attempted, so the trace is unresolved rather than dropped.`
            : '';
        return {
          dns: { queries: result.verdict === 'dropped' ? timedOutQueries(r.conf, name) : [], hops },
          ip: null,
          reason: `The DNS query to ${r.conf.nameserver} failed (${result.reason}); ${name} did not resolve.${why}`,
          candidates: [],
          service: null,
          upstream: false,
        };
      }
    }
  }
  const dns = { queries: r.queries, hops };
  if (r.addresses === null) {
    return {
      dns,
      ip: null,
      reason: `${name} does not resolve: every name the resolver tried got NXDOMAIN (${r.queries
        .filter((q) => q.type === 'A')
        .map((q) => q.name)
        .join(', ')}).`,
      candidates: [],
      service: null,
      upstream: false,
    };
  }
  const service = r.answer?.service ?? null;
  const addresses = r.addresses;
  let candidates: Candidate[] = [];
  let ip = addresses[0] as string;
  if (service && service.clusterIP === null && addresses.length > 0) {
    const eps = lk.endpointsByService.get(`${service.namespace}/${service.name}`)?.endpoints ?? [];
    const podOf = (a: string): string => eps.find((e) => e.ip === a)?.pod ?? a;
    let index = addresses.findIndex((a) => pick.includes(podOf(a)));
    if (index < 0) index = Math.min(addresses.length - 1, Math.floor(rng.next() * addresses.length));
    ip = addresses[index] as string;
    const port = service.ports[0];
    candidates = addresses.map((a, i) => {
      const ep = eps.find((e) => e.ip === a);
      const p =
        ep?.ports.find((x) => x.name === (port?.name ?? null))?.port ??
        (typeof port?.targetPort === 'number' ? port.targetPort : (port?.port ?? 0));
      return { pod: podOf(a), ip: a, port: p, probability: 1 / addresses.length, chosen: i === index };
    });
  }
  const resolved: ResolvedDestination = {
    dns,
    ip,
    reason: '',
    candidates,
    service,
    upstream: r.answer?.upstream ?? false,
  };
  if (r.port !== undefined) resolved.port = r.port;
  return resolved;
}
