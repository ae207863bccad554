/**
 * Accumulates the hops of one direction of a trace while tracking the packet as it changes.
 * Each hop records a copy of the packet as it leaves that hop.
 */
import type { Hop, HopKind, Nat, Packet } from '../trace/types';

export class PathWriter {
  readonly hops: Hop[] = [];
  packet: Packet;

  constructor(packet: Packet) {
    this.packet = packet;
  }

  /** Records a hop with the current packet. */
  hop(kind: HopKind, at: string, node: string | null, text: string, rule?: string, nat?: Nat): void {
    const packet: Packet = { ...this.packet };
    if (packet.outer) packet.outer = { ...packet.outer };
    if (packet.eth) packet.eth = { ...packet.eth };
    const hop: Hop = { kind, at, node, packet, text };
    if (rule !== undefined) hop.rule = rule;
    if (nat !== undefined) hop.nat = nat;
    this.hops.push(hop);
  }

  /** Decrements the TTL as a routed hop does. */
  routed(): void {
    if (this.packet.ttl !== undefined) this.packet.ttl -= 1;
  }
}
