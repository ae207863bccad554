/**
 * Issue #18, "the Ingress order is impossible": an Ingress trace plays its packets in the order
 * they happen, under every CNI variant and Service proxy: the client's handshake with the proxy,
 * the request, the proxy's own connection to the backend inside it, then the response, the error
 * answers (404, 503) reaching the client.
 */
import { describe, expect, it } from 'vitest';
import { scenarioTraces } from '../regression/cases';
import { stepFromLegacy, timeline } from '../trace/conversation';
import type { Exchange, Trace } from '../trace/types';

const runs = scenarioTraces().filter((r) => r.trace.http !== null);
const sig = (x: Exchange): string => `${x.leg} ${x.carries.join('+')}`;

/** The exchanges as `leg carries`, in conversation order. */
function order(t: Trace): string[] {
  return (t.conversation ?? []).map(sig);
}

describe('an Ingress trace holds the whole conversation', () => {
  it('covers the three Ingress and the Gateway API scenarios under every variant', () => {
    const ids = new Set(runs.map((r) => r.id.split('/')[1]?.split('+')[0]));
    expect([...ids].sort()).toEqual([
      'gateway',
      'gateway-cilium',
      'gateway-cross-namespace',
      'gateway-cross-namespace-granted',
      'gateway-header-match',
      'gateway-no-route',
      'gateway-redirect',
      'gateway-split',
      'ingress',
      'ingress-404',
      'ingress-503',
    ]);
    expect(runs.length).toBeGreaterThanOrEqual(10 * 34);
  });

  it('a backend that answers: handshake, request, the backend leg nested inside, then the response', () => {
    const ok = runs.filter((r) => r.trace.http?.status === 200);
    expect(ok.length).toBeGreaterThan(30);
    for (const { id, trace } of ok) {
      expect(order(trace), id).toEqual([
        'client-proxy SYN',
        'client-proxy SYN-ACK',
        'client-proxy ACK+request',
        'proxy-backend SYN',
        'proxy-backend SYN-ACK',
        'proxy-backend ACK+request',
        'proxy-backend response',
        'client-proxy response',
      ]);
    }
  });

  it('404, 503, a redirect and 500: the proxy answers by itself after reading the request; the answer reaches the client', () => {
    // NGINX's reason phrase for 503 is its own; Envoy writes RFC 9110's
    const phrase: Record<number, string> = {
      404: '404 Not Found',
      503: '503 Service Temporarily Unavailable',
      301: '301 Moved Permanently',
      500: '500 Internal Server Error',
    };
    for (const status of [404, 503, 301, 500]) {
      const errs = runs.filter((r) => r.trace.http?.status === status);
      expect(errs.length, String(status)).toBeGreaterThan(30);
      for (const { id, trace } of errs) {
        expect(order(trace), id).toEqual([
          'client-proxy SYN',
          'client-proxy SYN-ACK',
          'client-proxy ACK+request',
          'client-proxy response',
        ]);
        const steps = timeline(trace);
        const last = steps[steps.length - 1];
        // the last packet is the client's socket receiving the error status
        expect(last?.hop.kind, id).toBe('deliver');
        expect(last?.hop.at, id).toBe(trace.hops[0]?.at);
        expect(last?.hop.text, id).toContain(`${status} `);
        // the proxy answers by itself: the response starts at its socket and says the status
        const answer = steps.find((s) => s.exchange === 3)?.hop;
        expect(answer?.kind, id).toBe('socket');
        expect(answer?.text, id).toContain(`answers the request itself, ${phrase[status]}`);
      }
    }
  });

  it('no request reaches the proxy before the SYN-ACK has reached the client', () => {
    for (const { id, trace } of runs) {
      const steps = timeline(trace);
      const proxyRead = steps.findIndex((s) => s.hop.kind === 'proxy');
      const synAckEnd = steps.findLastIndex((s) => s.exchange === 1);
      const synAck = trace.conversation?.[1];
      expect(synAck?.carries, id).toEqual(['SYN-ACK']);
      expect(synAckEnd, id).toBeGreaterThan(0);
      expect(proxyRead, id).toBeGreaterThan(synAckEnd);
      // the SYN-ACK ends where the client's SYN started
      expect(steps[synAckEnd]?.hop.at, id).toBe(steps[0]?.hop.at);
    }
  });

  it('the backend leg sits between the request reaching the proxy and the response leaving it', () => {
    for (const { id, trace } of runs.filter((r) => r.trace.http?.status === 200)) {
      const steps = timeline(trace);
      const legs = steps.map((s) => trace.conversation?.[s.exchange ?? -1]?.leg);
      const firstBackend = legs.indexOf('proxy-backend');
      const lastBackend = legs.lastIndexOf('proxy-backend');
      const proxyRead = steps.findIndex((s) => s.hop.kind === 'proxy');
      expect(firstBackend, id).toBe(proxyRead + 1);
      expect(
        legs.slice(lastBackend + 1).every((l) => l === 'client-proxy'),
        id,
      ).toBe(true);
      // each step continues where the one before ended: no packet jumps across the drawing
      const x = trace.conversation ?? [];
      for (let e = 1; e < x.length; e++) {
        const end = steps.findLastIndex((s) => s.exchange === e - 1);
        const start = steps.findIndex((s) => s.exchange === e);
        expect(steps[start]?.hop.at, `${id} exchange ${e}`).toBe(steps[end]?.hop.at);
      }
    }
  });

  it('later packets say what they carry, not the SYN their hops first carried', () => {
    for (const { id, trace } of runs) {
      const steps = timeline(trace);
      for (const s of steps) {
        const x = trace.conversation?.[s.exchange ?? -1];
        if (!x || x.carries[0] === 'SYN' || x.carries[0] === 'SYN-ACK') continue;
        expect(s.hop.text, `${id} step ${steps.indexOf(s)}`).not.toMatch(
          /\(SYN\)|\(the SYN\)|sends the SYN-ACK|receives the SYN-ACK|its SYN-ACK|records the connection/,
        );
      }
    }
  });

  it('later packets of a connection skip the rules only its first packet meets; conntrack translates them', () => {
    let skippedAny = false;
    for (const { id, trace } of runs) {
      const steps = timeline(trace);
      (trace.conversation ?? []).forEach((x, e) => {
        const played = steps.filter((s) => s.exchange === e);
        if (x.carries[0] === 'SYN' || x.direction === 'to-client') {
          // the first packet meets every rule; answers meet conntrack's reverse translation only
          expect(x.skip ?? [], `${id} exchange ${e}`).toEqual([]);
          return;
        }
        // a later packet towards the server: no nat rule, no DNAT, no scheduling
        for (const s of played) expect(s.hop.firstPacketOnly, `${id} exchange ${e} ${s.hop.rule}`).toBeUndefined();
        const path = x.path === 'hops' ? trace.hops : (trace.reply?.hops ?? []);
        const marked = path.slice(x.from, x.to).filter((h) => h.firstPacketOnly).length;
        expect(x.skip?.length ?? 0, `${id} exchange ${e}`).toBe(marked);
        if (marked > 0) {
          skippedAny = true;
          // the translation still happens, by conntrack, in a replied entry
          const ct = played.find((s) => s.hop.kind === 'conntrack');
          expect(ct?.hop.text, id).toMatch(/finds the connection it recorded for the SYN/);
          expect(ct?.hop.rule ?? '', id).not.toContain('[UNREPLIED]');
        }
      });
    }
    expect(skippedAny).toBe(true);
  });

  it('old links open at the same hop: the request path the first time, the reply path the last', () => {
    for (const { id, trace } of runs) {
      const dns = trace.dns?.hops.length ?? 0;
      const steps = timeline(trace);
      // old step of the client's first hop, the proxy's decision, and the client's receipt of the answer
      const oldProxy = dns + trace.hops.findIndex((h) => h.kind === 'proxy');
      const oldEnd = dns + trace.hops.length + (trace.reply?.hops.length ?? 0) - 1;
      expect(stepFromLegacy(trace, dns), id).toBe(dns);
      expect(steps[stepFromLegacy(trace, oldProxy)]?.hop.kind, id).toBe('proxy');
      expect(stepFromLegacy(trace, oldEnd), id).toBe(steps.length - 1);
      expect(steps[stepFromLegacy(trace, oldEnd)]?.hop.text, id).toContain(String(trace.http?.status));
    }
  });
});
