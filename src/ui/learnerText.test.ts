import { describe, expect, it } from 'vitest';
import { SCENARIOS, buildCluster, flattenHops, trace } from '../sim';
import { scenarioTraces } from '../sim/regression/cases';
import { elementName, forLearners, placeName, shortNarration, stepLabel, wrapPoints } from './learnerText';

describe('text for learners', () => {
  it('counts steps from 1 on screen', () => {
    expect(stepLabel(0, 34)).toBe('1 of 34');
    expect(stepLabel(33, 34)).toBe('34 of 34');
    // before playback starts, the first step is the one shown
    expect(stepLabel(-1, 34)).toBe('1 of 34');
  });

  it('names places as a person reads them', () => {
    expect(placeName('container/default/client/main')).toBe('client / main');
    expect(placeName('container/kube-system/coredns-1/coredns')).toBe('kube-system/coredns-1 / coredns');
    expect(placeName('dev/node-a/flannel.1')).toBe('node-a: flannel.1');
    expect(placeName('dev/pod/default/client/eth0')).toBe('client: eth0');
    expect(placeName('veth/node-b/default/web-1')).toBe('node-b: web-1’s veth');
    expect(placeName('gw/infra/web')).toBe('Gateway infra/web');
    expect(placeName('httproute/default/api')).toBe('HTTPRoute api');
    expect(placeName('node/node-a')).toBe('node-a');
    expect(placeName('svc/default/web')).toBe('Service web');
    expect(placeName('nodeport/node-a/30080')).toBe('node-a: NodePort 30080');
    expect(placeName('wire/node-a/node-b')).toBe('network node-a ↔ node-b');
    expect(placeName('lb/default/web-lb')).toBe('load balancer of web-lb');
    expect(placeName('ext/203.0.113.10')).toBe('203.0.113.10');
    expect(placeName('internet')).toBe('the Internet');
    expect(placeName('something/else')).toBe('something/else');
  });

  it('wraps names only between their parts', () => {
    const pieces = wrapPoints('node-b: web-8rdbl7jt4z-w2bsc’s veth');
    expect(pieces).toContain('8rdbl7jt4z-');
    expect(pieces.join('')).toBe('node-b: web-8rdbl7jt4z-w2bsc’s veth');
    for (const piece of pieces.slice(0, -1)) expect(piece).toMatch(/[-/.:\s]$/);
    expect(wrapPoints('client / main').join('')).toBe('client / main');
  });

  it('every place of every scenario gets a readable name, and no sentence keeps CLI jargon', () => {
    let chosen = 0;
    for (const s of SCENARIOS) {
      for (const proxyMode of ['iptables', 'nftables', 'ipvs'] as const) {
        const cluster = buildCluster({ ...s.spec, settings: { ...s.spec.settings, proxyMode } });
        const t = trace(cluster, s.request, { seed: s.seed ?? 1, pick: s.pick ?? [] });
        for (const hop of flattenHops(t)) {
          const name = placeName(hop.at);
          expect(name, hop.at).not.toMatch(/^(container|dev|veth|node|svc|nodeport|wire|lb|ext)\//);
          expect(wrapPoints(name).join('')).toBe(name);
          const text = forLearners(hop.text);
          expect(text, `${s.id} ${proxyMode}`).not.toMatch(/--pick|pinned by/);
          if (text.includes('chosen for this example')) chosen++;
        }
      }
    }
    // the scenarios that pin an endpoint say so, in words, under each proxy mode
    expect(chosen).toBeGreaterThan(0);
  });

  it('no sentence spells out a chain hash or a ten-digit probability, under any CNI or proxy mode', () => {
    const found: string[] = [];
    for (const { id, trace: t } of scenarioTraces())
      for (const hop of flattenHops(t)) {
        // device names (calia1d4b674e06, lxc…) are names a learner meets in `ip link`
        const text = forLearners(hop.text).replace(/\b(cali|lxc|veth)[0-9a-f]+/g, 'DEV');
        if (/[0-9A-Z]{12,}|\d\.\d{4,}/.test(text)) found.push(`${id}: ${text}`);
      }
    expect(found.slice(0, 5)).toEqual([]);
    expect(
      forLearners(
        'KUBE-SVC-CDGGSHYLG3RE2FKL lists 3 endpoints; rule i matches with probability 1/(n-i) (0.3333333333, 0.5000000000, rest), so each has 1/3.',
      ),
    ).toBe(
      "The Service's KUBE-SVC chain lists 3 endpoints; rule i matches with probability 1/(n-i) (0.333, 0.5, rest), so each has 1/3.",
    );
    expect(forLearners('It jumps to KUBE-SVC-CDGGSHYLG3RE2FKL: any endpoint.')).toBe(
      "It jumps to the Service's KUBE-SVC chain: any endpoint.",
    );
  });

  it('says each hop in a few words while playing: where, and what changed', () => {
    const scenario = SCENARIOS.find((x) => x.id === 'pod-to-pod-cross-node')!;
    const hops = flattenHops(trace(buildCluster(scenario.spec), scenario.request, { seed: 1, pick: [] }));
    const encap = hops.find((h) => h.kind === 'encap')!;
    expect(shortNarration(encap)).toBe('node-a: flannel.1: wrapped in VXLAN to 192.168.10.12');
    const svc = SCENARIOS.find((x) => x.id === 'pod-to-service')!;
    const dnat = flattenHops(trace(buildCluster(svc.spec), svc.request, { seed: 1, pick: [] })).find(
      (h) => h.nat?.type === 'DNAT',
    )!;
    expect(shortNarration(dnat)).toMatch(/^node-a: DNAT to 10\.244\.\d+\.\d+:8080$/);
    // short enough to be spoken at one hop a second, and never a hash or a long decimal
    for (const h of hops) {
      expect(shortNarration(h).length).toBeLessThan(80);
      expect(shortNarration(h)).not.toMatch(/[0-9A-Z]{12,}|\d\.\d{4,}/);
    }
  });
});

describe('elementName', () => {
  it('says the kind, then the place, once', () => {
    expect(elementName('pod/default/web-1')).toBe('pod web-1');
    expect(elementName('dev/node-a/cni0')).toBe('device node-a: cni0');
    expect(elementName('node/node-a')).toBe('node node-a');
    expect(elementName('svc/default/web')).toBe('Service web');
    expect(elementName('kernel/node-b')).toBe('routing and iptables of node-b');
    expect(elementName('internet')).toBe('the Internet');
    expect(elementName('not an id')).toBe('not an id');
  });
});
