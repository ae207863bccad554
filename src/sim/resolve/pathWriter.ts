/**
 * Accumulates the hops of one direction of a trace while tracking the packet as it changes.
 *
 * Packets are copy-on-write: every change makes a new packet object, so a hop can keep a reference
 * to the packet as it left that hop without copying it (the trace hot path makes tens of thousands
 * of traces a second). Nothing may mutate a packet in place; change it through `update`.
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
    const hop: Hop = { kind, at, node, packet: this.packet, text };
    if (rule !== undefined) hop.rule = rule;
    if (nat !== undefined) hop.nat = nat;
    this.hops.push(hop);
  }

  /** Replaces fields of the packet (a new object: earlier hops keep theirs). */
  update(patch: Partial<Packet>): void {
    this.packet = { ...this.packet, ...patch };
  }

  /** Decrements the TTL as a routed hop does. */
  routed(): void {
    if (this.packet.ttl !== undefined) this.packet = { ...this.packet, ttl: this.packet.ttl - 1 };
  }
}
