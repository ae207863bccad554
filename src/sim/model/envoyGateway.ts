/**
 * Envoy Gateway's data plane as its controller creates it for each Gateway of its GatewayClass
 * (docs/gateway-api.md, "Data path"): in `envoy-gateway-system`, a Deployment of Envoy pods and a
 * LoadBalancer Service (externalTrafficPolicy Local) named `envoy-<ns>-<gateway>-<hash>`, labelled
 * with the owning Gateway. Added to a description whose Gateways have no Envoy yet, as
 * ingressController.ts adds ingress-nginx: a change to the description, not to packets.
 */
import type { ClusterSpec, ServiceSpec, WorkloadSpec } from './build';
import { readGatewayApi } from '../gateway/model';
import type { GatewayModel } from '../gateway/types';
import { sha256Hex } from '../proxy/sha256';

export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';
export const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';
export const OWNING_GATEWAY_NAME = 'gateway.envoyproxy.io/owning-gateway-name';
export const OWNING_GATEWAY_NAMESPACE = 'gateway.envoyproxy.io/owning-gateway-namespace';
const ENVOY_IMAGE = 'docker.io/envoyproxy/envoy:distroless-v1.34.1';
const SHUTDOWN_MANAGER_IMAGE = 'docker.io/envoyproxy/gateway:v1.4.1';
/** Envoy Gateway keeps at most this much of `<ns>-<name>` before the hash (utils.GetHashedName). */
const NAME_KEEP = 48;

/** The labels Envoy Gateway puts on the proxy's Deployment, pods and Service selector. */
export function envoyLabels(gateway: { namespace: string; name: string }): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'envoy',
    'app.kubernetes.io/component': 'proxy',
    'app.kubernetes.io/managed-by': 'envoy-gateway',
    [OWNING_GATEWAY_NAME]: gateway.name,
    [OWNING_GATEWAY_NAMESPACE]: gateway.namespace,
  };
}

/**
 * `envoy-default-eg-e41e7b31` for Gateway default/eg: `<ns>-<name>` (cut to 48 characters, no
 * trailing hyphen) and the first 8 hex digits of SHA-256 of `<ns>/<name>`.
 */
export function envoyResourceName(gateway: { namespace: string; name: string }): string {
  const key = `${gateway.namespace}/${gateway.name}`;
  let base = key.replace(/\//g, '-');
  if (base.length > NAME_KEEP) base = base.slice(0, NAME_KEEP).replace(/-+$/, '');
  return `envoy-${base}-${sha256Hex(key).slice(0, 8)}`;
}

/**
 * The port Envoy listens on for a Gateway listener port: a privileged port (below 1024) is shifted
 * up by 10000 so that Envoy runs without CAP_NET_BIND_SERVICE (80 -> 10080, 443 -> 10443).
 */
export function envoyContainerPort(listenerPort: number): number {
  return listenerPort < 1024 ? listenerPort + 10000 : listenerPort;
}

/** The Service port name Envoy Gateway gives a listener port: `http-80`, `https-443`. */
export function envoyPortName(protocol: string, port: number): string {
  return `${protocol.toLowerCase()}-${port}`;
}

/** One entry per distinct listener port, with the protocol of its first listener. */
function listenerPorts(gateway: GatewayModel): { protocol: string; port: number }[] {
  const seen = new Map<number, string>();
  for (const l of gateway.listeners)
    if ((l.protocol === 'HTTP' || l.protocol === 'HTTPS') && !seen.has(l.port)) seen.set(l.port, l.protocol);
  return [...seen].map(([port, protocol]) => ({ protocol, port }));
}

/** The proxy's Service: LoadBalancer, externalTrafficPolicy Local, one port per listener port. */
export function envoyService(gateway: GatewayModel): ServiceSpec {
  return {
    namespace: ENVOY_GATEWAY_NAMESPACE,
    name: envoyResourceName(gateway),
    type: 'LoadBalancer',
    externalTrafficPolicy: 'Local',
    selector: envoyLabels(gateway),
    ports: listenerPorts(gateway).map(({ protocol, port }) => ({
      name: envoyPortName(protocol, port),
      protocol: 'tcp' as const,
      port,
      targetPort: envoyContainerPort(port),
    })),
  };
}

/** The proxy's Deployment: one replica, the envoy container and the shutdown manager. */
export function envoyDeployment(gateway: GatewayModel): WorkloadSpec {
  return {
    kind: 'Deployment',
    namespace: ENVOY_GATEWAY_NAMESPACE,
    name: envoyResourceName(gateway),
    replicas: 1,
    template: {
      labels: envoyLabels(gateway),
      containers: [
        {
          name: 'envoy',
          image: ENVOY_IMAGE,
          ports: [
            ...listenerPorts(gateway).map(({ protocol, port }) => ({
              name: envoyPortName(protocol, port),
              containerPort: envoyContainerPort(port),
              protocol: 'tcp' as const,
            })),
            { name: 'metrics', containerPort: 19001, protocol: 'tcp' as const },
            { name: 'readiness', containerPort: 19003, protocol: 'tcp' as const },
          ],
        },
        { name: 'shutdown-manager', image: SHUTDOWN_MANAGER_IMAGE },
      ],
    },
  };
}

/** Whether a description already runs Envoy for `gateway` (a workload with its owning labels or name). */
function hasProxy(spec: ClusterSpec, gateway: GatewayModel): boolean {
  const name = envoyResourceName(gateway);
  return (spec.workloads ?? []).some((w) => {
    if (w.name === name) return true;
    const labels = ('template' in w ? w.template.labels : w.labels) ?? {};
    return labels[OWNING_GATEWAY_NAME] === gateway.name && labels[OWNING_GATEWAY_NAMESPACE] === gateway.namespace;
  });
}

/** The Gateways of a description that Envoy Gateway serves (their GatewayClass names its controller). */
export function envoyGateways(spec: ClusterSpec): GatewayModel[] {
  const api = readGatewayApi(spec.extras ?? []);
  const ours = new Set(api.classes.filter((c) => c.controllerName === ENVOY_GATEWAY_CONTROLLER).map((c) => c.name));
  return api.gateways.filter((g) => ours.has(g.className));
}

/**
 * Adds, for each Gateway of an Envoy Gateway class that has no Envoy yet, the Deployment and the
 * LoadBalancer Service Envoy Gateway would create in envoy-gateway-system. Returns the description
 * unchanged and no note when there is nothing to add. The input is not modified.
 */
export function addEnvoyGateway(spec: ClusterSpec): { spec: ClusterSpec; note: string | null } {
  const missing = envoyGateways(spec).filter((g) => !hasProxy(spec, g) && listenerPorts(g).length > 0);
  if (missing.length === 0) return { spec, note: null };
  const next: ClusterSpec = {
    ...spec,
    workloads: [...(spec.workloads ?? []), ...missing.map(envoyDeployment)],
    services: [...(spec.services ?? []), ...missing.map(envoyService)],
    namespaces: [...new Set([...(spec.namespaces ?? []), ENVOY_GATEWAY_NAMESPACE])],
  };
  const names = missing.map((g) => `${g.namespace}/${g.name} (${envoyResourceName(g)})`).join(', ');
  const note = `The input has ${missing.length === 1 ? 'a Gateway' : `${missing.length} Gateways`} of Envoy Gateway but not the proxy it creates: the simulation adds, in ${ENVOY_GATEWAY_NAMESPACE}, an Envoy Deployment behind a LoadBalancer Service with externalTrafficPolicy: Local for ${names}.`;
  return { spec: next, note };
}
