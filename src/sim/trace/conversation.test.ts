/**
 * The conversation and the playback timeline it numbers (docs/trace-format.md): a trace no L7
 * proxy ended keeps the order traces always had (DNS, request, reply), so links written before
 * open at the same hop; the timeline is a pure function of the trace.
 */
import { describe, expect, it } from 'vitest';
import { scenarioTraces } from '../regression/cases';
import {
  conversationOf,
  directConversation,
  flattenHops,
  renumbered,
  stepFromLegacy,
  stepPhase,
  timeline,
} from './conversation';
import type { Exchange, Hop, Trace } from './types';

const runs = scenarioTraces();

function legacy(t: Trace): Hop[] {
  return [...(t.dns?.hops ?? []), ...t.hops, ...(t.reply?.hops ?? [])];
}

const hop = (kind: Hop['kind'], protocol = 'tcp'): Hop => ({
  kind,
  at: 'node/a' as Hop['at'],
  node: 'a',
  devices: [],
  packet: { src: '10.0.0.1:1', dst: '10.0.0.2:2', protocol },
  text: kind,
});

function fake(protocol: 'tcp' | 'udp' | 'icmp', reply: Trace['reply']): Trace {
  return {
    request: { from: 'pod/a', to: 'pod/b', protocol, seed: 1, pick: [] },
    verdict: reply?.verdict ?? 'dropped',
    reason: '',
    endpoint: null,
    candidates: [],
    hops: [hop('socket', protocol), hop(reply ? 'deliver' : 'drop', protocol)],
    dns: { queries: [], hops: [hop('dns', 'udp')] },
    reply,
    http: null,
  };
}

describe('the direct conversation', () => {
  it('TCP: the SYN along hops, the SYN-ACK or RST or ICMP error along the reply', () => {
    const ok = fake('tcp', { verdict: 'delivered', hops: [hop('socket'), hop('deliver')] });
    expect(directConversation(ok).map((x) => [x.leg, x.direction, x.carries, x.path, x.from, x.to])).toEqual([
      ['direct', 'to-server', ['SYN'], 'hops', 0, 2],
      ['direct', 'to-client', ['SYN-ACK'], 'reply', 0, 2],
    ]);
    const rst = fake('tcp', { verdict: 'refused', hops: [hop('socket'), hop('deliver')] });
    expect(directConversation(rst)[1]?.carries).toEqual(['RST']);
    const icmp = fake('tcp', { verdict: 'refused', hops: [hop('socket', 'icmp'), hop('deliver', 'icmp')] });
    expect(directConversation(icmp)[1]?.carries).toEqual(['ICMP error']);
  });

  it('UDP and ICMP: a request and a response; a refused datagram gets an ICMP error; a drop has no answer', () => {
    const udp = fake('udp', { verdict: 'delivered', hops: [hop('socket', 'udp')] });
    expect(directConversation(udp).map((x) => x.carries)).toEqual([['request'], ['response']]);
    const ping = fake('icmp', { verdict: 'delivered', hops: [hop('socket', 'icmp')] });
    expect(directConversation(ping).map((x) => x.carries)).toEqual([['request'], ['response']]);
    const refused = fake('udp', { verdict: 'refused', hops: [hop('socket', 'icmp')] });
    expect(directConversation(refused)[1]?.carries).toEqual(['ICMP error']);
    expect(directConversation(fake('tcp', null)).map((x) => x.carries)).toEqual([['SYN']]);
  });

  it('the timeline is DNS, then each exchange; phases follow the direction', () => {
    const ok = fake('tcp', { verdict: 'delivered', hops: [hop('socket'), hop('deliver')] });
    const steps = timeline(ok);
    expect(steps.map((s) => [s.phase, s.path, s.index, s.exchange])).toEqual([
      ['dns', 'dns', 0, null],
      ['request', 'hops', 0, 0],
      ['request', 'hops', 1, 0],
      ['reply', 'reply', 0, 1],
      ['reply', 'reply', 1, 1],
    ]);
    expect(stepPhase(ok, 0)).toBe('dns');
    expect(stepPhase(ok, 4)).toBe('reply');
  });

  it('a retold hop changes only what this step says, not the stored hop', () => {
    const ok = fake('tcp', { verdict: 'delivered', hops: [hop('socket')] });
    ok.conversation = [
      ...directConversation(ok),
      { ...(directConversation(ok)[0] as Exchange), carries: ['ACK'], retell: [{ index: 0, text: 'the ACK' }] },
    ];
    const steps = flattenHops(ok);
    expect(steps.map((h) => h.text)).toEqual(['dns', 'socket', 'deliver', 'socket', 'the ACK', 'deliver']);
    expect(ok.hops[0]?.text).toBe('socket');
    expect(renumbered(ok)).toBe(true);
    // the request's first hop is the SYN's (first played), the reply's the last time it is played
    expect(stepFromLegacy(ok, 1)).toBe(1);
    expect(stepFromLegacy(ok, 3)).toBe(3);
  });
});

describe('every built-in scenario', () => {
  it('has its conversation in the trace, the same as a reader derives', () => {
    for (const { id, trace } of runs) {
      expect(trace.conversation, id).toBeDefined();
      if (trace.http === null) expect(trace.conversation, id).toEqual(directConversation(trace));
      expect(conversationOf(trace), id).toBe(trace.conversation);
    }
  });

  it('without an L7 proxy plays the order links always used: every old step opens at the same hop', () => {
    const plain = runs.filter((r) => r.trace.http === null);
    expect(plain.length).toBeGreaterThan(400);
    for (const { id, trace } of plain) {
      expect(flattenHops(trace), id).toEqual(legacy(trace));
      expect(renumbered(trace), id).toBe(false);
      for (let i = 0; i < legacy(trace).length; i++) expect(stepFromLegacy(trace, i), id).toBe(i);
    }
  });

  it('is a pure function of the trace: a structured clone gives the same timeline', () => {
    for (const { id, trace } of runs.slice(0, 60))
      expect(timeline(structuredClone(trace)), id).toEqual(timeline(trace));
  });
});
