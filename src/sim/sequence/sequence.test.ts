import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import { scenarioTraces } from '../regression/cases';
import { trace } from '../resolve/trace';
import { findScenario } from '../scenarios/catalog';
import { flattenHops } from '../trace/types';
import { sequenceOf } from './sequence';

const run = (id: string) => {
  const s = findScenario(id)!;
  return trace(buildCluster(s.spec), s.request, { seed: s.seed ?? 1, pick: s.pick ?? [] });
};

describe('a trace as a sequence diagram', () => {
  it('DNS first, then the request and the reply, one row of arrows per packet', () => {
    const seq = sequenceOf(run('pod-to-service-dns'));
    expect(seq.packets.map((p) => p.label)).toEqual(['DNS query', 'DNS answer', 'request', 'reply']);
    expect(seq.packets[0]!.detail).toBe('A web.default.svc.cluster.local');
    expect(seq.lanes[0]).toMatchObject({ label: 'client', role: 'client' });
    expect(seq.lanes.at(-1)!.role).toBe('server');
    expect(seq.lanes.map((l) => l.role)).toContain('dns');
    // the request: client -> node-a (DNAT there) -> network (VXLAN) -> node-b -> web
    const request = seq.packets[2]!;
    const lanes = request.arrows.map((a) => seq.lanes[a.to]!.label);
    expect(lanes).toEqual(['node-a', 'network', 'node-b', seq.lanes.at(-1)!.label]);
    const dnat = request.arrows.find((a) => a.nat.some((n) => n.type === 'DNAT'))!;
    expect(seq.lanes[dnat.from]!.label).toBe('node-a');
    expect(dnat.dst).toBe(dnat.nat[0]!.after.dst);
    expect(request.arrows.find((a) => seq.lanes[a.from]!.label === 'node-a' && a.tunnel)?.tunnel).toBe('VXLAN');
  });

  it('an Ingress: the client’s connection ends at the proxy, which opens its own to the backend', () => {
    const seq = sequenceOf(run('ingress'));
    // the conversation: the client's handshake with NGINX, the request, NGINX's own connection to
    // the backend (handshake, request, response), then the response to the client
    expect(seq.packets.map((p) => `${p.label} ${p.detail ?? ''}`.trim())).toEqual([
      'SYN',
      'SYN-ACK',
      'ACK + request GET /cart',
      'SYN',
      'SYN-ACK',
      'ACK + request GET /cart',
      'response HTTP 200',
      'response HTTP 200',
    ]);
    const proxy = seq.lanes.findIndex((l) => l.role === 'proxy');
    expect(proxy).toBeGreaterThan(0);
    expect(seq.packets[0]!.arrows.at(-1)!.to).toBe(proxy);
    expect(seq.packets[1]!.arrows[0]!.from).toBe(proxy);
    // NGINX's own connection starts at the proxy and ends at the backend pod
    expect(seq.packets[3]!.arrows[0]!.from).toBe(proxy);
    expect(seq.lanes[seq.packets[3]!.arrows.at(-1)!.to]!.role).toBe('server');
    expect(seq.lanes[0]!.label).toBe('203.0.113.10');
    expect(seq.lanes.map((l) => l.label)).toContain('Internet');
  });

  it('loopback: one arrow from the lane to itself', () => {
    const seq = sequenceOf(run('container-to-container'));
    expect(seq.lanes).toHaveLength(1);
    expect(seq.packets[0]!.arrows).toEqual([expect.objectContaining({ from: 0, to: 0 })]);
  });

  it('every step belongs to exactly one arrow, in order, and every NAT is on an arrow, over every variant', () => {
    const runs = scenarioTraces();
    expect(runs.length).toBeGreaterThan(400);
    for (const { id, trace: t } of runs) {
      const seq = sequenceOf(t);
      const steps = flattenHops(t).length;
      const covered = seq.packets.flatMap((p) => p.arrows.flatMap((a) => [a.firstStep, a.lastStep]));
      // the arrows' step ranges tile 0..steps-1 with no gap or overlap
      let next = 0;
      for (let i = 0; i < covered.length; i += 2) {
        expect(covered[i], id).toBe(next);
        expect(covered[i + 1]!, id).toBeGreaterThanOrEqual(covered[i]!);
        next = covered[i + 1]! + 1;
      }
      expect(next, id).toBe(steps);
      for (const a of seq.packets.flatMap((p) => p.arrows)) {
        expect(seq.lanes[a.from], id).toBeDefined();
        expect(seq.lanes[a.to], id).toBeDefined();
      }
      const nats = flattenHops(t).filter((h) => h.nat).length;
      expect(seq.packets.flatMap((p) => p.arrows.flatMap((a) => [...a.nat, ...a.arrivalNat])).length, id).toBe(nats);
      // DNS packets come first
      const phases = seq.packets.map((p) => p.phase);
      expect(phases.slice(phases.lastIndexOf('dns') + 1), id).not.toContain('dns');
      if (!t.conversation?.some((x) => x.leg !== 'direct'))
        expect(
          [...phases].sort((a, b) => ['dns', 'request', 'reply'].indexOf(a) - ['dns', 'request', 'reply'].indexOf(b)),
          id,
        ).toEqual(phases);
      expect(new Set(seq.lanes.map((l) => l.key)).size, id).toBe(seq.lanes.length);
    }
  });
});
