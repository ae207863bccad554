/**
 * What ingress-nginx does with an HTTP request (docs/networking-model.md): the server chosen by
 * Host (exact, then single-label wildcard, then the catch-all `_`), the location chosen by path as
 * ingress-nginx renders each pathType into NGINX locations, the backend and its endpoints (pod IPs,
 * not the ClusterIP, unless service-upstream), the 308 redirect to https for TLS hosts, and the
 * headers the upstream receives. Also: adding the ingress-nginx controller objects to a cluster
 * description that has Ingresses but no controller.
 */
import { lookup } from '../model/lookup';
import { nginxIngresses } from '../model/ingressModel';
import type { IngressBackend, IngressModel, PathType } from '../model/ingressModel';
import { createRng } from '../model/rng';
import type { Cluster, Pod, Service, ServicePort } from '../model/types';

export interface IngressRequest {
  /** the Host header (a port after a colon is ignored for matching) */
  host: string;
  /** the request path, without the query string */
  path: string;
  scheme: 'http' | 'https';
}

/** The NGINX location a path becomes: `= /foo` (exact) or `/foo/` (prefix). */
export interface NginxLocation {
  modifier: '=' | '';
  path: string;
}

export interface IngressEndpoint {
  /** `ns/name` of the pod */
  pod: string | null;
  ip: string;
  port: number;
}

export interface IngressMatch {
  /** `ns/name` of the Ingress whose rule or defaultBackend answered; null for the controller's default backend */
  ingress: string | null;
  /** the NGINX server name that took the request: a host, `*.foo.com`, or `_` (catch-all) */
  server: string;
  /** the rule's path that matched, or null when a default backend answered */
  rule: { host: string | null; path: string; pathType: PathType } | null;
  /** the NGINX location that matched, as nginx.conf spells it */
  location: string;
  /** where the request was sent: a rule's backend, the Ingress's defaultBackend, the controller's default backend */
  source: 'rule' | 'ingress-default-backend' | 'default-backend';
  /** the backend Service and port, when the answer comes from a Service */
  backend: { namespace: string; service: string; port: number | string; servicePort: ServicePort | null } | null;
  /**
   * 200 when a backend answers, 404 from the controller's default backend, 503 when the backend has
   * no ready endpoint (or does not exist), 308 when an http request to a TLS host is redirected,
   * 502 when NGINX connects to a ClusterIP (service-upstream) that kube-proxy refuses
   */
  status: 200 | 308 | 404 | 502 | 503;
  /** the Location header of a 308 */
  redirect: string | null;
  /**
   * Where NGINX connects: the ready endpoints (pod IP and target port), or the Service's ClusterIP
   * and port with `service-upstream: "true"`; null when nothing is contacted
   */
  upstream: { kind: 'endpoints'; endpoints: IngressEndpoint[] } | { kind: 'service'; ip: string; port: number } | null;
  /** whether the controller terminates TLS for this host (a tls section covers it) */
  tls: boolean;
  /** one sentence */
  text: string;
}

const SERVICE_UPSTREAM = 'nginx.ingress.kubernetes.io/service-upstream';
const SSL_REDIRECT = 'nginx.ingress.kubernetes.io/ssl-redirect';
const FORCE_SSL_REDIRECT = 'nginx.ingress.kubernetes.io/force-ssl-redirect';

/**
 * The NGINX locations ingress-nginx renders for one path (internal/ingress/controller/location.go):
 * Exact `/foo` -> `location = /foo`; Prefix `/foo` -> `location /foo/` plus `location = /foo`
 * (so `/foobar` does not match), Prefix `/` -> `location /`; ImplementationSpecific `/foo` ->
 * `location /foo`, a plain string prefix.
 */
export function nginxLocations(path: string, pathType: PathType): NginxLocation[] {
  if (pathType === 'Exact') return [{ modifier: '=', path }];
  if (pathType === 'ImplementationSpecific') return [{ modifier: '', path }];
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return [{ modifier: '', path: '/' }];
  return [
    { modifier: '=', path: trimmed },
    { modifier: '', path: `${trimmed}/` },
  ];
}

/**
 * Whether a path of a given type matches a request path, as the Kubernetes Ingress documentation's
 * table defines it (and ingress-nginx implements it).
 */
export function pathMatches(pathType: PathType, path: string, requestPath: string): boolean {
  return nginxLocations(path, pathType).some((l) => locationMatches(l, requestPath));
}

function locationMatches(l: NginxLocation, requestPath: string): boolean {
  return l.modifier === '=' ? requestPath === l.path : requestPath.startsWith(l.path);
}

/**
 * Host matching of an Ingress rule: exact (case-insensitive), or a wildcard `*.foo.com` that
 * matches exactly one more DNS label (`bar.foo.com`, not `baz.bar.foo.com`, not `foo.com`).
 */
export function hostMatches(ruleHost: string, host: string): boolean {
  const h = host.toLowerCase();
  const r = ruleHost.toLowerCase();
  if (!r.startsWith('*.')) return r === h;
  const suffix = r.slice(1);
  if (!h.endsWith(suffix)) return false;
  const label = h.slice(0, h.length - suffix.length);
  // ingress-nginx renders the wildcard as ~^(?<subdomain>[\w-]+)\.foo\.com$
  return /^[\w-]+$/.test(label);
}

interface Location {
  loc: NginxLocation;
  /** null for the catch-all's implicit root without any Ingress behind it */
  ingress: IngressModel | null;
  path: { path: string; pathType: PathType } | null;
  backend: IngressBackend | null;
  source: IngressMatch['source'];
  /** Exact paths render first so that they win over a Prefix's `= /foo` for the same path */
  rank: number;
}

interface Server {
  name: string;
  locations: Location[];
  /** the implicit `/` location: the first Ingress's defaultBackend, else the controller's default backend */
  root: { ingress: IngressModel | null; backend: IngressBackend | null };
  ingresses: IngressModel[];
}

const DEFAULT_SERVER = '_';

/** The servers ingress-nginx builds from its Ingresses (controller.go createServers), keyed by name. */
function servers(cluster: Cluster): Map<string, Server> {
  const list = nginxIngresses(cluster);
  const out = new Map<string, Server>();
  const catchAll: Server = {
    name: DEFAULT_SERVER,
    locations: [],
    root: { ingress: null, backend: null },
    ingresses: [],
  };
  out.set(DEFAULT_SERVER, catchAll);
  // An Ingress with only a defaultBackend (no rules) becomes the catch-all's backend; the first wins.
  for (const ing of list) {
    if (ing.rules.length === 0 && ing.defaultBackend !== null && catchAll.root.backend === null) {
      catchAll.root = { ingress: ing, backend: ing.defaultBackend };
      catchAll.ingresses.push(ing);
    }
  }
  for (const ing of list) {
    for (const rule of ing.rules) {
      const name = rule.host ?? DEFAULT_SERVER;
      let server = out.get(name);
      if (!server) {
        server = {
          name,
          locations: [],
          root: { ingress: ing.defaultBackend ? ing : null, backend: ing.defaultBackend },
          ingresses: [],
        };
        out.set(name, server);
      }
      if (!server.ingresses.includes(ing)) server.ingresses.push(ing);
      for (const p of rule.paths) {
        for (const loc of nginxLocations(p.path, p.pathType)) {
          server.locations.push({
            loc,
            ingress: ing,
            path: { path: p.path, pathType: p.pathType },
            backend: p.backend,
            source: 'rule',
            rank: p.pathType === 'Exact' ? 0 : 1,
          });
        }
      }
    }
  }
  return out;
}

/** NGINX's choice of location: an exact match first, else the longest matching prefix; first defined wins a tie. */
function chooseLocation(server: Server, path: string): Location {
  let exact: Location | null = null;
  let prefix: Location | null = null;
  for (const l of server.locations) {
    if (!locationMatches(l.loc, path)) continue;
    if (l.loc.modifier === '=') {
      if (exact === null || l.rank < exact.rank) exact = l;
    } else if (prefix === null || l.loc.path.length > prefix.loc.path.length) {
      prefix = l;
    }
  }
  if (exact) return exact;
  // Paths shorter than `/` cannot exist, so any explicit location beats the implicit root.
  if (prefix) return prefix;
  const root = server.root;
  return {
    loc: { modifier: '', path: '/' },
    ingress: root.ingress ?? server.ingresses[0] ?? null,
    path: null,
    backend: root.backend,
    source: root.backend ? 'ingress-default-backend' : 'default-backend',
    rank: 2,
  };
}

function chooseServer(all: Map<string, Server>, host: string): Server {
  const exact = all.get(host);
  if (exact && exact.name !== DEFAULT_SERVER) return exact;
  for (const s of all.values()) if (s.name.startsWith('*.') && hostMatches(s.name, host)) return s;
  return all.get(DEFAULT_SERVER) as Server;
}

function tlsCovers(server: Server, host: string): boolean {
  return server.ingresses.some((ing) => ing.tls.some((t) => t.hosts.some((h) => hostMatches(h, host))));
}

function servicePortOf(svc: Service | undefined, port: number | string): ServicePort | null {
  if (!svc) return null;
  return svc.ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port)) ?? null;
}

/** The ready endpoints of a Service port, as the controller reads them from EndpointSlices. */
function readyEndpoints(cluster: Cluster, svc: Service, sp: ServicePort): IngressEndpoint[] {
  const set = lookup(cluster).endpointsByService.get(`${svc.namespace}/${svc.name}`);
  const out: IngressEndpoint[] = [];
  for (const e of set?.endpoints ?? []) {
    if (!e.ready) continue;
    const port =
      e.ports.find((p) => p.name === sp.name && p.protocol === sp.protocol) ??
      (e.ports.length === 1 ? e.ports[0] : undefined);
    if (port) out.push({ pod: e.pod, ip: e.ip, port: port.port });
  }
  // The controller's upstream list is sorted like kube-proxy's: by IP:port.
  return out.sort((a, b) => (`${a.ip}:${a.port}` < `${b.ip}:${b.port}` ? -1 : 1));
}

/**
 * The Ingress rule, backend and answer ingress-nginx gives a request.
 *
 * @example
 * matchIngress(cluster, { host: 'shop.example.com', path: '/cart', scheme: 'https' }).backend?.service // 'cart'
 */
export function matchIngress(cluster: Cluster, request: IngressRequest): IngressMatch {
  const host = request.host.toLowerCase().replace(/:\d+$/, '');
  const path = request.path === '' ? '/' : request.path;
  const server = chooseServer(servers(cluster), host);
  const chosen = chooseLocation(server, path);
  const tls = server.name !== DEFAULT_SERVER && tlsCovers(server, host);
  const owner = chosen.backend ? chosen.ingress : null;
  const ingressKey = owner ? `${owner.namespace}/${owner.name}` : null;
  const location = `location ${chosen.loc.modifier === '=' ? '= ' : ''}${chosen.loc.path}`;
  const rule = chosen.path
    ? {
        host: server.name === DEFAULT_SERVER ? null : server.name,
        path: chosen.path.path,
        pathType: chosen.path.pathType,
      }
    : null;
  const base = { ingress: ingressKey, server: server.name, rule, location, source: chosen.source, tls };
  const annotations = owner?.annotations ?? {};
  // ssl-redirect defaults to true where the host has TLS; force-ssl-redirect also covers hosts without.
  const redirect =
    request.scheme === 'http' &&
    ((tls && annotations[SSL_REDIRECT] !== 'false') || annotations[FORCE_SSL_REDIRECT] === 'true');
  if (redirect) {
    const to = `https://${host}${path}`;
    return {
      ...base,
      backend: null,
      status: 308,
      redirect: to,
      upstream: null,
      text: `${host} has a TLS section, so ingress-nginx answers the plain-HTTP request with 308 Permanent Redirect to ${to}.`,
    };
  }
  if (owner === null || chosen.backend === null || chosen.backend.kind !== 'service') {
    const why =
      chosen.backend?.kind === 'resource'
        ? 'the backend is a resource, not a Service, and serves nothing here'
        : `no rule matches ${host}${path}`;
    return {
      ...base,
      backend: null,
      status: 404,
      redirect: null,
      upstream: null,
      text: `${why[0]?.toUpperCase() ?? ''}${why.slice(1)}: the controller's default backend answers 404 Not Found.`,
    };
  }
  const ns = owner.namespace;
  const svc = lookup(cluster).serviceByKey.get(`${ns}/${chosen.backend.service}`);
  const sp = servicePortOf(svc, chosen.backend.port);
  const backend = { namespace: ns, service: chosen.backend.service, port: chosen.backend.port, servicePort: sp };
  const via =
    chosen.source === 'rule'
      ? `${server.name === DEFAULT_SERVER ? 'the rule without a host' : server.name} ${location}`
      : `the defaultBackend of ${ingressKey ?? ''}`;
  if (!svc || !sp) {
    const missing = !svc
      ? `Service ${ns}/${chosen.backend.service} does not exist`
      : `Service ${ns}/${chosen.backend.service} has no port ${chosen.backend.port}`;
    return {
      ...base,
      backend,
      status: 503,
      redirect: null,
      upstream: null,
      text: `${via} sends to ${ns}/${chosen.backend.service}, but ${missing}: 503 Service Temporarily Unavailable.`,
    };
  }
  const endpoints = readyEndpoints(cluster, svc, sp);
  const serviceUpstream = annotations[SERVICE_UPSTREAM] === 'true' && svc.clusterIP !== null;
  if (endpoints.length === 0 && serviceUpstream) {
    // The controller does not look at endpoints here: it connects to the ClusterIP, which
    // kube-proxy rejects for a Service without endpoints, and NGINX reports a bad gateway.
    return {
      ...base,
      backend,
      status: 502,
      redirect: null,
      upstream: { kind: 'service', ip: svc.clusterIP as string, port: sp.port },
      text: `${via} sends to ${ns}/${svc.name}; with service-upstream NGINX connects to ${svc.clusterIP ?? ''}:${sp.port}, which has no endpoints and refuses: 502 Bad Gateway.`,
    };
  }
  if (endpoints.length === 0) {
    return {
      ...base,
      backend,
      status: 503,
      redirect: null,
      upstream: null,
      text: `${via} sends to ${ns}/${svc.name}:${sp.port}, which has no ready endpoint: 503 Service Temporarily Unavailable.`,
    };
  }
  if (serviceUpstream) {
    return {
      ...base,
      backend,
      status: 200,
      redirect: null,
      upstream: { kind: 'service', ip: svc.clusterIP as string, port: sp.port },
      text: `${via} sends to ${ns}/${svc.name}; with service-upstream, NGINX connects to the ClusterIP ${svc.clusterIP}:${sp.port} and kube-proxy picks the pod.`,
    };
  }
  return {
    ...base,
    backend,
    status: 200,
    redirect: null,
    upstream: { kind: 'endpoints', endpoints },
    text: `${via} sends to ${ns}/${svc.name}:${sp.port}; NGINX balances over its ${endpoints.length} ready endpoint${endpoints.length === 1 ? '' : 's'} (pod IPs from the EndpointSlices, not the ClusterIP).`,
  };
}

// ---------------------------------------------------------------------------------------------
// Headers.

export interface UpstreamRequest {
  /** the Host header as the client sent it */
  host: string;
  scheme: 'http' | 'https';
  /**
   * the port NGINX accepted the connection on ($server_port): its container port, 80 or 443 by
   * default, also when the client dialled a nodePort or the load balancer (DNAT hid those)
   */
  port?: number;
  /** headers the client sent; hop-by-hop and the ones ingress-nginx sets are replaced */
  headers?: Readonly<Record<string, string>>;
}

/** A deterministic $request_id: 16 random bytes as 32 hex digits, from the trace's seed. */
export function requestId(seed: number): string {
  const rng = createRng(seed ^ 0x5eed1d);
  let out = '';
  for (let i = 0; i < 16; i++) out += rng.int(0, 255).toString(16).padStart(2, '0');
  return out;
}

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy',
];

/**
 * The headers NGINX sends to the upstream with ingress-nginx's defaults (use-forwarded-headers:
 * false; nginx.tmpl's proxy_set_header list): X-Forwarded-For is `$remote_addr` and replaces any
 * incoming one (kept in X-Original-Forwarded-For), Host is passed unchanged.
 *
 * @param remoteAddr - the source address NGINX saw: the client only if nothing SNATed it
 */
export function upstreamHeaders(request: UpstreamRequest, remoteAddr: string, seed: number): Record<string, string> {
  const out: Record<string, string> = {};
  const incoming = request.headers ?? {};
  const set = new Set([
    'host',
    'x-request-id',
    'x-real-ip',
    'x-forwarded-for',
    'x-forwarded-host',
    'x-forwarded-port',
    'x-forwarded-proto',
    'x-forwarded-scheme',
    'x-scheme',
    'x-original-forwarded-for',
    ...HOP_BY_HOP,
  ]);
  let incomingXff: string | null = null;
  for (const [name, value] of Object.entries(incoming)) {
    const lower = name.toLowerCase();
    if (lower === 'x-forwarded-for') incomingXff = value;
    if (!set.has(lower)) out[name] = value;
  }
  const port = request.port ?? (request.scheme === 'https' ? 443 : 80);
  out['Host'] = request.host;
  out['X-Request-ID'] = requestId(seed);
  out['X-Real-IP'] = remoteAddr;
  out['X-Forwarded-For'] = remoteAddr;
  out['X-Forwarded-Host'] = request.host;
  out['X-Forwarded-Port'] = String(port);
  out['X-Forwarded-Proto'] = request.scheme;
  out['X-Forwarded-Scheme'] = request.scheme;
  out['X-Scheme'] = request.scheme;
  // NGINX leaves out a header whose value is empty: only an incoming X-Forwarded-For is kept here.
  if (incomingXff !== null && incomingXff !== '') out['X-Original-Forwarded-For'] = incomingXff;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The controller itself lives in model/ingressController.ts (a change to the description, which
// the importer and the scenarios need without the trace engine); re-exported here.
export {
  INGRESS_NGINX_NAMESPACE,
  INGRESS_NGINX_NAME,
  addIngressController,
  ingressNginxClass,
  ingressNginxDeployment,
  ingressNginxService,
} from '../model/ingressController';
export type { IngressLayout } from '../model/ingressController';
import { INGRESS_NGINX_NAME, INGRESS_NGINX_NAMESPACE } from '../model/ingressController';

/** The pods running the ingress-nginx controller in a cluster. */
export function ingressControllerPods(cluster: Cluster): Pod[] {
  return cluster.pods.filter(
    (p) => p.namespace === INGRESS_NGINX_NAMESPACE && p.owner === `Deployment/${INGRESS_NGINX_NAME}`,
  );
}

/** Where clients reach ingress-nginx from outside the cluster. */
export interface IngressExposure {
  /** `ns/name` of the controller's Service */
  service: string;
  via: 'load-balancer' | 'node-port';
  /** the LoadBalancer IP, or a node's InternalIP */
  ip: string;
  /** 80 / 443 on the load balancer, or the http / https nodePort */
  port: number;
  /** the node, for a NodePort */
  node: string | null;
}

/**
 * The address an external host name resolves to when an Ingress served by ingress-nginx names it
 * (exact or wildcard host): the controller Service's LoadBalancer IP, else the first ready worker
 * node's InternalIP with the http (or https) nodePort. Null when no rule names the host or no
 * controller Service exposes it.
 */
export function ingressExposure(
  cluster: Cluster,
  host: string,
  scheme: 'http' | 'https' = 'http',
): IngressExposure | null {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  const named = nginxIngresses(cluster).some((ing) => ing.rules.some((r) => r.host !== null && hostMatches(r.host, h)));
  if (!named) return null;
  const svc = lookup(cluster).serviceByKey.get(`${INGRESS_NGINX_NAMESPACE}/${INGRESS_NGINX_NAME}`);
  if (!svc) return null;
  const sp =
    svc.ports.find((p) => p.name === scheme) ?? svc.ports.find((p) => p.port === (scheme === 'https' ? 443 : 80));
  if (!sp) return null;
  const key = `${svc.namespace}/${svc.name}`;
  if (svc.type === 'LoadBalancer' && svc.loadBalancerIP !== null)
    return { service: key, via: 'load-balancer', ip: svc.loadBalancerIP, port: sp.port, node: null };
  if ((svc.type === 'NodePort' || svc.type === 'LoadBalancer') && sp.nodePort !== null) {
    const nodes = [...cluster.nodes]
      .filter((n) => n.ready)
      .sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'worker' ? -1 : 1));
    const node = nodes[0];
    if (node) return { service: key, via: 'node-port', ip: node.internalIP, port: sp.nodePort, node: node.name };
  }
  return null;
}

/**
 * The rule a proxy hop shows for a request, as a user would find it in the Ingress:
 * `Ingress shop/storefront: host shop.example.com path /api (Prefix) -> service api:http`.
 */
export function ingressRuleText(match: IngressMatch): string {
  if (match.status === 308) return `${match.server} has tls: return 308 ${match.redirect ?? ''} (ssl-redirect)`;
  const target = match.backend ? `service ${match.backend.service}:${match.backend.port}` : 'default backend (404)';
  if (match.rule)
    return `Ingress ${match.ingress ?? ''}: host ${match.rule.host ?? '*'} path ${match.rule.path} (${match.rule.pathType}) -> ${target}`;
  if (match.source === 'ingress-default-backend') return `Ingress ${match.ingress ?? ''}: defaultBackend -> ${target}`;
  return `server ${match.server}: no rule matches -> ${target}`;
}

/**
 * The endpoint NGINX sends one request to: a pinned pod (`ns/name` in `pick`) when it is one of
 * them, else one drawn from the seed (ingress-nginx's round robin starts at a random endpoint).
 */
export function pickUpstream(
  endpoints: readonly IngressEndpoint[],
  seed: number,
  pick: readonly string[] = [],
): IngressEndpoint | null {
  if (endpoints.length === 0) return null;
  const pinned = endpoints.find((e) => e.pod !== null && pick.includes(e.pod));
  if (pinned) return pinned;
  return endpoints[createRng(seed ^ 0x1a2b3c).int(0, endpoints.length - 1)] ?? null;
}

/**
 * The trace's `http` record for a request ingress-nginx handled: the request line and Host, the
 * status the client gets, and the headers the backend sees (none when no backend is contacted).
 */
export function ingressHttp(
  request: IngressRequest & { method?: string; port?: number; headers?: Readonly<Record<string, string>> },
  match: IngressMatch,
  remoteAddr: string,
  seed: number,
): { method: string; host: string; path: string; status: number; headers: Record<string, string> } {
  const upstream =
    request.port === undefined
      ? { host: request.host, scheme: request.scheme }
      : { host: request.host, scheme: request.scheme, port: request.port };
  const headers =
    match.status === 200
      ? upstreamHeaders(request.headers ? { ...upstream, headers: request.headers } : upstream, remoteAddr, seed)
      : {};
  return { method: request.method ?? 'GET', host: request.host, path: request.path, status: match.status, headers };
}
