/**
 * hostPort through the CNI portmap plugin (docs/networking-model.md) on clusters loaded from
 * YAML: the rules as `iptables -t nat -S` prints them, DNAT on the pod's own node only, hairpin and
 * localhost masquerade, and what other nodes answer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../import/index';
import type { Cluster, ClusterNode, Pod } from '../model/types';
import { hostPortMappings, portmapChain, portmapRules, resolveHostPort, sandboxId } from './hostPorts';

const read = (f: string): string => readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8');

function load(cni: string): Cluster {
  const sources = ['kubeadm.yaml', 'nodes.yaml', `cni/${cni}.yaml`, 'edge/apps.yaml', 'edge/hostport.yaml'].map(
    (f) => ({ name: f, text: read(f) }),
  );
  const result = loadManifests(sources);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.cluster;
}

const pod = (c: Cluster, key: string): Pod => c.pods.find((p) => `${p.namespace}/${p.name}` === key)!;
const node = (c: Cluster, name: string): ClusterNode => c.nodes.find((n) => n.name === name)!;

describe('portmap with flannel', () => {
  const c = load('flannel-vxlan');
  const proxy = pod(c, 'default/edge-proxy');
  const a = node(c, 'node-a');
  const chain = portmapChain(c, proxy);

  it('lists the hostPorts of each node', () => {
    expect(hostPortMappings(c, 'node-a').map((m) => [m.pod.name, m.protocol, m.hostPort, m.containerPort])).toEqual([
      ['edge-proxy', 'tcp', 8080, 80],
      ['edge-proxy', 'udp', 5353, 53],
    ]);
    expect(hostPortMappings(c, 'node-b')).toEqual([]);
  });

  it("prints the node's portmap rules as iptables -t nat -S does", () => {
    expect(chain).toMatch(/^CNI-DN-[0-9a-f]{21}$/);
    expect(chain).toHaveLength(28);
    const id = sandboxId(proxy);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(portmapRules(c, 'node-a')).toEqual([
      `-N ${chain}`,
      '-N CNI-HOSTPORT-DNAT',
      '-N CNI-HOSTPORT-MASQ',
      '-N CNI-HOSTPORT-SETMARK',
      '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
      '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
      `-A ${chain} -s ${a.podCIDR} -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
      `-A ${chain} -s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
      `-A ${chain} -p tcp -m tcp --dport 8080 -j DNAT --to-destination ${proxy.ip}:80`,
      `-A ${chain} -s ${a.podCIDR} -p udp -m udp --dport 5353 -j CNI-HOSTPORT-SETMARK`,
      `-A ${chain} -s 127.0.0.1/32 -p udp -m udp --dport 5353 -j CNI-HOSTPORT-SETMARK`,
      `-A ${chain} -p udp -m udp --dport 5353 -j DNAT --to-destination ${proxy.ip}:53`,
      `-A CNI-HOSTPORT-DNAT -p udp -m comment --comment "dnat name: \\"cbr0\\" id: \\"${id}\\"" -m multiport --dports 5353 -j ${chain}`,
      `-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"cbr0\\" id: \\"${id}\\"" -m multiport --dports 8080 -j ${chain}`,
      '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
      '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
    ]);
    expect(portmapRules(c, 'node-b')).toEqual([]);
  });

  it('an external client is DNATed to the pod and keeps its address', () => {
    const r = resolveHostPort(c, { node: a, port: 8080, protocol: 'tcp', srcIP: '203.0.113.7' });
    expect(r).toMatchObject({
      kind: 'dnat',
      chain,
      dnatTo: `${proxy.ip}:80`,
      masquerade: null,
      newSrc: null,
      rule: `-A ${chain} -p tcp -m tcp --dport 8080 -j DNAT --to-destination ${proxy.ip}:80`,
    });
    // A pod on another node is routed in like any client: no mark.
    expect(resolveHostPort(c, { node: a, port: 8080, protocol: 'tcp', srcIP: pod(c, 'shop/api').ip })).toMatchObject({
      kind: 'dnat',
      masquerade: null,
    });
  });

  it("a pod of the same node (hairpin) is marked and masqueraded to cni0's address", () => {
    const r = resolveHostPort(c, { node: a, port: 8080, protocol: 'tcp', srcIP: pod(c, 'shop/client').ip });
    expect(r).toMatchObject({
      kind: 'dnat',
      masquerade: 'hairpin',
      markRule: `-A ${chain} -s ${a.podCIDR} -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
      masqRule: '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
      newSrc: a.devices.find((d) => d.name === 'cni0')!.address!.split('/')[0],
    });
  });

  it('127.0.0.1 on the node is marked and masqueraded too', () => {
    const r = resolveHostPort(c, { node: a, port: 5353, protocol: 'udp', srcIP: '127.0.0.1' });
    expect(r).toMatchObject({
      kind: 'dnat',
      masquerade: 'localhost',
      dnatTo: `${proxy.ip}:53`,
      markRule: `-A ${chain} -s 127.0.0.1/32 -p udp -m udp --dport 5353 -j CNI-HOSTPORT-SETMARK`,
    });
  });

  it('other nodes have no rule: nothing listens there (RST), unless the node itself does', () => {
    const b = node(c, 'node-b');
    const r = resolveHostPort(c, { node: b, port: 8080, protocol: 'tcp', srcIP: '203.0.113.7' });
    expect(r).toEqual({
      kind: 'refused',
      text: "Nothing on node-b listens on TCP port 8080: the kernel answers with a TCP RST. hostPort 8080 is published on node-a only: portmap installs its DNAT on the pod's own node.",
    });
    expect(resolveHostPort(c, { node: b, port: 5353, protocol: 'udp', srcIP: '203.0.113.7' }).text).toMatch(
      /ICMP port unreachable/,
    );
    expect(resolveHostPort(c, { node: b, port: 10250, protocol: 'tcp', srcIP: '203.0.113.7' })).toMatchObject({
      kind: 'local',
      listener: { name: 'kubelet', pod: null },
    });
  });
});

describe('portmap with Calico', () => {
  const c = load('calico-ipip');
  const proxy = pod(c, 'default/edge-proxy');
  const a = node(c, 'node-a');

  it('marks only the pod itself as hairpin (its /32), and masquerades to the node address', () => {
    expect(portmapRules(c, 'node-a')).toContain(
      `-A ${portmapChain(c, proxy)} -s ${proxy.ip}/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
    );
    expect(portmapRules(c, 'node-a').some((r) => r.includes('dnat name: \\"k8s-pod-network\\"'))).toBe(true);
    expect(resolveHostPort(c, { node: a, port: 8080, protocol: 'tcp', srcIP: pod(c, 'shop/client').ip })).toMatchObject(
      { masquerade: null },
    );
    expect(resolveHostPort(c, { node: a, port: 8080, protocol: 'tcp', srcIP: proxy.ip })).toMatchObject({
      masquerade: 'hairpin',
      newSrc: a.internalIP,
    });
  });
});
