/**
 * Parsing of trace endpoints in the CLI's syntax (`pod/<ns>/<name>[:container]`, `node/<name>`,
 * `external/<ip>`, `pod/...`, an IP or `ip:port`) against a cluster.
 */
import { parseIPv4 } from '../model/ip';
import { lookup } from '../model/lookup';
import type { Cluster, ClusterNode, Container, Pod, Service } from '../model/types';
import { weakCache } from '../model/weakCache';

/** A request that names something the cluster does not have, or is malformed. */
export class TraceRequestError extends Error {
  readonly field: 'from' | 'to' | 'port' | 'protocol' | 'method' | 'header';
  constructor(message: string, field: 'from' | 'to' | 'port' | 'protocol' | 'method' | 'header') {
    super(message);
    this.name = 'TraceRequestError';
    this.field = field;
  }
}

export type Source =
  | { kind: 'pod'; pod: Pod; container: Container }
  | { kind: 'node'; node: ClusterNode }
  | { kind: 'external'; ip: string };

export type Destination =
  | { kind: 'pod'; pod: Pod; port: number | null }
  | { kind: 'loopback'; port: number | null }
  | { kind: 'node'; node: ClusterNode; port: number | null }
  | { kind: 'ip'; ip: string; port: number | null }
  /** `svc/<ns>/<name>` or `svc/<name>` */
  | { kind: 'service'; service: Service; port: number | null }
  /** `nodeport/<node>/<port>`: the NodePort on that node's address */
  | { kind: 'nodeport'; node: ClusterNode; port: number }
  /** a DNS name, resolved as the client's resolver would */
  | { kind: 'name'; name: string; port: number | null }
  /** `http(s)://host[:port]/path`: an HTTP request, through an Ingress when the host is one of its hosts */
  | {
      kind: 'url';
      scheme: 'http' | 'https';
      host: string;
      port: number | null;
      path: string;
      /** the query string as written, without `?`; null when the URL has none */
      query: string | null;
    };

const podRefs = weakCache((_: Cluster) => new Map<string, Pod>());
const MAX_POD_REFS = 10_000;

/** `pod/<ns>/<name>` or `pod/<name>` (default namespace); found pods are remembered per cluster. */
function findPod(cluster: Cluster, text: string, field: 'from' | 'to'): Pod {
  const refs = podRefs(cluster);
  const known = refs.get(text);
  if (known) return known;
  const rest = text.slice('pod/'.length);
  const parts = rest.split('/');
  const [ns, name] = parts.length === 1 ? ['default', parts[0]] : [parts[0], parts.slice(1).join('/')];
  const pod = lookup(cluster).podByKey.get(`${ns}/${name}`);
  if (!pod) throw new TraceRequestError(`${field}: no pod ${ns}/${name} in this cluster`, field);
  if (refs.size >= MAX_POD_REFS) refs.clear();
  refs.set(text, pod);
  return pod;
}

export function parseSource(cluster: Cluster, text: string): Source {
  if (text.startsWith('pod/')) {
    const colon = text.indexOf(':');
    const podText = colon < 0 ? text : text.slice(0, colon);
    const containerName = colon < 0 ? null : text.slice(colon + 1);
    const pod = findPod(cluster, podText, 'from');
    const container = containerName === null ? pod.containers[0] : pod.containers.find((c) => c.name === containerName);
    if (!container) {
      throw new TraceRequestError(
        `from: pod ${pod.namespace}/${pod.name} has no container "${containerName ?? ''}" (it has ${pod.containers.map((c) => c.name).join(', ')})`,
        'from',
      );
    }
    return { kind: 'pod', pod, container };
  }
  if (text.startsWith('node/')) {
    const node = lookup(cluster).nodeByName.get(text.slice('node/'.length));
    if (!node) throw new TraceRequestError(`from: no node ${text.slice('node/'.length)} in this cluster`, 'from');
    return { kind: 'node', node };
  }
  if (text.startsWith('external/')) {
    const ip = text.slice('external/'.length);
    if (parseIPv4(ip) === null) throw new TraceRequestError(`from: "${ip}" is not an IPv4 address`, 'from');
    return { kind: 'external', ip };
  }
  throw new TraceRequestError(
    `from: "${text}" is not a source; use pod/<ns>/<name>[:container], node/<name> or external/<ip>`,
    'from',
  );
}

/**
 * `http(s)://host[:port][/path]`, by hand rather than with the URL class (src/sim has no DOM or
 * Node APIs, and URL would normalise away what the user typed). The query string is kept as
 * written (Gateway API matches on its parameters; Ingress ignores it); the fragment never leaves
 * the client and is dropped.
 */
function parseUrl(text: string): Destination {
  const m = /^(https?):\/\/([^/:?#\s]+)(?::(\d{1,5}))?([^?#\s]*)(?:\?([^#\s]*))?(?:#\S*)?$/i.exec(text);
  if (!m)
    throw new TraceRequestError(`to: "${text}" is not an http:// or https:// URL (http(s)://host[:port]/path)`, 'to');
  const port = m[3] === undefined ? null : Number(m[3]);
  if (port !== null && (port < 1 || port > 65535))
    throw new TraceRequestError(`to: ${port} is not a port number (1-65535)`, 'to');
  const path = m[4] === undefined || m[4] === '' ? '/' : m[4];
  return {
    kind: 'url',
    scheme: (m[1] ?? 'http').toLowerCase() as 'http' | 'https',
    host: (m[2] ?? '').toLowerCase(),
    port,
    path,
    query: m[5] === undefined || m[5] === '' ? null : m[5],
  };
}

/**
 * Parses a destination: a pod, a node, a Service, a NodePort, a DNS name, an IP, `ip:port`, or an
 * http(s) URL.
 */
export function parseDestination(cluster: Cluster, text: string, port: number | undefined): Destination {
  const explicitPort = port ?? null;
  if (text.startsWith('pod/')) return { kind: 'pod', pod: findPod(cluster, text, 'to'), port: explicitPort };
  if (text.startsWith('node/')) {
    const node = lookup(cluster).nodeByName.get(text.slice('node/'.length));
    if (!node) throw new TraceRequestError(`to: no node ${text.slice('node/'.length)} in this cluster`, 'to');
    return { kind: 'node', node, port: explicitPort };
  }
  if (text.startsWith('svc/')) {
    const parts = text.slice('svc/'.length).split('/');
    const [ns, name] = parts.length === 1 ? ['default', parts[0] ?? ''] : [parts[0] ?? '', parts.slice(1).join('/')];
    const service = lookup(cluster).serviceByKey.get(`${ns}/${name}`);
    if (!service) throw new TraceRequestError(`to: no Service ${ns}/${name} in this cluster`, 'to');
    return { kind: 'service', service, port: explicitPort };
  }
  if (text.startsWith('nodeport/')) {
    const parts = text.split('/');
    const node = lookup(cluster).nodeByName.get(parts[1] ?? '');
    if (!node) throw new TraceRequestError(`to: no node ${parts[1] ?? ''} in this cluster`, 'to');
    const port = Number(parts[2]);
    if (parts.length !== 3 || !Number.isInteger(port) || port < 1 || port > 65535)
      throw new TraceRequestError(`to: "${text}" is not nodeport/<node>/<port>`, 'to');
    return { kind: 'nodeport', node, port };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return parseUrl(text);
  const colon = text.lastIndexOf(':');
  let host = text;
  let dialPort = explicitPort;
  if (colon > 0 && /^\d+$/.test(text.slice(colon + 1))) {
    host = text.slice(0, colon);
    dialPort = Number(text.slice(colon + 1));
    if (dialPort < 1 || dialPort > 65535)
      throw new TraceRequestError(`to: ${dialPort} is not a port number (1-65535)`, 'to');
  }
  if (host === 'localhost' || host === '127.0.0.1') return { kind: 'loopback', port: dialPort };
  if (parseIPv4(host) !== null) return { kind: 'ip', ip: host, port: dialPort };
  if (host.length <= 253 && /^[a-z0-9_]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9])?)*\.?$/i.test(host))
    return { kind: 'name', name: host, port: dialPort };
  throw new TraceRequestError(
    `to: "${text}" is not a destination; use pod/<ns>/<name>, svc/<ns>/<name>, node/<name>, nodeport/<node>/<port>, a DNS name, an IP or ip:port`,
    'to',
  );
}
