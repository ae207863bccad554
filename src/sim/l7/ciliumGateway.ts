/**
 * Cilium's Gateway API behind the L7 seam (docs/gateway-api.md, "Cilium"): no proxy pod. The
 * operator turns each Gateway of Cilium's class into a CiliumEnvoyConfig and a LoadBalancer Service
 * `cilium-gateway-<name>`; Cilium's eBPF service handling hands that Service's connections to the
 * Envoy of the node that received them (TPROXY), which matches the HTTPRoutes (gateway/route.ts)
 * and connects to an endpoint pod IP from the node's ingress address (reserved:ingress identity).
 * Envoy's headers as Cilium configures it: use_remote_address on, xff_num_trusted_hops 0, so
 * X-Forwarded-For gets the peer it saw and X-Envoy-External-Address that peer when it is external.
 */
import type { Cluster, ClusterNode, Service } from '../model/types';
import { CILIUM_INGRESS_IDENTITY, ciliumIngressIP } from '../cni/cilium';
import {
  CILIUM_GATEWAY_CONTROLLER,
  CILIUM_GATEWAY_PREFIX,
  ciliumGatewayEnabled,
  ciliumGatewayServiceName,
} from '../model/ciliumGateway';
import { gatewayApiStatus } from '../gateway/status';
import { hostOf } from '../gateway/hostname';
import { formatShare, routeRequest } from '../gateway/route';
import type { GatewayRequest, RouteDecision } from '../gateway/route';
import type { GatewayModel, ListenerModel } from '../gateway/types';
import {
  chooseEndpoint,
  decisionText,
  DEFAULT_ROUTE_TIMEOUT_MS,
  ENVOY_REASONS,
  endpointsOf,
  exposureOf,
  forwarded,
  gatewayRuleText,
  isInternal,
  requestUuid,
  routeRef,
  servesHost,
  toGatewayRequest,
} from './envoyGateway';
import type { L7Context, L7Decision, L7Exposure, L7Proxy, L7Request, L7Upstream } from './types';

/** Gateways whose class names Cilium's controller, with their programmed listeners. */
function ciliumGateways(cluster: Cluster): { gateway: GatewayModel; listeners: ListenerModel[] }[] {
  const status = gatewayApiStatus(cluster);
  const ours = new Set(
    status.model.classes.filter((c) => c.controllerName === CILIUM_GATEWAY_CONTROLLER).map((c) => c.name),
  );
  return status.gateways
    .filter((g) => g.owned && ours.has(g.gateway.className))
    .map((g) => ({ gateway: g.gateway, listeners: g.listeners.filter((l) => l.programmed).map((l) => l.listener) }));
}

/**
 * The Gateway a `cilium-gateway-<name>` Service stands for, or null; null too when the settings do
 * not run Cilium's Gateway API (another CNI, or Cilium without it): then nothing takes the
 * Service's connections but the Service proxy, and it has no endpoint to send them to.
 */
function gatewayOfService(cluster: Cluster, svc: Service): GatewayModel | null {
  if (!ciliumGatewayEnabled(cluster.settings, gatewayApiStatus(cluster).model.classes)) return null;
  if (!svc.name.startsWith(CILIUM_GATEWAY_PREFIX) || svc.selector !== null) return null;
  return (
    ciliumGateways(cluster).find(
      ({ gateway }) => gateway.namespace === svc.namespace && ciliumGatewayServiceName(gateway) === svc.name,
    )?.gateway ?? null
  );
}

function serviceOf(cluster: Cluster, gateway: GatewayModel): Service | null {
  const name = ciliumGatewayServiceName(gateway);
  return cluster.services.find((s) => s.namespace === gateway.namespace && s.name === name) ?? null;
}

/**
 * Where a host is published: the first Cilium Gateway with a programmed listener of the scheme's
 * protocol whose routes name the host, at its Service's load balancer address (or a node's
 * NodePort when it has none). The Service's address is the host's whatever the settings: a
 * cluster switched away from Cilium keeps the Service, which then has no one behind it.
 */
function exposure(cluster: Cluster, host: string, scheme: 'http' | 'https'): L7Exposure | null {
  return exposureOf(cluster, host, scheme, ciliumGateways(cluster), (gateway) => serviceOf(cluster, gateway));
}

/**
 * The headers the backend receives: Host, the client's headers after the route's filters (an
 * external client's x-envoy-* headers stripped), then what Envoy adds with Cilium's settings:
 * X-Envoy-Internal for a peer in Cilium's internal_address_config ranges, else
 * X-Envoy-External-Address with that peer (xff_num_trusted_hops 0 trusts no X-Forwarded-For entry).
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
  else out['x-envoy-external-address'] = remoteAddr;
  out['x-request-id'] = requestUuid(seed);
  out['x-envoy-expected-rq-timeout-ms'] = String(DEFAULT_ROUTE_TIMEOUT_MS);
  return out;
}

function nodeOf(ctx: L7Context): ClusterNode {
  if (ctx.proxy.kind !== 'node') throw new Error('Cilium runs its Envoy on the node, not in a pod');
  return ctx.proxy.node;
}

function decide(cluster: Cluster, request: L7Request, ctx: L7Context): L7Decision {
  const node = nodeOf(ctx);
  const upstreamSource = ciliumIngressIP(node) ?? node.internalIP;
  const gateway = ctx.service ? gatewayOfService(cluster, ctx.service) : null;
  const base = {
    proxy: ciliumGateway.id,
    upstreamSource,
    upstreamIdentity: CILIUM_INGRESS_IDENTITY,
    backendService: null,
    redirect: null,
    backendRequest: null,
  };
  if (gateway === null) {
    const text = `No Gateway of Cilium's class owns ${ctx.service ? `${ctx.service.namespace}/${ctx.service.name}` : 'the Service'}, so Envoy on ${node.name} has no listener for it: 404.`;
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
      upstream: null,
      rule: text,
      text,
    };
  }
  const decision = routeRequest(cluster, gateway, toGatewayRequest(request, ctx.port), {
    seed: ctx.seed,
    clientIP: ctx.remoteAddr,
  });
  const listener = {
    name: decision.listener?.name ?? '(none)',
    port: ctx.port,
    protocol: decision.listener?.protocol === 'HTTPS' ? ('HTTPS' as const) : ('HTTP' as const),
    hostname: decision.listener?.hostname ?? null,
  };
  // No listener of that protocol on the port: Envoy closes the connection without an answer,
  // recorded as a 404 from the listener (as for Envoy Gateway).
  const status = decision.status === 0 ? 404 : decision.status;
  const text = decisionText(decision);
  const picked = decision.picked;
  let upstream: L7Upstream | null = null;
  if (decision.status === 200 && decision.upstream !== null && picked) {
    const { picked: list, all } = endpointsOf(cluster, decision);
    const chosen = chooseEndpoint(list, ctx.seed, ctx.pick);
    if (chosen !== null) {
      const r = picked.ref;
      upstream = {
        kind: 'endpoint',
        endpoints: all,
        chosen,
        probability: chosen.probability ?? 1 / list.length,
        // Cilium names an Envoy cluster `<ns>:<service>:<port>`, fed by EDS from the Service's endpoints.
        rule: `cluster ${r.namespace}:${r.name}:${r.port ?? ''} (EDS ${r.namespace}/${r.name}:${r.port ?? ''}, round robin): ${decision.backends.map((b) => `${b.ref.namespace}/${b.ref.name} ${formatShare(b.probability)}`).join(', ')}; ${chosen.ip}:${chosen.port}`,
      };
    }
  }
  const up = decision.upstream;
  return {
    ...base,
    listener,
    route: routeRef(decision),
    status,
    redirect: decision.location,
    upstream,
    backendRequest:
      upstream !== null && up !== null ? forwarded(up, backendHeaders(decision, ctx.remoteAddr, ctx.seed)) : null,
    rule: gatewayRuleText(decision),
    text,
    backendService: picked ? `${picked.ref.namespace}/${picked.ref.name}` : null,
  };
}

export const ciliumGateway: L7Proxy = {
  id: 'cilium-gateway',
  label: 'Envoy',
  placement: 'node',
  servesService: (svc, cluster) => gatewayOfService(cluster, svc) !== null,
  exposure,
  decide,
  statusLine(status) {
    const reason = ENVOY_REASONS[status];
    return reason === undefined ? String(status) : `${status} ${reason}`;
  },
};

/** Whether a Gateway of Cilium's class names `host` in one of its accepted routes. */
export function ciliumGatewayNamesHost(cluster: Cluster, host: string): GatewayModel | null {
  const h = hostOf(host);
  for (const { gateway, listeners } of ciliumGateways(cluster))
    if (listeners.some((l) => servesHost(cluster, l, h))) return gateway;
  return null;
}
