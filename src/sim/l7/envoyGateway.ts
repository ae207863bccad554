/**
 * Envoy Gateway behind the L7 seam: an Envoy pod of a Gateway (model/envoyGateway.ts) takes the
 * client's connection on the shifted listener port, the Gateway API router (gateway/route.ts)
 * decides, and Envoy connects from its own pod straight to an endpoint of the picked Service (its
 * EDS cluster lists pod IPs; kube-proxy plays no part). The headers are Envoy's: lower-case names,
 * X-Forwarded-For with the peer Envoy saw (use_remote_address), X-Forwarded-Proto, X-Request-Id,
 * X-Envoy-Expected-Rq-Timeout-Ms, and X-Envoy-Internal when that peer is a private address.
 */
import type { Cluster, Pod, Service } from '../model/types';
import { createRng } from '../model/rng';
import { parseIPv4 } from '../model/ip';
import { backendsOf } from '../proxy';
import {
  ENVOY_GATEWAY_CONTROLLER,
  ENVOY_GATEWAY_NAMESPACE,
  OWNING_GATEWAY_NAME,
  OWNING_GATEWAY_NAMESPACE,
} from '../model/envoyGateway';
import { gatewayApiStatus } from '../gateway/status';
import { hostnameCovers, hostOf } from '../gateway/hostname';
import { formatShare, routeRequest } from '../gateway/route';
import type { GatewayRequest, Header, RouteDecision } from '../gateway/route';
import type { GatewayModel, ListenerModel } from '../gateway/types';
import { parseQuery } from '../gateway/request';
import { proxyPodOf } from './types';
import type {
  L7BackendRequest,
  L7Context,
  L7Decision,
  L7Endpoint,
  L7Exposure,
  L7Proxy,
  L7Request,
  L7RouteRef,
  L7Upstream,
} from './types';

/** Envoy's own route timeout when the route sets none (15 s), which the router announces upstream. */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15000;

/** Reason phrases Envoy writes (its HTTP/1 codec uses the RFC 9110 ones). */
export const ENVOY_REASONS: Record<number, string> = {
  200: 'OK',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The Gateway an Envoy Service or pod belongs to, from the owning labels. */
function owner(labels: Readonly<Record<string, string>> | null): { namespace: string; name: string } | null {
  const namespace = labels?.[OWNING_GATEWAY_NAMESPACE];
  const name = labels?.[OWNING_GATEWAY_NAME];
  return namespace && name ? { namespace, name } : null;
}

function servesService(svc: Service): boolean {
  return (
    svc.namespace === ENVOY_GATEWAY_NAMESPACE &&
    svc.selector?.['app.kubernetes.io/managed-by'] === 'envoy-gateway' &&
    owner(svc.selector) !== null
  );
}

/** The Envoy Service of a Gateway, found by its owning labels. */
function envoyServiceOf(cluster: Cluster, gateway: { namespace: string; name: string }): Service | null {
  return (
    cluster.services.find((s) => {
      const o = servesService(s) ? owner(s.selector) : null;
      return o !== null && o.namespace === gateway.namespace && o.name === gateway.name;
    }) ?? null
  );
}

/** Gateways whose class Envoy Gateway runs, with their programmed listeners. */
function envoyGateways(cluster: Cluster): { gateway: GatewayModel; listeners: ListenerModel[] }[] {
  const status = gatewayApiStatus(cluster);
  const ours = new Set(
    status.model.classes.filter((c) => c.controllerName === ENVOY_GATEWAY_CONTROLLER).map((c) => c.name),
  );
  return status.gateways
    .filter((g) => g.owned && ours.has(g.gateway.className))
    .map((g) => ({ gateway: g.gateway, listeners: g.listeners.filter((l) => l.programmed).map((l) => l.listener) }));
}

/** Whether an accepted route attached to `listener` serves `host` (its DNS record would point here). */
export function servesHost(cluster: Cluster, listener: ListenerModel, host: string): boolean {
  for (const rs of gatewayApiStatus(cluster).routes)
    for (const p of rs.parents)
      for (const a of p.attachments)
        if (a.listener === listener && a.hostnames.some((h) => h !== null && hostnameCovers(h, host))) return true;
  return false;
}

/**
 * The Gateway a host is published at: the first Gateway of Envoy Gateway with a programmed
 * listener of the scheme's protocol whose routes name the host; its Envoy Service's load balancer
 * address (or a node's NodePort when it has none) on that listener's port.
 */
export function gatewayExposure(cluster: Cluster, host: string, scheme: 'http' | 'https'): L7Exposure | null {
  return exposureOf(cluster, host, scheme, envoyGateways(cluster), (gateway) => envoyServiceOf(cluster, gateway));
}

/**
 * Of these Gateways, the first with a listener of the scheme's protocol that serves the host, at
 * its Service's load balancer address, or else a ready node's NodePort, on the listener's port.
 */
export function exposureOf(
  cluster: Cluster,
  host: string,
  scheme: 'http' | 'https',
  gateways: readonly { gateway: GatewayModel; listeners: ListenerModel[] }[],
  serviceOf: (gateway: GatewayModel) => Service | null,
): L7Exposure | null {
  const h = hostOf(host);
  const protocol = scheme === 'https' ? 'HTTPS' : 'HTTP';
  for (const { gateway, listeners } of gateways) {
    const listener = listeners.find((l) => l.protocol === protocol && servesHost(cluster, l, h));
    if (!listener) continue;
    const svc = serviceOf(gateway);
    const sp = svc?.ports.find((p) => p.port === listener.port && p.protocol === 'tcp');
    if (!svc || !sp) continue;
    const key = `${svc.namespace}/${svc.name}`;
    if (svc.type === 'LoadBalancer' && svc.loadBalancerIP !== null)
      return { service: key, via: 'load-balancer', ip: svc.loadBalancerIP, port: sp.port, node: null };
    if (sp.nodePort !== null) {
      const node = [...cluster.nodes].filter((n) => n.ready).sort((a, b) => a.name.localeCompare(b.name))[0];
      if (node) return { service: key, via: 'node-port', ip: node.internalIP, port: sp.nodePort, node: node.name };
    }
  }
  return null;
}

/** Whether an address is one Envoy counts as internal (RFC 1918, loopback) for X-Envoy-Internal. */
export function isInternal(ip: string): boolean {
  const v = parseIPv4(ip);
  if (v === null) return false;
  const a = v >>> 24;
  const b = (v >>> 16) & 0xff;
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** A version-4 UUID drawn from the seed, as Envoy generates X-Request-Id. */
export function requestUuid(seed: number): string {
  const rng = createRng(seed ^ 0x3e7a1d);
  const hex = Array.from({ length: 32 }, () => rng.int(0, 15).toString(16));
  hex[12] = '4';
  hex[16] = (8 + rng.int(0, 3)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * The headers the backend receives: Host, the client's headers after the route's filters (any
 * x-envoy-* header from an external client stripped), then what Envoy adds. Names lower-case, as
 * Envoy writes HTTP/1 headers.
 */
function backendHeaders(decision: RouteDecision, remoteAddr: string, seed: number): Record<string, string> {
  const up = decision.upstream as GatewayRequest;
  const internal = isInternal(remoteAddr);
  const out: Record<string, string> = { host: up.host };
  for (const [name, value] of up.headers) {
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'x-request-id' || (!internal && lower.startsWith('x-envoy-'))) continue;
    out[lower] = lower in out ? `${out[lower]},${value}` : value;
  }
  if (internal) out['x-envoy-internal'] = 'true';
  out['x-request-id'] = requestUuid(seed);
  out['x-envoy-expected-rq-timeout-ms'] = String(DEFAULT_ROUTE_TIMEOUT_MS);
  return out;
}

/** The request as Envoy forwards it to the backend: after the route's filters, with these headers. */
export function forwarded(up: GatewayRequest, headers: Record<string, string>): L7BackendRequest {
  const query = up.query.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&');
  return { method: up.method, path: query.length > 0 ? `${up.path}?${query}` : up.path, headers };
}

/**
 * The HTTPRoute rule that decided, as its YAML says it, then what it does:
 * `HTTPRoute default/shop rule 0 (PathPrefix /cart) -> web:80`. Both Envoys (Envoy Gateway's and
 * Cilium's) print it.
 */
export function gatewayRuleText(decision: RouteDecision): string {
  const m = decision.matched;
  const listener = decision.listener;
  const on = listener ? `listener ${listener.name} (${listener.protocol} ${listener.port})` : 'no listener';
  if (!m) return `Gateway ${decision.gateway.namespace}/${decision.gateway.name} ${on}: no route matches -> 404`;
  const rule = m.route.rules[m.ruleIndex];
  const match = rule?.matches[m.matchIndex];
  const cond = match
    ? [
        `${match.path.type} ${match.path.value}`,
        ...(match.method ? [`method ${match.method}`] : []),
        ...match.headers.map((h) => `header ${h.name}${h.type === 'Exact' ? '=' : '~'}${h.value}`),
        ...match.queryParams.map((q) => `query ${q.name}${q.type === 'Exact' ? '=' : '~'}${q.value}`),
      ].join(', ')
    : 'PathPrefix /';
  // a backend in the route's own namespace goes by its name, as the route's YAML writes it; the
  // weights only when there is a choice (the Envoy route name and the weights stay in the inspector)
  const name = (b: RouteDecision['backends'][number]) =>
    `${b.ref.namespace === m.route.namespace ? '' : `${b.ref.namespace}/`}${b.ref.name}:${b.ref.port ?? ''}`;
  const target =
    decision.location !== null
      ? `redirect ${decision.status} ${decision.location}`
      : decision.backends.length === 1
        ? name(decision.backends[0]!)
        : decision.backends.map((b) => `${name(b)} ${formatShare(b.probability)}`).join(', ') || 'no backendRefs';
  return `HTTPRoute ${m.route.namespace}/${m.route.name} rule ${m.ruleIndex} (${cond}) -> ${target}`;
}

/**
 * The decision in the words a learner needs at the proxy hop: which rule matched and where it
 * sends, or why Envoy answers by itself. The rest (the Envoy route name, the shifted port, the
 * endpoint count) is in the inspector (docs/trace-format.md).
 */
export function decisionText(decision: RouteDecision): string {
  const m = decision.matched;
  const picked = decision.picked;
  const sentence = (t: string) => `${t.charAt(0).toUpperCase()}${t.slice(1)}.`;
  if (!m || decision.location !== null) return sentence(decision.reason);
  const where = `rule ${m.ruleIndex} of HTTPRoute ${m.route.namespace}/${m.route.name}`;
  if (!picked) return sentence(decision.reason);
  const label = `${picked.ref.namespace}/${picked.ref.name}`;
  const share = picked.probability < 1 ? ` (${formatShare(picked.probability)} of requests)` : '';
  const r = picked.resolution;
  if (!r.ok) return sentence(`${where} sends to ${label}, which is not usable: ${r.message} (${r.reason})`);
  if (decision.status === 503)
    return sentence(`${where} sends to Service ${label}${share}, which has no ready endpoint`);
  return sentence(`${where} matches: Envoy sends it to Service ${label}${share}`);
}

/** The endpoints of every backend of the rule, each with its exact share of requests. */
export function endpointsOf(cluster: Cluster, decision: RouteDecision): { picked: L7Endpoint[]; all: L7Endpoint[] } {
  const all: L7Endpoint[] = [];
  let picked: L7Endpoint[] = [];
  for (const b of decision.backends) {
    const r = b.resolution;
    if (!r.ok) continue;
    const ready = backendsOf(cluster, r.service, r.port).filter((e) => e.endpoint.ready);
    const list = ready.map((e) => ({
      pod: e.endpoint.pod,
      ip: e.ip,
      port: e.port,
      probability: ready.length === 0 ? 0 : b.probability / ready.length,
    }));
    all.push(...list);
    if (b === decision.picked) picked = list;
  }
  return { picked, all };
}

/**
 * The endpoint Envoy connects to among the picked backend's: a pinned pod when one is, else a
 * seeded draw. Envoy Gateway's default balancer is least-request, which with no request in flight
 * picks each endpoint with the same chance.
 */
export function chooseEndpoint(list: readonly L7Endpoint[], seed: number, pick: readonly string[]): L7Endpoint | null {
  if (list.length === 0) return null;
  const pinned = list.find((e) => e.pod !== null && pick.includes(e.pod));
  if (pinned) return pinned;
  return list[createRng(seed ^ 0x2c9e11).int(0, list.length - 1)] ?? null;
}

export function routeRef(decision: RouteDecision): L7RouteRef | null {
  const m = decision.matched;
  return m ? { kind: 'HTTPRoute', namespace: m.route.namespace, name: m.route.name, rule: m.ruleIndex } : null;
}

/** The Gateway listener port behind the Envoy container port the connection reached (10080 -> 80). */
function listenerPort(cluster: Cluster, pod: Pod, gateway: { namespace: string; name: string }, port: number): number {
  const svc = envoyServiceOf(cluster, gateway);
  const sp = svc?.ports.find((p) =>
    typeof p.targetPort === 'number'
      ? p.targetPort === port
      : pod.containers.some((c) => c.ports.some((cp) => cp.name === p.targetPort && cp.containerPort === port)),
  );
  return sp?.port ?? port;
}

export function toGatewayRequest(request: L7Request, port: number): GatewayRequest {
  return {
    scheme: request.scheme,
    host: request.host,
    port,
    method: request.method,
    path: request.path,
    query: parseQuery(request.query ?? ''),
    headers: Object.entries(request.headers ?? {}) as Header[],
  };
}

function decide(cluster: Cluster, request: L7Request, ctx: L7Context): L7Decision {
  const pod = proxyPodOf(ctx, 'Envoy Gateway');
  const gatewayRef = owner(pod.labels);
  const listenerName = (l: ListenerModel | null): string => l?.name ?? '(none)';
  const base = {
    proxy: envoyGateway.id,
    upstreamSource: pod.ip,
    backendService: null,
    redirect: null,
    upstream: null,
    backendRequest: null,
  };
  const status = gatewayRef
    ? gatewayApiStatus(cluster).gateways.find(
        (g) => g.gateway.namespace === gatewayRef.namespace && g.gateway.name === gatewayRef.name,
      )
    : undefined;
  if (!gatewayRef || !status) {
    const text = `${pod.namespace}/${pod.name} carries no owning Gateway that exists, so Envoy has no route for it: 404.`;
    return {
      ...base,
      listener: {
        name: '(none)',
        port: ctx.port,
        protocol: request.scheme === 'https' ? 'HTTPS' : 'HTTP',
        hostname: null,
      },
      route: null,
      status: 404,
      rule: text,
      text,
    };
  }
  const port = listenerPort(cluster, pod, gatewayRef, ctx.port);
  const decision = routeRequest(cluster, gatewayRef, toGatewayRequest(request, port), {
    seed: ctx.seed,
    clientIP: ctx.remoteAddr,
  });
  const listener = {
    name: listenerName(decision.listener),
    port: ctx.port,
    protocol: decision.listener?.protocol === 'HTTPS' ? ('HTTPS' as const) : ('HTTP' as const),
    hostname: decision.listener?.hostname ?? null,
  };
  // No HTTP answer at all (no listener of that protocol on the port): Envoy closes the connection
  // without a response, which a client reports as an empty reply; recorded as a 404 from the listener.
  const httpStatus = decision.status === 0 ? 404 : decision.status;
  const text = decisionText(decision);
  const picked = decision.picked;
  const backendService = picked ? `${picked.ref.namespace}/${picked.ref.name}` : null;
  let upstream: L7Upstream | null = null;
  if (decision.status === 200 && decision.upstream !== null) {
    const { picked: list, all } = endpointsOf(cluster, decision);
    const chosen = chooseEndpoint(list, ctx.seed, ctx.pick);
    if (chosen !== null) {
      const m = decision.matched;
      const cluster = m ? `httproute/${m.route.namespace}/${m.route.name}/rule/${m.ruleIndex}` : '';
      upstream = {
        kind: 'endpoint',
        endpoints: all,
        chosen,
        probability: chosen.probability ?? 1 / list.length,
        rule: `cluster ${cluster} (EDS, least request): ${decision.backends.map((b) => `${b.ref.namespace}/${b.ref.name} ${formatShare(b.probability)}`).join(', ')}; ${chosen.ip}:${chosen.port}`,
      };
    }
  }
  const up = decision.upstream;
  return {
    ...base,
    listener,
    route: routeRef(decision),
    status: httpStatus,
    redirect: decision.location,
    upstream,
    backendRequest:
      upstream !== null && up !== null ? forwarded(up, backendHeaders(decision, ctx.remoteAddr, ctx.seed)) : null,
    rule: gatewayRuleText(decision),
    text,
    backendService,
  };
}

export const envoyGateway: L7Proxy = {
  id: 'envoy-gateway',
  label: 'Envoy',
  placement: 'pod',
  servesService,
  exposure: gatewayExposure,
  decide,
  statusLine(status) {
    const reason = ENVOY_REASONS[status];
    return reason === undefined ? String(status) : `${status} ${reason}`;
  },
};

/** The pods of `envoy-gateway-system` Envoy Gateway runs for Gateways, for callers that list them. */
export function envoyPods(cluster: Cluster): Pod[] {
  return cluster.pods.filter((p) => p.namespace === ENVOY_GATEWAY_NAMESPACE && owner(p.labels) !== null);
}

/** Whether a Gateway of Envoy Gateway names `host` in one of its accepted routes. */
export function gatewayNamesHost(cluster: Cluster, host: string): GatewayModel | null {
  const h = hostOf(host);
  for (const { gateway, listeners } of envoyGateways(cluster))
    if (listeners.some((l) => servesHost(cluster, l, h))) return gateway;
  return null;
}
