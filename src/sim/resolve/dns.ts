/**
 * Cluster DNS as a pod sees it (docs/networking-model.md): the stub resolver's search list and
 * ndots:5, the records CoreDNS's kubernetes plugin serves (ClusterIP, headless, ExternalName, pod,
 * SRV), and names outside the cluster domain forwarded upstream.
 */
import { lookup } from '../model/lookup';
import type { Cluster, Pod, Service } from '../model/types';
import type { DnsQuery } from '../trace/types';
import { fnv1a } from '../model/rng';
import { backendsOf } from '../proxy';
import { weakCache } from '../model/weakCache';

/** The resolver configuration a pod gets with dnsPolicy ClusterFirst. */
export interface ResolvConf {
  nameserver: string;
  search: string[];
  ndots: number;
  /** true when the node's resolver is used (hostNetwork pods with ClusterFirst, host processes) */
  node: boolean;
}

/** Generic top-level domains people meet most; every two-letter label is taken as a country's. */
const GENERIC_TLDS = new Set([
  'com',
  'org',
  'net',
  'io',
  'dev',
  'app',
  'edu',
  'gov',
  'mil',
  'int',
  'info',
  'biz',
  'cloud',
  'tech',
  'ai',
  'xyz',
  'site',
  'online',
  'shop',
  'blog',
  'page',
]);

/** Whether the public DNS delegates this top-level domain (the reserved ones never are). */
function isDelegatedTld(tld: string): boolean {
  return GENERIC_TLDS.has(tld) || /^[a-z]{2}$/.test(tld);
}

/** An address upstream resolvers answer with: 203.0.113.0/24 (TEST-NET-3), derived from the name. */
export function upstreamAddress(name: string): string {
  return `203.0.113.${1 + (fnv1a(name.toLowerCase()) % 254)}`;
}

/** The node's own resolver (kubeadm nodes: the site's DNS server, no cluster domain). */
export const NODE_RESOLVER = '192.168.10.1';

/** /etc/resolv.conf of a client: a pod with ClusterFirst, or the node's for host clients. */
export function resolvConf(cluster: Cluster, pod: Pod | null): ResolvConf {
  const domain = cluster.settings.dnsDomain;
  // hostNetwork pods with ClusterFirst silently fall back to the node's resolver (section 5).
  if (pod === null || pod.hostNetwork) return { nameserver: NODE_RESOLVER, search: [], ndots: 1, node: true };
  const dns = lookup(cluster).serviceByKey.get('kube-system/kube-dns');
  return {
    nameserver: dns?.clusterIP ?? '10.96.0.10',
    search: [`${pod.namespace}.svc.${domain}`, `svc.${domain}`, domain],
    ndots: 5,
    node: false,
  };
}

/** The names the stub resolver tries, in order (glibc: ndots, search list, trailing dot). */
export function candidates(conf: ResolvConf, name: string): string[] {
  if (name.endsWith('.')) return [name];
  const dots = name.split('.').length - 1;
  const searched = conf.search.map((s) => `${name}.${s}.`);
  return dots >= conf.ndots ? [`${name}.`, ...searched] : [...searched, `${name}.`];
}

/**
 * The queries a stub resolver sends when none is answered (the query packets are dropped), in the
 * order it sends them, each timed out. glibc's res_search (resolv/res_query.c) stops walking the
 * search list at the first name that times out (h_errno TRY_AGAIN with no SERVFAIL in the answer
 * counts as "done"). A name with fewer dots than ndots walks the search list first, so it sends
 * the first search name, then still the name as is. A name with enough dots is tried as is first;
 * a timeout there does not end the lookup, the search list follows and its first name ends it. A
 * trailing dot means the name as is and nothing else.
 */
export function timedOutQueries(conf: ResolvConf, name: string): DnsQuery[] {
  const order = candidates(conf, name);
  const asIs = name.endsWith('.') ? name : `${name}.`;
  const first = order[0] as string;
  const tried = name.endsWith('.') ? [asIs] : first === asIs ? order.slice(0, 2) : [first, asIs];
  const types: DnsQuery['type'][] = name.startsWith('_') ? ['SRV'] : ['A', 'AAAA'];
  return tried.flatMap((c) =>
    types.map((type) => ({ name: c.replace(/\.$/, ''), type, answer: [], timedOut: true as const })),
  );
}

/** What a DNS server answers for one name's A query. */
export interface Answer {
  /** A records (addresses), or NXDOMAIN */
  a: string[] | 'NXDOMAIN';
  /** a CNAME on the way (ExternalName) */
  cname?: string;
  /** the Service the name belongs to, if any */
  service?: Service;
  /** the answer came from upstream (outside the cluster domain) */
  upstream: boolean;
}

/** What CoreDNS (or upstream) answers for an absolute name's A query. */
export function answerA(cluster: Cluster, fqdn: string, viaCluster: boolean): Answer {
  const name = fqdn.toLowerCase().replace(/\.$/, '');
  const domain = cluster.settings.dnsDomain;
  const lk = lookup(cluster);
  if (viaCluster && (name === domain || name.endsWith(`.${domain}`))) {
    const labels = name.slice(0, name.length - domain.length - 1).split('.');
    if (labels.length === 3 && labels[2] === 'svc') {
      const svc = lk.serviceByKey.get(`${labels[1] ?? ''}/${labels[0] ?? ''}`);
      if (!svc) return { a: 'NXDOMAIN', upstream: false };
      if (svc.type === 'ExternalName' && svc.externalName) {
        const target = answerA(cluster, svc.externalName, viaCluster);
        return { a: target.a, cname: `${svc.externalName}.`, service: svc, upstream: target.upstream };
      }
      if (svc.clusterIP) return { a: [svc.clusterIP], service: svc, upstream: false };
      const ips = headlessAddresses(cluster, svc);
      return { a: ips.length > 0 ? ips : 'NXDOMAIN', service: svc, upstream: false };
    }
    if (labels.length === 4 && labels[3] === 'svc') {
      // <dashed-ip>.<svc>.<ns>.svc: a headless Service's endpoint (CoreDNS uses the dashed IP).
      const svc = lk.serviceByKey.get(`${labels[2] ?? ''}/${labels[1] ?? ''}`);
      const ip = (labels[0] ?? '').replace(/-/g, '.');
      if (svc && svc.clusterIP === null && headlessAddresses(cluster, svc).includes(ip))
        return { a: [ip], service: svc, upstream: false };
      return { a: 'NXDOMAIN', upstream: false };
    }
    if (labels.length === 3 && labels[2] === 'pod' && /^\d+-\d+-\d+-\d+$/.test(labels[0] ?? '')) {
      // `pods insecure`: answered from the name alone, without checking that such a pod exists.
      return { a: [(labels[0] ?? '').replace(/-/g, '.')], upstream: false };
    }
    return { a: 'NXDOMAIN', upstream: false };
  }
  // Forwarded upstream: it answers only under a delegated top-level domain. A single label, a
  // reserved TLD, or a cluster-looking name (`web.default`, `web.svc`) does not exist out there.
  const last = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  if (!name.includes('.') || !isDelegatedTld(last) || name.endsWith(`.${domain}`))
    return { a: 'NXDOMAIN', upstream: true };
  return { a: [upstreamAddress(name)], upstream: true };
}

/** A headless Service's A records: one per ready endpoint (or every one with publishNotReadyAddresses). */
export function headlessAddresses(cluster: Cluster, svc: Service): string[] {
  const eps = lookup(cluster).endpointsByService.get(`${svc.namespace}/${svc.name}`)?.endpoints ?? [];
  return [...new Set(eps.filter((e) => e.ready).map((e) => e.ip))].sort();
}

/**
 * SRV records for a Service's named ports (`_<port>._<proto>.<svc>.<ns>.svc.<domain>`): one for a
 * ClusterIP Service, one per ready endpoint of a headless one; weight floor(100 / records).
 */
export function srvRecords(cluster: Cluster, svc: Service): { name: string; records: string[] }[] {
  const domain = cluster.settings.dnsDomain;
  const base = `${svc.name}.${svc.namespace}.svc.${domain}`;
  const out: { name: string; records: string[] }[] = [];
  for (const port of svc.ports) {
    if (!port.name) continue;
    const name = `_${port.name}._${port.protocol}.${base}`;
    if (svc.clusterIP) {
      out.push({ name, records: [`0 100 ${port.port} ${base}.`] });
      continue;
    }
    const ready = backendsOf(cluster, svc, port).filter((b) => b.endpoint.ready);
    const weight = ready.length > 0 ? Math.floor(100 / ready.length) : 0;
    out.push({ name, records: ready.map((b) => `0 ${weight} ${b.port} ${b.ip.replace(/\./g, '-')}.${base}.`) });
  }
  return out;
}

/** Everything a stub resolver did for one name: the queries and what the application gets. */
export interface Resolution {
  /** the port an SRV record gave (`_http._tcp.web`), when the name was an SRV name */
  port?: number;
  conf: ResolvConf;
  queries: DnsQuery[];
  /** the addresses the application gets, or null (every candidate NXDOMAIN) */
  addresses: string[] | null;
  /** the name that answered */
  answered: string | null;
  answer: Answer | null;
}

const resolutions = weakCache((_: Cluster) => new Map<string, Resolution>());

/**
 * Resolves a name as the client's stub resolver would: each candidate asked for A and AAAA (the
 * cluster is IPv4-only, so AAAA answers are empty), stopping at the first that exists.
 * Memoised per cluster (the answer depends only on the cluster, the client's namespace and the name).
 */
export function resolveName(cluster: Cluster, pod: Pod | null, name: string): Resolution {
  const conf = resolvConf(cluster, pod);
  const key = `${conf.node ? '' : (pod?.namespace ?? '')}|${name}`;
  const byKey = resolutions(cluster);
  const cached = byKey.get(key);
  if (cached) return cached;
  const queries: DnsQuery[] = [];
  let addresses: string[] | null = null;
  let answered: string | null = null;
  let found: Answer | null = null;
  if (name.startsWith('_')) {
    const result = resolveSrv(cluster, conf, name, queries);
    if (byKey.size > 10_000) byKey.clear();
    byKey.set(key, result);
    return result;
  }
  for (const candidate of candidates(conf, name)) {
    const answer = answerA(cluster, candidate, !conf.node);
    const bare = candidate.replace(/\.$/, '');
    const a: string[] | 'NXDOMAIN' =
      answer.a === 'NXDOMAIN' ? 'NXDOMAIN' : answer.cname ? [`CNAME ${answer.cname}`, ...answer.a] : answer.a;
    queries.push({ name: bare, type: 'A', answer: a });
    queries.push({
      name: bare,
      type: 'AAAA',
      answer: answer.a === 'NXDOMAIN' ? 'NXDOMAIN' : answer.cname ? [`CNAME ${answer.cname}`] : [],
    });
    if (answer.a !== 'NXDOMAIN') {
      addresses = answer.a;
      answered = bare;
      found = answer;
      break;
    }
  }
  const result: Resolution = { conf, queries, addresses, answered, answer: found };
  if (byKey.size > 10_000) byKey.clear();
  byKey.set(key, result);
  return result;
}

/**
 * An SRV name (`_<port>._<proto>.<svc>`): SRV queries over the search list, then the A record of the
 * first record's target; the port comes from the record. Equal priorities and weights (CoreDNS
 * gives every record of a Service the same), so the client's first record is the one used.
 */
function resolveSrv(cluster: Cluster, conf: ResolvConf, name: string, queries: DnsQuery[]): Resolution {
  const domain = cluster.settings.dnsDomain;
  for (const candidate of candidates(conf, name)) {
    const bare = candidate.replace(/\.$/, '').toLowerCase();
    let records: string[] | null = null;
    if (!conf.node && bare.endsWith(`.svc.${domain}`)) {
      const labels = bare.slice(0, bare.length - domain.length - 5).split('.');
      const svc =
        labels.length === 4 ? lookup(cluster).serviceByKey.get(`${labels[3] ?? ''}/${labels[2] ?? ''}`) : undefined;
      const entry = svc ? srvRecords(cluster, svc).find((r) => r.name === bare) : undefined;
      if (entry && entry.records.length > 0) records = entry.records;
    }
    queries.push({ name: bare, type: 'SRV', answer: records ?? 'NXDOMAIN' });
    if (records === null) continue;
    const [, , portText, target] = (records[0] as string).split(' ');
    const a = answerA(cluster, target ?? '', true);
    const host = (target ?? '').replace(/\.$/, '');
    queries.push({ name: host, type: 'A', answer: a.a });
    queries.push({ name: host, type: 'AAAA', answer: a.a === 'NXDOMAIN' ? 'NXDOMAIN' : [] });
    const svcAnswer = answerA(cluster, bare.split('.').slice(2).join('.'), true);
    const answer: Answer = { ...a, ...(svcAnswer.service ? { service: svcAnswer.service } : {}) };
    return {
      port: Number(portText),
      conf,
      queries,
      addresses: a.a === 'NXDOMAIN' ? null : a.a,
      answered: host,
      answer,
    };
  }
  return { conf, queries, addresses: null, answered: null, answer: null };
}
