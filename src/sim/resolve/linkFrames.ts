/**
 * The Ethernet frame a packet travels in on a link between machines. The pod walk carries the
 * frame it was last given (the pod's MAC towards cni0, a tunnel device's MAC inside VXLAN), which
 * is right inside a node; on the underlay between nodes and on the way to the Internet the frame
 * that crosses the link is the nodes' own (eth0 to eth0, or eth0 to the default gateway). This pass
 * writes that frame on `wire` hops, and on the hops that still carry the same frame in the same
 * tunnel after it, so the inspector's Ethernet line describes the link on screen.
 */
import { lookup } from '../model/lookup';
import { deviceOf } from '../model/memo';
import { macFor } from '../model/rng';
import type { Cluster, ClusterNode } from '../model/types';
import type { Hop, Packet, Trace } from '../trace/types';
import { defaultGateway } from './egressPath';

type Frame = { src: string; dst: string };

const eth0Mac = (node: ClusterNode): string => deviceOf(node, 'eth0')?.mac ?? '';

/** The frame on the link a wire hop crosses, or undefined where neither end is a node we model. */
function frameOf(cluster: Cluster, hops: readonly Hop[], i: number): Frame | undefined {
  const nodes = lookup(cluster).nodeByName;
  const hop = hops[i] as Hop;
  const before = hops.slice(0, i).findLast((h) => h.node !== null);
  const after = hops.slice(i + 1).find((h) => h.node !== null);
  // only the hop right before or after tells whether the packet leaves or enters a node here
  const prev = hops[i - 1]?.node === null ? undefined : before;
  const next = hops[i + 1]?.node === null ? undefined : after;
  const from = prev?.node ? nodes.get(prev.node) : undefined;
  const to = next?.node ? nodes.get(next.node) : undefined;
  if (hop.at.startsWith('wire/')) {
    return from && to && from !== to ? { src: eth0Mac(from), dst: eth0Mac(to) } : undefined;
  }
  // the Internet: the first link out of a node goes to its default gateway
  if (from) return { src: eth0Mac(from), dst: macFor(`gateway/${defaultGateway(from)}`) };
  return undefined;
}

const sameFrame = (a: Frame | undefined, b: Frame | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.src === b.src && a.dst === b.dst);

function withEth(packet: Packet, eth: Frame | undefined): Packet {
  const q: Packet = { src: packet.src, dst: packet.dst, protocol: packet.protocol };
  if (packet.ttl !== undefined) q.ttl = packet.ttl;
  if (packet.outer !== undefined) q.outer = packet.outer;
  if (eth !== undefined) q.eth = eth;
  return q;
}

function fixHops(cluster: Cluster, hops: Hop[]): Hop[] {
  let carried: { stale: Frame | undefined; frame: Frame | undefined; outer: Packet['outer'] } | null = null;
  let changed = false;
  const out = hops.map((hop, i) => {
    let eth: Frame | undefined = hop.packet.eth;
    if (hop.kind === 'wire') {
      const frame = frameOf(cluster, hops, i);
      // a wire hop whose ends we do not model keeps no frame from inside a node
      const link = frame ?? (hop.at.startsWith('wire/') ? hop.packet.eth : undefined);
      carried = { stale: hop.packet.eth, frame: link, outer: hop.packet.outer };
      eth = link;
    } else if (
      carried !== null &&
      sameFrame(hop.packet.eth, carried.stale) &&
      (hop.at.startsWith('ext/') || (hop.packet.outer !== undefined && hop.packet.outer === carried.outer))
    ) {
      // the receiving end of the link (eth0 before the tunnel is unwrapped), or an outside
      // address, whose own link the model does not know
      eth = hop.at.startsWith('ext/') ? undefined : carried.frame;
    } else carried = null;
    if (sameFrame(eth, hop.packet.eth)) return hop;
    changed = true;
    return { ...hop, packet: withEth(hop.packet, eth) };
  });
  return changed ? out : hops;
}

/** The trace with each link's own frame on the hops that cross it (see the module comment). */
export function withLinkFrames(cluster: Cluster, t: Trace): Trace {
  const hops = fixHops(cluster, t.hops);
  const dnsHops = t.dns ? fixHops(cluster, t.dns.hops) : null;
  const replyHops = t.reply ? fixHops(cluster, t.reply.hops) : null;
  if (hops === t.hops && dnsHops === (t.dns?.hops ?? null) && replyHops === (t.reply?.hops ?? null)) return t;
  return {
    ...t,
    hops,
    dns: t.dns && dnsHops ? { ...t.dns, hops: dnsHops } : t.dns,
    reply: t.reply && replyHops ? { ...t.reply, hops: replyHops } : t.reply,
  };
}
