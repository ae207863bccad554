/**
 * The conversation of a trace and the playback timeline it numbers (docs/trace-format.md). Pure
 * functions of the trace: the same trace gives the same steps, and nothing is remembered between
 * calls.
 */
import type { Carry, Exchange, Hop, Trace } from './types';

export type StepPhase = 'dns' | 'request' | 'reply';

/** One playback step: the hop shown, and where it comes from in the trace. */
export interface TimelineStep {
  /** the hop as this step shows it (its `text` retold when a later packet replays the path) */
  hop: Hop;
  /** `request` for packets towards a server, `reply` for packets back; `dns` for the lookup */
  phase: StepPhase;
  /** the index of the exchange in the conversation; null for DNS steps */
  exchange: number | null;
  /** where the hop is stored: `dns.hops`, `hops` or `reply.hops`, at `index` */
  path: 'dns' | 'hops' | 'reply';
  index: number;
}

function backCarries(protocol: string, reply: NonNullable<Trace['reply']>): Carry[] {
  const first = reply.hops[0];
  if (reply.verdict === 'refused') {
    // REJECT answers with ICMP whatever the protocol; a closed TCP port answers with a RST.
    const icmp = protocol !== 'tcp' || first?.packet.protocol === 'icmp';
    return [icmp ? 'ICMP error' : 'RST'];
  }
  return protocol === 'tcp' ? ['SYN-ACK'] : ['response'];
}

const FORWARD_TEXT: Record<string, string> = {
  tcp: 'The client opens the TCP connection: its SYN travels to the server.',
  udp: 'The client’s datagram travels to the server.',
  icmp: 'The echo request travels to the destination.',
};

function backText(carry: Carry, protocol: string): string {
  if (carry === 'SYN-ACK') return 'The server accepts: its SYN-ACK travels back and the connection is established.';
  if (carry === 'RST') return 'Nothing accepts the connection: a TCP RST travels back and the client is refused.';
  if (carry === 'ICMP error') return 'An ICMP error travels back: the client is refused at once.';
  return protocol === 'icmp' ? 'The echo reply travels back.' : 'The answer travels back to the client.';
}

/**
 * One connection's first packet (SYN, datagram, echo request) along `hops`, then its answer along
 * `reply` (SYN-ACK, RST, ICMP error, answer), on `leg`.
 */
export function openingExchanges(
  protocol: string,
  hops: readonly Hop[],
  reply: Trace['reply'],
  leg: Exchange['leg'],
): Exchange[] {
  const out: Exchange[] = [];
  if (hops.length > 0)
    out.push({
      leg,
      direction: 'to-server',
      carries: protocol === 'tcp' ? ['SYN'] : ['request'],
      path: 'hops',
      from: 0,
      to: hops.length,
      text: FORWARD_TEXT[protocol] ?? (FORWARD_TEXT['tcp'] as string),
    });
  if (reply && reply.hops.length > 0) {
    const carries = backCarries(protocol, reply);
    out.push({
      leg,
      direction: 'to-client',
      carries,
      path: 'reply',
      from: 0,
      to: reply.hops.length,
      text: backText(carries[0] as Carry, protocol),
    });
  }
  return out;
}

/**
 * The conversation of a trace that no L7 proxy ended: the first packet along `hops`, then its
 * answer along `reply.hops`. Its playback order is the one traces have always had.
 */
export function directConversation(trace: Trace): Exchange[] {
  return openingExchanges(trace.request.protocol, trace.hops, trace.reply, 'direct');
}

/** The trace's conversation: its own, or the direct one for a trace stored without it. */
export function conversationOf(trace: Trace): Exchange[] {
  return trace.conversation ?? directConversation(trace);
}

/**
 * The playback timeline: the DNS hops, then each exchange's hops in conversation order. Steps are
 * numbered by their index here, in the app, its links, its postMessage API and the CLI.
 */
export function timeline(trace: Trace): TimelineStep[] {
  return playOrder(trace, true);
}

/** The timeline, or (`skip` false) the one links numbered before exchanges skipped hops (`tl=2`). */
function playOrder(trace: Trace, skip: boolean): TimelineStep[] {
  const steps: TimelineStep[] = (trace.dns?.hops ?? []).map((hop, index) => ({
    hop,
    phase: 'dns',
    exchange: null,
    path: 'dns',
    index,
  }));
  conversationOf(trace).forEach((x, e) => {
    const list = x.path === 'hops' ? trace.hops : (trace.reply?.hops ?? []);
    const phase: StepPhase = x.direction === 'to-server' ? 'request' : 'reply';
    for (let index = Math.max(0, x.from); index < Math.min(x.to, list.length); index++) {
      if (skip && x.skip?.includes(index)) continue;
      const hop = list[index] as Hop;
      const retold = x.retell?.find((r) => r.index === index);
      const told = retold === undefined ? hop : { ...hop, text: retold.text };
      if (retold?.rule !== undefined) told.rule = retold.rule;
      steps.push({ hop: told, phase, exchange: e, path: x.path, index });
    }
  });
  return steps;
}

/**
 * The timeline step a `tl=2` link shows at its `step`: links numbered the timeline before later
 * packets skipped the rules only a first packet meets. The same hop of the same exchange; a hop
 * now skipped maps to the next step of its exchange (the conntrack hop that replaces it).
 */
export function stepFromTimeline2(trace: Trace, step: number): number {
  const old = playOrder(trace, false);
  const now = timeline(trace);
  const at = old[step];
  if (!at) return step < 0 ? step : Math.max(step - old.length + now.length, 0);
  const same = now.findIndex((s) => s.exchange === at.exchange && s.path === at.path && s.index === at.index);
  if (same >= 0) return same;
  const next = now.findIndex((s) => s.exchange === at.exchange && s.path === at.path && s.index > at.index);
  return next >= 0 ? next : Math.min(step, Math.max(now.length - 1, 0));
}

/** The hops of the timeline, one per playback step. */
export function flattenHops(trace: Trace): Hop[] {
  return timeline(trace).map((s) => s.hop);
}

/** Which part of the trace a playback step belongs to. */
export function stepPhase(trace: Trace, step: number): StepPhase {
  return timeline(trace)[step]?.phase ?? 'reply';
}

/**
 * The numbering links used before traces held a conversation: the DNS hops, then `hops`, then
 * `reply.hops`, each once.
 */
function legacyOrder(trace: Trace): { path: TimelineStep['path']; index: number }[] {
  return [
    ...(trace.dns?.hops ?? []).map((_, index) => ({ path: 'dns' as const, index })),
    ...trace.hops.map((_, index) => ({ path: 'hops' as const, index })),
    ...(trace.reply?.hops ?? []).map((_, index) => ({ path: 'reply' as const, index })),
  ];
}

/** Whether the timeline numbers steps differently from the numbering links used before. */
export function renumbered(trace: Trace): boolean {
  const old = legacyOrder(trace);
  const now = timeline(trace);
  return old.length !== now.length || old.some((o, i) => now[i]?.path !== o.path || now[i]?.index !== o.index);
}

/**
 * The timeline step a link written before conversations shows at its `step`: the same hop. A hop
 * the conversation plays more than once maps to the packet the old numbering meant there: on the
 * way to the server the first time it is played (the SYN that opened the connection), on the way
 * back the last (the answer, after the handshake). A step past the end stays past the end.
 */
export function stepFromLegacy(trace: Trace, step: number): number {
  const old = legacyOrder(trace);
  const at = old[step];
  const now = timeline(trace);
  if (!at) return step < 0 ? step : Math.max(step - old.length + now.length, 0);
  const matches = now.flatMap((s, i) => (s.path === at.path && s.index === at.index ? [i] : []));
  if (matches.length === 0) return Math.min(step, Math.max(now.length - 1, 0));
  return (at.path === 'reply' ? matches[matches.length - 1] : matches[0]) as number;
}
