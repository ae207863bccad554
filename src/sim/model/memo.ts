/**
 * Memoised parsing for the trace hot path. The addresses a trace handles are the cluster's own (a
 * bounded set), so each is parsed once; the caches are capped so hostile input cannot grow them
 * without end.
 */
import { parseCidr as parseCidrText, parseIPv4 as parseIPv4Text } from './ip';
import type { Cidr } from './ip';
import type { ClusterNode, Device } from './types';

const MAX_ENTRIES = 200_000;
const ips = new Map<string, number | null>();
const cidrs = new Map<string, Cidr | null>();
const deviceIPs = new WeakMap<ClusterNode, Map<string, string | null>>();

/** parseIPv4, memoised. */
export function parseIPv4(text: string): number | null {
  let value = ips.get(text);
  if (value === undefined) {
    if (ips.size >= MAX_ENTRIES) ips.clear();
    value = parseIPv4Text(text);
    ips.set(text, value);
  }
  return value;
}

/** parseCidr, memoised (the result is shared: do not mutate it). */
export function parseCidr(text: string): Cidr | null {
  let value = cidrs.get(text);
  if (value === undefined) {
    if (cidrs.size >= MAX_ENTRIES) cidrs.clear();
    value = parseCidrText(text);
    cidrs.set(text, value);
  }
  return value;
}

/** The address part of a node device's `ip/prefix`, or null; memoised per node. */
export function deviceIP(node: ClusterNode, name: string): string | null {
  let byName = deviceIPs.get(node);
  if (!byName) {
    byName = new Map();
    for (const d of node.devices)
      byName.set(d.name, d.address === null ? null : d.address.slice(0, d.address.indexOf('/')));
    deviceIPs.set(node, byName);
  }
  return byName.get(name) ?? null;
}

const devicesByNode = new WeakMap<ClusterNode, Map<string, Device>>();

/** A node's device by name, or null; memoised per node. */
export function deviceOf(node: ClusterNode, name: string): Device | null {
  let byName = devicesByNode.get(node);
  if (!byName) {
    byName = new Map(node.devices.map((d) => [d.name, d]));
    devicesByNode.set(node, byName);
  }
  return byName.get(name) ?? null;
}
