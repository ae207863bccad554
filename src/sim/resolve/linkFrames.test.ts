/**
 * Issue #18: on the wire between nodes and on the way to the Internet, the Ethernet line shows the
 * frame on that link (the nodes' eth0, the default gateway), never a pod's or cni0's MACs, over
 * every built-in scenario under every CNI variant and Service proxy.
 */
import { describe, expect, it } from 'vitest';
import { scenarioTraces } from '../regression/cases';
import { buildCluster } from '../model/build';
import { macFor } from '../model/rng';
import { findScenario } from '../scenarios/catalog';
import { flattenHops } from '../trace/types';
import { defaultGateway } from './egressPath';
import { trace } from './trace';

describe('the frame on a link', () => {
  it('is eth0 to eth0 between nodes, eth0 to the gateway towards the Internet, nothing from inside a node', () => {
    const wrong: string[] = [];
    let wires = 0;
    for (const { id, cluster, trace: t } of scenarioTraces()) {
      const eth0 = new Map(cluster.nodes.map((n) => [n.devices.find((d) => d.name === 'eth0')?.mac, n.name]));
      const gateways = new Set(cluster.nodes.map((n) => macFor(`gateway/${defaultGateway(n)}`)));
      const inside = new Map<string, string>();
      for (const p of cluster.pods) inside.set(p.mac, `pod ${p.name}`);
      for (const n of cluster.nodes)
        for (const d of n.devices) if (d.name !== 'eth0') inside.set(d.mac, `${n.name} ${d.name}`);
      const hops = flattenHops(t);
      hops.forEach((hop, i) => {
        const eth = hop.packet.eth;
        const where = `${id} step ${i} (${hop.at})`;
        if (hop.at.startsWith('wire/')) {
          wires++;
          const [, a, b] = hop.at.split('/');
          const ends = [eth0.get(eth?.src), eth0.get(eth?.dst)].sort();
          if (ends.join() !== [a, b].sort().join()) wrong.push(`${where}: ${JSON.stringify(eth)}`);
        } else if (hop.kind === 'wire' && eth) {
          const known = (mac: string) => eth0.has(mac) || gateways.has(mac);
          if (!known(eth.src) || !known(eth.dst)) wrong.push(`${where}: ${JSON.stringify(eth)}`);
        }
        if ((hop.kind === 'wire' || hop.at.startsWith('ext/')) && eth)
          for (const mac of [eth.src, eth.dst])
            if (inside.has(mac)) wrong.push(`${where}: ${inside.get(mac) ?? ''}'s MAC`);
      });
    }
    expect(wires).toBeGreaterThan(500);
    expect(wrong.slice(0, 20).join('\n')).toBe('');
  });

  it('the answer to an outside client leaves through eth0 towards the gateway; the frame at the client is unknown', () => {
    const s = findScenario('nodeport-cluster')!;
    const cluster = buildCluster(s.spec);
    const t = trace(cluster, s.request, { seed: s.seed ?? 1, pick: s.pick ?? [] });
    const reply = t.reply!.hops;
    const out = reply.find((h) => h.kind === 'wire' && h.at === 'internet')!;
    const node = cluster.nodes.find((n) => n.name === reply[reply.indexOf(out) - 1]!.node)!;
    expect(out.packet.eth).toEqual({
      src: node.devices.find((d) => d.name === 'eth0')!.mac,
      dst: macFor(`gateway/${defaultGateway(node)}`),
    });
    expect(reply.at(-1)!.at).toMatch(/^ext\//);
    expect(reply.at(-1)!.packet.eth).toBeUndefined();
  });
});
