/**
 * Questions a user asks about one element of the cluster, answered from the model: which Services
 * select a pod, what a Service's endpoints are, what an id names. The inspector, the text view and
 * the search box all ask here, so they agree.
 */
import { lookup } from '../model/lookup';
import { gatewayId, httpRouteId, ingressId, parseElementId } from '../model/ids';
import { gatewayApi } from '../gateway/model';
import type { Cluster, ClusterNode, Container, EndpointSet, Pod, Service } from '../model/types';
import { networkPolicies, podsIsolatedBy } from '../model/policy';
import type { NetworkPolicyModel } from '../model/policy';
import { gatewayApiStatus } from '../gateway/status';
import { effectiveClass, ingresses, nginxIngresses } from '../model/ingressModel';
import type { IngressClassModel, IngressModel } from '../model/ingressModel';
import type { GatewayStatus, RouteStatus } from '../gateway/status';

export type Described =
  | { kind: 'node'; node: ClusterNode; pods: Pod[] }
  | { kind: 'pod'; pod: Pod; services: Service[] }
  | { kind: 'container'; pod: Pod; container: Container }
  | { kind: 'service'; service: Service; endpoints: EndpointSet | null }
  | { kind: 'device'; node: ClusterNode; device: ClusterNode['devices'][number] }
  | { kind: 'pod-device'; pod: Pod; device: 'eth0' | 'lo' }
  | { kind: 'veth'; pod: Pod }
  | { kind: 'policy'; policy: NetworkPolicyModel; pods: Pod[]; enforced: boolean }
  /** a Gateway with the status a controller writes, and the HTTPRoutes that name it */
  | { kind: 'gateway'; gateway: GatewayStatus; routes: RouteStatus[] }
  | { kind: 'httproute'; route: RouteStatus }
  /** an Ingress, the IngressClass it ends up with, and whether ingress-nginx serves it */
  | { kind: 'ingress'; ingress: IngressModel; ingressClass: IngressClassModel | null; served: boolean };

function labelsMatch(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(selector);
  if (keys.length === 0) return false;
  return keys.every((k) => labels[k] === selector[k]);
}

/** The Services whose selector picks this pod (same namespace, every selector label matches). */
export function servicesSelecting(cluster: Cluster, pod: Pod): Service[] {
  return cluster.services.filter(
    (s) => s.namespace === pod.namespace && s.selector !== null && labelsMatch(s.selector, pod.labels),
  );
}

/** What an element id of the id table of docs/trace-format.md names in this cluster, or null. */
export function describe(cluster: Cluster, id: string): Described | null {
  const lk = lookup(cluster);
  const e = parseElementId(id);
  if (e === null) return null;
  switch (e.kind) {
    case 'node':
    case 'kernel': {
      const node = lk.nodeByName.get(e.node);
      return node ? { kind: 'node', node, pods: cluster.pods.filter((p) => p.node === node.name) } : null;
    }
    case 'pod': {
      const pod = lk.podByKey.get(`${e.namespace}/${e.pod}`);
      return pod ? { kind: 'pod', pod, services: servicesSelecting(cluster, pod) } : null;
    }
    case 'container': {
      const pod = lk.podByKey.get(`${e.namespace}/${e.pod}`);
      const container = pod?.containers.find((c) => c.name === e.container);
      return pod && container ? { kind: 'container', pod, container } : null;
    }
    case 'service': {
      const key = `${e.namespace}/${e.name}`;
      const service = lk.serviceByKey.get(key);
      return service ? { kind: 'service', service, endpoints: lk.endpointsByService.get(key) ?? null } : null;
    }
    case 'veth': {
      const pod = lk.podByKey.get(`${e.namespace}/${e.pod}`);
      return pod ? { kind: 'veth', pod } : null;
    }
    case 'pod-device': {
      const pod = lk.podByKey.get(`${e.namespace}/${e.pod}`);
      return pod ? { kind: 'pod-device', pod, device: e.device === 'lo' ? 'lo' : 'eth0' } : null;
    }
    case 'device': {
      const node = lk.nodeByName.get(e.node);
      const device = node?.devices.find((d) => d.name === e.device);
      return node && device ? { kind: 'device', node, device } : null;
    }
    case 'policy': {
      const policy = networkPolicies(cluster).find((p) => p.namespace === e.namespace && p.name === e.name);
      return policy
        ? { kind: 'policy', policy, pods: podsIsolatedBy(cluster, policy), enforced: cluster.settings.policyEnforced }
        : null;
    }
    case 'gateway': {
      const status = gatewayApiStatus(cluster);
      const gateway = status.gateways.find((g) => g.gateway.namespace === e.namespace && g.gateway.name === e.name);
      if (!gateway) return null;
      const routes = status.routes.filter((r) =>
        r.parents.some((p) => p.parentRef.namespace === e.namespace && p.parentRef.name === e.name),
      );
      return { kind: 'gateway', gateway, routes };
    }
    case 'httproute': {
      const route = gatewayApiStatus(cluster).routes.find(
        (r) => r.route.namespace === e.namespace && r.route.name === e.name,
      );
      return route ? { kind: 'httproute', route } : null;
    }
    case 'ingress': {
      const ingress = ingresses(cluster).find((i) => i.namespace === e.namespace && i.name === e.name);
      return ingress
        ? {
            kind: 'ingress',
            ingress,
            ingressClass: effectiveClass(cluster, ingress),
            served: nginxIngresses(cluster).includes(ingress),
          }
        : null;
    }
    default:
      return null;
  }
}

/** Gateways, HTTPRoutes and Ingresses by name and by `ns/name`, with their element ids. */
function namedObjects(cluster: Cluster): [string, string][] {
  const api = gatewayApi(cluster);
  const objects = [
    ...api.gateways.map((g) => ({ ns: g.namespace, name: g.name, id: gatewayId(g.namespace, g.name) })),
    ...api.routes.map((r) => ({ ns: r.namespace, name: r.name, id: httpRouteId(r.namespace, r.name) })),
    ...ingresses(cluster).map((i) => ({ ns: i.namespace, name: i.name, id: ingressId(i.namespace, i.name) })),
  ];
  return objects.flatMap((o): [string, string][] => [
    [o.name, o.id],
    [`${o.ns}/${o.name}`, o.id],
  ]);
}

/**
 * Finds the element a user means by a name or an address: a pod, Service or node by name (exact,
 * then prefix), a Gateway, HTTPRoute or Ingress by name, a pod IP, a ClusterIP or a node IP. Returns its element id, or null.
 */
export function findElement(cluster: Cluster, query: string): string | null {
  return findElements(cluster, query)[0] ?? null;
}

/**
 * Every element a search matches, best first: an exact IP, then exact names, names that start
 * with the query, names that contain it; each element once. `findElement` is the first of them.
 *
 * @example findElements(cluster, 'web') // ['svc/default/web', 'pod/default/web-1', 'pod/default/web-2']
 */
export function findElements(cluster: Cluster, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const lk = lookup(cluster);
  const found: string[] = [];
  const pod = lk.podByIP.get(q);
  if (pod) found.push(`pod/${pod.namespace}/${pod.name}`);
  const svcByIP = lk.serviceByIP.get(q);
  if (svcByIP) found.push(`svc/${svcByIP.namespace}/${svcByIP.name}`);
  const node = lk.nodeByIP.get(q);
  if (node) found.push(`node/${node.name}`);
  const candidates: [string, string][] = [
    ...cluster.nodes.map((n): [string, string] => [n.name, `node/${n.name}`]),
    ...cluster.services.map((s): [string, string] => [s.name, `svc/${s.namespace}/${s.name}`]),
    ...cluster.services.map((s): [string, string] => [`${s.namespace}/${s.name}`, `svc/${s.namespace}/${s.name}`]),
    ...cluster.pods.map((p): [string, string] => [p.name, `pod/${p.namespace}/${p.name}`]),
    ...cluster.pods.map((p): [string, string] => [`${p.namespace}/${p.name}`, `pod/${p.namespace}/${p.name}`]),
    ...namedObjects(cluster),
  ];
  const lower = candidates.map(([name, id]): [string, string] => [name.toLowerCase(), id]);
  for (const [name, id] of lower) if (name === q) found.push(id);
  for (const [name, id] of lower) if (name.startsWith(q)) found.push(id);
  for (const [name, id] of lower) if (name.includes(q)) found.push(id);
  return [...new Set(found)];
}
