/**
 * Memoised parsing for the trace hot path. The addresses a trace handles are the cluster's own (a
 * bounded set), so each is parsed once; the caches are capped so hostile input cannot grow them
 * without end.
 */
import { parseCidr as parseCidrText, parseIPv4 as parseIPv4Text } from './ip';
import type { Cidr } from './ip';
import type { ClusterNode, Device } from './types';
import { weakCache } from './weakCache';

const MAX_ENTRIES = 200_000;
const ips = new Map<string, number | null>();
const cidrs = new Map<string, Cidr | null>();

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
  return deviceIPs(node).get(name) ?? null;
}

const deviceIPs = weakCache((node: ClusterNode) => {
  const byName = new Map<string, string | null>();
  for (const d of node.devices)
    byName.set(d.name, d.address === null ? null : d.address.slice(0, d.address.indexOf('/')));
  return byName;
});

const devicesByNode = weakCache((node: ClusterNode) => new Map<string, Device>(node.devices.map((d) => [d.name, d])));

/** A node's device by name, or null; memoised per node. */
export function deviceOf(node: ClusterNode, name: string): Device | null {
  return devicesByNode(node).get(name) ?? null;
}
