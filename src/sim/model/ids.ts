/**
 * Element ids shared by the simulation, the drawing, links and the CLI (the id table of
 * docs/trace-format.md). Every id is built here and parsed here (`parseElementId`), nowhere else.
 */

/**
 * The id of an element of the drawing, a hop's `at`. Branded so that a plain string (a pod's
 * `ns/name`, an address) cannot be passed where an id is meant: ids come from the builders below
 * or from `parseElementId`'s check.
 */
export type ElementId = string & { readonly __brand: 'ElementId' };

const id = (text: string): ElementId => text as ElementId;

export const nodeId = (node: string): ElementId => id(`node/${node}`);
export const deviceId = (node: string, device: string): ElementId => id(`dev/${node}/${device}`);
export const podId = (ns: string, pod: string): ElementId => id(`pod/${ns}/${pod}`);
export const podEth0Id = (ns: string, pod: string): ElementId => id(`dev/pod/${ns}/${pod}/eth0`);
/** A pod's id from its `ns/name` key (as EndpointSlices and candidates name it). */
export const podIdOfKey = (key: string): ElementId => id(`pod/${key}`);
/** A pod's loopback device (a connection inside the pod's namespace). */
export const podLoId = (ns: string, pod: string): ElementId => id(`dev/pod/${ns}/${pod}/lo`);
/** The box the diagram draws for a node's kernel (routing and the Service proxy's rules). */
export const kernelId = (node: string): ElementId => id(`kernel/${node}`);
export const vethId = (node: string, ns: string, pod: string): ElementId => id(`veth/${node}/${ns}/${pod}`);
export const containerId = (ns: string, pod: string, container: string): ElementId =>
  id(`container/${ns}/${pod}/${container}`);
export const serviceId = (ns: string, name: string): ElementId => id(`svc/${ns}/${name}`);
/** A NetworkPolicy object (drawn above the Services; it is not on any packet's path). */
export const policyId = (ns: string, name: string): ElementId => id(`netpol/${ns}/${name}`);
export const nodePortId = (node: string, port: number): ElementId => id(`nodeport/${node}/${port}`);
export const wireId = (a: string, b: string): ElementId => id(a < b ? `wire/${a}/${b}` : `wire/${b}/${a}`);
export const loadBalancerId = (ns: string, svc: string): ElementId => id(`lb/${ns}/${svc}`);
export const externalId = (ip: string): ElementId => id(`ext/${ip}`);
export const INTERNET_ID: ElementId = id('internet');
/** A Gateway (gateway.networking.k8s.io), drawn with its listeners above the Services. */
export const gatewayId = (ns: string, name: string): ElementId => id(`gw/${ns}/${name}`);
/** An HTTPRoute, drawn between the Gateways it attaches to and the Services it sends to. */
export const httpRouteId = (ns: string, name: string): ElementId => id(`httproute/${ns}/${name}`);
/** An Ingress object: not drawn (ingress-nginx's pods carry its traffic), found by search and links. */
export const ingressId = (ns: string, name: string): ElementId => id(`ingress/${ns}/${name}`);

/** `ns/name`, the key Kubernetes uses for namespaced objects. */
export const nsName = (ns: string, name: string): string => `${ns}/${name}`;

/** What an element id names, with its parts; `parseElementId` returns it. */
export type ParsedElementId =
  | { kind: 'node'; node: string }
  | { kind: 'kernel'; node: string }
  | { kind: 'device'; node: string; device: string }
  | { kind: 'pod-device'; namespace: string; pod: string; device: string }
  | { kind: 'pod'; namespace: string; pod: string }
  | { kind: 'veth'; node: string; namespace: string; pod: string }
  | { kind: 'container'; namespace: string; pod: string; container: string }
  | { kind: 'service'; namespace: string; name: string }
  | { kind: 'policy'; namespace: string; name: string }
  | { kind: 'nodeport'; node: string; port: number }
  | { kind: 'wire'; a: string; b: string }
  | { kind: 'load-balancer'; namespace: string; service: string }
  | { kind: 'external'; ip: string }
  | { kind: 'gateway'; namespace: string; name: string }
  | { kind: 'httproute'; namespace: string; name: string }
  | { kind: 'ingress'; namespace: string; name: string }
  | { kind: 'internet' };

/**
 * Reads an element id back into its parts, or null for a string that is not one (ids come from
 * links, clicks and the CLI as plain text). The inverse of the builders above:
 * `parseElementId(vethId('node-a', 'default', 'web'))` is
 * `{ kind: 'veth', node: 'node-a', namespace: 'default', pod: 'web' }`.
 */
export function parseElementId(text: string): ParsedElementId | null {
  if (text === 'internet') return { kind: 'internet' };
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const prefix = text.slice(0, slash);
  const parts = text.slice(slash + 1).split('/');
  const [a = '', b = '', c = '', d = ''] = parts;
  const n = parts.length;
  const filled = parts.every((p) => p !== '');
  if (!filled) return null;
  switch (prefix) {
    case 'node':
      return n === 1 ? { kind: 'node', node: a } : null;
    case 'kernel':
      return n === 1 ? { kind: 'kernel', node: a } : null;
    case 'dev':
      if (a === 'pod') return n === 4 ? { kind: 'pod-device', namespace: b, pod: c, device: d } : null;
      return n === 2 ? { kind: 'device', node: a, device: b } : null;
    case 'pod':
      return n === 2 ? { kind: 'pod', namespace: a, pod: b } : null;
    case 'veth':
      return n === 3 ? { kind: 'veth', node: a, namespace: b, pod: c } : null;
    case 'container':
      return n === 3 ? { kind: 'container', namespace: a, pod: b, container: c } : null;
    case 'svc':
      return n === 2 ? { kind: 'service', namespace: a, name: b } : null;
    case 'netpol':
      return n === 2 ? { kind: 'policy', namespace: a, name: b } : null;
    case 'nodeport': {
      const port = Number(b);
      return n === 2 && Number.isInteger(port) ? { kind: 'nodeport', node: a, port } : null;
    }
    case 'wire':
      return n === 2 ? { kind: 'wire', a, b } : null;
    case 'lb':
      return n === 2 ? { kind: 'load-balancer', namespace: a, service: b } : null;
    case 'ext':
      return n === 1 ? { kind: 'external', ip: a } : null;
    case 'gw':
      return n === 2 ? { kind: 'gateway', namespace: a, name: b } : null;
    case 'httproute':
      return n === 2 ? { kind: 'httproute', namespace: a, name: b } : null;
    case 'ingress':
      return n === 2 ? { kind: 'ingress', namespace: a, name: b } : null;
    default:
      return null;
  }
}

/** The id of a parsed element (the builders' output for its parts). */
export function formatElementId(p: ParsedElementId): ElementId {
  switch (p.kind) {
    case 'node':
      return nodeId(p.node);
    case 'kernel':
      return kernelId(p.node);
    case 'device':
      return deviceId(p.node, p.device);
    case 'pod-device':
      return id(`dev/pod/${p.namespace}/${p.pod}/${p.device}`);
    case 'pod':
      return podId(p.namespace, p.pod);
    case 'veth':
      return vethId(p.node, p.namespace, p.pod);
    case 'container':
      return containerId(p.namespace, p.pod, p.container);
    case 'service':
      return serviceId(p.namespace, p.name);
    case 'policy':
      return policyId(p.namespace, p.name);
    case 'nodeport':
      return nodePortId(p.node, p.port);
    case 'wire':
      return wireId(p.a, p.b);
    case 'load-balancer':
      return loadBalancerId(p.namespace, p.service);
    case 'external':
      return externalId(p.ip);
    case 'gateway':
      return gatewayId(p.namespace, p.name);
    case 'httproute':
      return httpRouteId(p.namespace, p.name);
    case 'ingress':
      return ingressId(p.namespace, p.name);
    case 'internet':
      return INTERNET_ID;
  }
}
