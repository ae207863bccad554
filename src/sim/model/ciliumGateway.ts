/**
 * Cilium's Gateway API data plane as its operator creates it (docs/gateway-api.md, "Cilium"): for
 * each Gateway of a GatewayClass whose controller is `io.cilium/gateway-controller`, a LoadBalancer
 * Service `cilium-gateway-<gateway>` in the Gateway's namespace, one port `port-<n>` per listener
 * port, no selector, and a CiliumEnvoyConfig for the per-node Envoy. No proxy pod: Cilium's eBPF
 * service handling hands the Service's connections to the Envoy of the node that received them.
 * Added to a description whose Gateways lack the Service, as envoyGateway.ts adds Envoy Gateway's.
 */
import type { ClusterSpec, ServiceSpec } from './build';
import { readGatewayApi } from '../gateway/model';
import type { GatewayModel } from '../gateway/types';
import { CILIUM_GATEWAY_CONTROLLER, ciliumGatewayEnabled } from '../cni/cilium';

export { CILIUM_GATEWAY_CONTROLLER, ciliumGatewayEnabled } from '../cni/cilium';
export const CILIUM_GATEWAY_PREFIX = 'cilium-gateway-';

/** `cilium-gateway-eg` for Gateway eg. */
export function ciliumGatewayServiceName(gateway: { name: string }): string {
  return `${CILIUM_GATEWAY_PREFIX}${gateway.name}`;
}

/** One port per distinct HTTP or HTTPS listener port, named `port-<n>`, in port order. */
function servicePorts(gateway: GatewayModel): { name: string; port: number }[] {
  const ports = new Set<number>();
  for (const l of gateway.listeners) if (l.protocol === 'HTTP' || l.protocol === 'HTTPS') ports.add(l.port);
  return [...ports].sort((a, b) => a - b).map((port) => ({ name: `port-${port}`, port }));
}

/**
 * The Service the operator writes: LoadBalancer, the externalTrafficPolicy of cilium-config's
 * `gateway-api-service-externaltrafficpolicy` (Cluster by default), no selector (the agent never
 * forwards to its endpoints: Envoy takes the connections).
 */
export function ciliumGatewayService(gateway: GatewayModel, externalTrafficPolicy: 'Cluster' | 'Local'): ServiceSpec {
  return {
    namespace: gateway.namespace,
    name: ciliumGatewayServiceName(gateway),
    type: 'LoadBalancer',
    externalTrafficPolicy,
    selector: null,
    ports: servicePorts(gateway).map(({ name, port }) => ({ name, protocol: 'tcp' as const, port, targetPort: port })),
  };
}

/** The Gateways of a description that Cilium serves (their GatewayClass names its controller). */
export function ciliumGateways(spec: ClusterSpec): GatewayModel[] {
  const api = readGatewayApi(spec.extras ?? []);
  const ours = new Set(api.classes.filter((c) => c.controllerName === CILIUM_GATEWAY_CONTROLLER).map((c) => c.name));
  return api.gateways.filter((g) => ours.has(g.className));
}

/**
 * Adds, for each Gateway of a Cilium class that has no `cilium-gateway-<name>` Service yet, the
 * Service Cilium's operator would create, when the settings run Cilium's Gateway API. Returns the
 * description unchanged and no note when there is nothing to add. The input is not modified.
 */
export function addCiliumGateway(spec: ClusterSpec): { spec: ClusterSpec; note: string | null } {
  if (!ciliumGatewayEnabled(spec.settings ?? {}, readGatewayApi(spec.extras ?? []).classes))
    return { spec, note: null };
  const services = spec.services ?? [];
  const missing = ciliumGateways(spec).filter(
    (g) =>
      servicePorts(g).length > 0 &&
      !services.some((s) => (s.namespace ?? 'default') === g.namespace && s.name === ciliumGatewayServiceName(g)),
  );
  if (missing.length === 0) return { spec, note: null };
  const next: ClusterSpec = {
    ...spec,
    services: [...services, ...missing.map((g) => ciliumGatewayService(g, 'Cluster'))],
  };
  const names = missing.map((g) => `${g.namespace}/${ciliumGatewayServiceName(g)}`).join(', ');
  const note = `The input has ${missing.length === 1 ? 'a Gateway' : `${missing.length} Gateways`} of Cilium's GatewayClass but not the Service Cilium's operator creates for it: the simulation adds the LoadBalancer Service ${names} (externalTrafficPolicy: Cluster, Cilium's default).`;
  return { spec: next, note };
}
