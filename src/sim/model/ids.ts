/**
 * Element ids shared by the simulation, the drawing, links and the CLI (the id table of docs/trace-format.md).
 * Every id is built here and nowhere else.
 */
export type ElementId = string;

export const nodeId = (node: string): ElementId => `node/${node}`;
export const deviceId = (node: string, device: string): ElementId => `dev/${node}/${device}`;
export const podId = (ns: string, pod: string): ElementId => `pod/${ns}/${pod}`;
export const podEth0Id = (ns: string, pod: string): ElementId => `dev/pod/${ns}/${pod}/eth0`;
export const vethId = (node: string, ns: string, pod: string): ElementId => `veth/${node}/${ns}/${pod}`;
export const containerId = (ns: string, pod: string, container: string): ElementId =>
  `container/${ns}/${pod}/${container}`;
export const serviceId = (ns: string, name: string): ElementId => `svc/${ns}/${name}`;
/** A NetworkPolicy object (drawn above the Services; it is not on any packet's path). */
export const policyId = (ns: string, name: string): ElementId => `netpol/${ns}/${name}`;
export const nodePortId = (node: string, port: number): ElementId => `nodeport/${node}/${port}`;
export const wireId = (a: string, b: string): ElementId => (a < b ? `wire/${a}/${b}` : `wire/${b}/${a}`);
export const loadBalancerId = (ns: string, svc: string): ElementId => `lb/${ns}/${svc}`;
export const externalId = (ip: string): ElementId => `ext/${ip}`;
export const INTERNET_ID: ElementId = 'internet';

/** `ns/name`, the key Kubernetes uses for namespaced objects. */
export const nsName = (ns: string, name: string): string => `${ns}/${name}`;
