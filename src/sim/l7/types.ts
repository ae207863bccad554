/**
 * The seam for L7 proxies (docs/architecture.md): a proxy that ends the client's TCP connection,
 * reads the HTTP request, and opens its own connection to a backend. ingress-nginx is the first
 * module, Envoy Gateway (a Gateway API implementation) the second. A module returns typed decisions, never
 * hops or sentences about packets: the trace (resolve/ingressTrace.ts) walks the packets.
 */
import type { Cluster, ClusterNode, Pod, Service } from '../model/types';

/** The HTTP request as the client sent it on its connection to the proxy. */
export interface L7Request {
  method: string;
  scheme: 'http' | 'https';
  /** the Host header (a port after a colon is ignored for matching) */
  host: string;
  /** the path, without the query string */
  path: string;
  /** the query string as written, without `?` (absent: none) */
  query?: string;
  /** headers the client sent beyond Host */
  headers?: Readonly<Record<string, string>>;
}

/** Where the proxy took the request, before any route was chosen. */
export interface L7Listener {
  /** the module's own name for it: an NGINX server block (`shop.example.com`, `_`), a Gateway listener */
  name: string;
  /** the port the proxy accepted the connection on (its container port: DNAT hid the nodePort) */
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  /** the host name the listener is for; null for a catch-all */
  hostname: string | null;
}

/** The route object that matched, as a user would find it with kubectl. */
export interface L7RouteRef {
  /** `Ingress` (networking.k8s.io/v1), `HTTPRoute` (gateway.networking.k8s.io/v1) */
  kind: 'Ingress' | 'HTTPRoute';
  namespace: string;
  name: string;
  /** the index in the object's rules; null where the object's default backend answered */
  rule: number | null;
}

/** A backend endpoint the proxy may connect to. */
export interface L7Endpoint {
  /** `ns/name` of the pod, null for an address without a pod */
  pod: string | null;
  ip: string;
  port: number;
  /** this endpoint's exact share of requests, where endpoints differ (backendRefs weights) */
  probability?: number;
}

/** Where the proxy connects for this request. */
export type L7Upstream =
  | {
      /** straight to a pod IP, which the module chose among `endpoints` */
      kind: 'endpoint';
      endpoints: L7Endpoint[];
      chosen: L7Endpoint;
      /** the chance of `chosen` for this one request */
      probability: number;
      /** the proxy's configuration that lists the endpoints, as it prints it */
      rule: string;
    }
  | {
      /** to a Service's ClusterIP, where the Service proxy chooses the pod */
      kind: 'service';
      service: Service;
      ip: string;
      port: number;
    };

/** The request as the backend receives it on the proxy's connection. */
export interface L7BackendRequest {
  method: string;
  path: string;
  /** every header the backend sees, Host and X-Forwarded-For included */
  headers: Record<string, string>;
}

/** What an L7 proxy decides for one request. */
export interface L7Decision {
  /** the module that decided (its `id`) */
  proxy: string;
  listener: L7Listener;
  /** null when no route matched (the proxy's own default answer) */
  route: L7RouteRef | null;
  /**
   * What the client gets if the upstream connection works: 200 (the backend's answer), or the
   * proxy's own answer when it contacts nothing: 404 (no route), 503 (no ready endpoint), 308
   * (redirect to https), 502 (a ClusterIP upstream that refuses)
   */
  status: number;
  /** the Location header of a redirect */
  redirect: string | null;
  /** where the proxy connects; null when it answers by itself */
  upstream: L7Upstream | null;
  /** the request as the backend sees it; null when no backend is contacted */
  backendRequest: L7BackendRequest | null;
  /** the source IP of the proxy's upstream connection (the proxy pod's address, or the node's ingress address for Cilium's Envoy) */
  upstreamSource: string;
  /** the security identity the CNI gives that source when it is no pod's (Cilium's reserved:ingress, 8) */
  upstreamIdentity?: number;
  /** the configuration that decided, as the user would find it (an Ingress rule, an HTTPRoute rule) */
  rule: string;
  /** one sentence on the decision */
  text: string;
  /** `ns/name` of the Service the route sends to, when it names one */
  backendService: string | null;
}

/**
 * Where the proxy that took the connection runs: a pod (ingress-nginx, Envoy Gateway), or a node
 * itself (Cilium's per-node Envoy, which no pod stands for).
 */
export type L7Place = { kind: 'pod'; pod: Pod } | { kind: 'node'; node: ClusterNode };

/** What a module needs besides the request to decide. */
export interface L7Context {
  /** where the proxy that took the connection runs */
  proxy: L7Place;
  /** the source address the proxy saw ($remote_addr): the client, or a node address after SNAT */
  remoteAddr: string;
  /** the port the proxy accepted the connection on */
  port: number;
  /** the Service the client's connection was addressed to (how a node's proxy knows the Gateway) */
  service?: Service;
  seed: number;
  /** `ns/pod` picks: one pins the endpoint the proxy chooses */
  pick: readonly string[];
}

/** Where clients outside the cluster reach a proxy for a host name. */
export interface L7Exposure {
  /** `ns/name` of the proxy's Service */
  service: string;
  via: 'load-balancer' | 'node-port';
  ip: string;
  port: number;
  node: string | null;
}

/** One L7 proxy implementation. */
export interface L7Proxy {
  /** a stable id, e.g. `ingress-nginx` */
  id: string;
  /** how sentences name it: `NGINX` */
  label: string;
  /**
   * where the proxy runs: `pod`, a pod behind its Service that the Service proxy chooses; `node`,
   * each node's own proxy, to which the node's eBPF hands the Service's connections (no DNAT)
   */
  placement: 'pod' | 'node';
  /** whether connections to this Service reach this proxy (its controller's Service) */
  servesService(svc: Service, cluster: Cluster): boolean;
  /** where a host name that one of its routes names is reached from outside; null when none names it */
  exposure(cluster: Cluster, host: string, scheme: 'http' | 'https'): L7Exposure | null;
  /** the decision for one request that reached `ctx.proxy` */
  decide(cluster: Cluster, request: L7Request, ctx: L7Context): L7Decision;
  /** the status line this proxy writes for a status (reason phrases differ between servers) */
  statusLine(status: number): string;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  301: 'Moved Permanently',
  302: 'Found',
  308: 'Permanent Redirect',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The pod of a proxy that runs in one; a module that runs in pods is never handed a node. */
export function proxyPodOf(ctx: L7Context, module: string): Pod {
  if (ctx.proxy.kind !== 'pod') throw new Error(`${module} runs in a pod, not on node ${ctx.proxy.node.name}`);
  return ctx.proxy.pod;
}

/** `404 Not Found`: a status with its reason phrase (RFC 9110, section 15). */
export function statusLine(status: number): string {
  const reason = REASONS[status];
  return reason === undefined ? String(status) : `${status} ${reason}`;
}
