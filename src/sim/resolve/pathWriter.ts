/**
 * Accumulates the hops of one direction of a trace while tracking the packet as it changes.
 *
 * Packets are copy-on-write: every change makes a new packet object, so a hop can keep a reference
 * to the packet as it left that hop without copying it (the trace hot path makes tens of thousands
 * of traces a second). Nothing may mutate a packet in place; change it through `update`.
 */
import type { Hop, HopKind, Nat, Packet } from '../trace/types';
import type { PolicyWalk } from './podPath';
import type { ElementId } from '../model/ids';
import { devicesAt } from '../narrate/devices';

/** What a hop says besides the packet, which the writer adds itself. */
export interface HopFields {
  kind: HopKind;
  /** the element id it happens at */
  at: ElementId;
  /** the node it happens on; null off-cluster */
  node: string | null;
  /**
   * The devices the hop acts on (Hop.devices); by default the device at `at`, if it is one. A
   * route at a node names its output device here, so that the sentence's device is on record.
   */
  devices?: ElementId[] | undefined;
  nat?: Nat | undefined;
  /** the rule as a user would recognise it; omitted from the hop when undefined */
  rule?: string | undefined;
  /** one plain sentence */
  text: string;
}

export class PathWriter {
  readonly hops: Hop[] = [];
  packet: Packet;
  /**
   * The NetworkPolicy verdict of the walk this writer records (set by `policyBegin`), so that the
   * enforcement points on the way read it from the walk itself; null when policy is not evaluated.
   */
  policy: PolicyWalk | null = null;

  constructor(packet: Packet) {
    this.packet = packet;
  }

  /** Records a hop with the current packet. */
  hop({ kind, at, node, devices = devicesAt(at), nat, rule, text }: HopFields): void {
    const packet = this.packet;
    // Literal objects keep the JSON in the contract's field order, with the sentence last.
    let hop: Hop;
    if (nat === undefined)
      hop =
        rule === undefined
          ? { kind, at, node, devices, packet, text }
          : { kind, at, node, devices, packet, rule, text };
    else
      hop =
        rule === undefined
          ? { kind, at, node, devices, packet, nat, text }
          : { kind, at, node, devices, packet, nat, rule, text };
    this.hops.push(hop);
  }

  /** Marks the last hop as a rule only a connection's first packet meets (Hop.firstPacketOnly). */
  firstPacketOnly(): void {
    const last = this.hops[this.hops.length - 1];
    if (last !== undefined) last.firstPacketOnly = true;
  }

  /** Replaces fields of the packet (a new object: earlier hops keep theirs). */
  update(patch: Partial<Packet>): void {
    const next = clone(this.packet);
    if (patch.src !== undefined) next.src = patch.src;
    if (patch.dst !== undefined) next.dst = patch.dst;
    if (patch.eth !== undefined) next.eth = patch.eth;
    if (patch.ttl !== undefined) next.ttl = patch.ttl;
    if (patch.outer !== undefined) next.outer = patch.outer;
    if (patch.protocol !== undefined) next.protocol = patch.protocol;
    this.packet = next;
  }

  /** Removes the tunnel header (decapsulation). */
  decapsulate(): void {
    const p = this.packet;
    const next: Packet = { src: p.src, dst: p.dst, protocol: p.protocol };
    if (p.ttl !== undefined) next.ttl = p.ttl;
    if (p.eth !== undefined) next.eth = p.eth;
    this.packet = next;
  }

  /** Decrements the TTL as a routed hop does. */
  routed(): void {
    if (this.packet.ttl === undefined) return;
    const next = clone(this.packet);
    next.ttl = this.packet.ttl - 1;
    this.packet = next;
  }
}

/**
 * A shallow copy with the fields always added in one order, so that every packet shares one
 * object shape (object spread is several times slower on this path).
 */
function clone(p: Packet): Packet {
  const q: Packet = { src: p.src, dst: p.dst, protocol: p.protocol };
  if (p.ttl !== undefined) q.ttl = p.ttl;
  if (p.outer !== undefined) q.outer = p.outer;
  if (p.eth !== undefined) q.eth = p.eth;
  return q;
}
