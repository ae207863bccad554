/**
 * Egress masquerade (docs/networking-model.md) on clusters loaded from YAML: flannel with and
 * without --ip-masq, ip-masq-agent with its defaults and with a ConfigMap, Calico natOutgoing,
 * Cilium; and the decision inside the data path's POSTROUTING.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadManifests } from '../import/index';
import type { Cluster, ClusterNode, Pod } from '../model/types';
import { egressMasquerade, ipMasqAgent, ipMasqAgentRules, readIpMasqAgentConfig } from './egress';
import { PathWriter } from './pathWriter';
import { walk } from './podPath';
import type { WalkContext } from './podPath';

const read = (f: string): string => readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8');

function load(cni: string, ...more: (string | { text: string })[]): Cluster {
  const sources = ['kubeadm.yaml', 'nodes.yaml', `cni/${cni}.yaml`, 'edge/apps.yaml', ...more].map((f, i) =>
    typeof f === 'string' ? { name: f, text: read(f) } : { name: `inline-${i}`, text: f.text },
  );
  const result = loadManifests(sources);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.source}:${e.line ?? ''}: ${e.message}`).join('\n'));
  return result.cluster;
}

/** The importer reads only the ConfigMaps that configure the cluster; these tests add ip-masq-agent's to extras. */
function withObjects(c: Cluster, file: string): Cluster {
  return { ...c, extras: [...c.extras, ...parseAllDocuments(read(file)).map((d) => d.toJS() as unknown)] };
}

const pod = (c: Cluster, key: string): Pod => c.pods.find((p) => `${p.namespace}/${p.name}` === key)!;
const node = (c: Cluster, name: string): ClusterNode => c.nodes.find((n) => n.name === name)!;
const INTERNET = '93.184.215.14';
const FLANNEL_MASQ =
  '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully';
const AGENT_MASQ =
  '-A IP-MASQ-AGENT -m comment --comment "ip-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)" -j MASQUERADE --to-ports 32768-65535 --random-fully';
const agentReturn = (cidr: string): string =>
  `-A IP-MASQ-AGENT -d ${cidr} -m comment --comment "ip-masq-agent: local traffic is not subject to MASQUERADE" -j RETURN`;

describe('flannel', () => {
  const c = load('flannel-vxlan');
  const client = pod(c, 'shop/client');
  const a = node(c, 'node-a');

  it('with --ip-masq (the default) masquerades a pod to anything outside the cluster CIDR, to the node IP', () => {
    expect(ipMasqAgent(c)).toBeNull();
    expect(egressMasquerade(c, client, INTERNET, a)).toEqual({
      masquerade: true,
      by: 'flannel',
      rule: FLANNEL_MASQ,
      newSrc: '192.168.10.11',
      text: `${INTERNET} is outside the cluster CIDR 10.244.0.0/16, so flannel's FLANNEL-POSTRTG masquerades the packet to 192.168.10.11 with a random port.`,
    });
    // Another node's IP is outside the cluster CIDR too.
    expect(egressMasquerade(c, client, '192.168.10.12', a).masquerade).toBe(true);
    const toPod = egressMasquerade(c, client, pod(c, 'shop/api').ip, a, 'flannel.1');
    expect(toPod).toMatchObject({
      masquerade: false,
      newSrc: null,
      rule: `-A FLANNEL-POSTRTG -s ${a.podCIDR} -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN`,
    });
    expect(egressMasquerade(c, client, '224.0.0.251', a).masquerade).toBe(false);
    expect(egressMasquerade(c, client, a.internalIP, a).text).toMatch(/own address/);
    expect(egressMasquerade(c, pod(c, 'ops/node-agent'), INTERNET, a)).toMatchObject({ masquerade: false, by: 'none' });
  });

  it('without --ip-masq in its DaemonSet does not masquerade', () => {
    const d = load('flannel-vxlan', 'edge/flannel-no-ip-masq.yaml');
    expect(d.settings.cni).toMatchObject({ kind: 'flannel', ipMasq: false });
    const decision = egressMasquerade(d, pod(d, 'shop/client'), INTERNET, node(d, 'node-a'));
    expect(decision).toMatchObject({ masquerade: false, by: 'flannel', rule: '', newSrc: null });
    expect(decision.text).toBe(
      `flanneld runs without --ip-masq, so there is no FLANNEL-POSTRTG rule: the packet leaves with the pod address ${pod(d, 'shop/client').ip}, and ${INTERNET} must route replies back to the pod network.`,
    );
  });
});

describe('ip-masq-agent', () => {
  it('runs with its documented defaults without a ConfigMap: RFC 1918 and link-local stay unmasqueraded', () => {
    const c = load('flannel-vxlan', 'edge/ip-masq-agent.yaml');
    const agent = ipMasqAgent(c)!;
    expect(agent).toEqual({
      nonMasqueradeCIDRs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
      masqLinkLocal: false,
      resyncInterval: '60s',
      source: 'defaults',
      error: null,
    });
    expect(ipMasqAgentRules(agent)).toEqual([
      '-A POSTROUTING -m comment --comment "ip-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom IP-MASQ-AGENT chain" -m addrtype ! --dst-type LOCAL -j IP-MASQ-AGENT',
      agentReturn('169.254.0.0/16'),
      agentReturn('10.0.0.0/8'),
      agentReturn('172.16.0.0/12'),
      agentReturn('192.168.0.0/16'),
      AGENT_MASQ,
    ]);
    const client = pod(c, 'shop/client');
    const a = node(c, 'node-a');
    expect(egressMasquerade(c, client, INTERNET, a)).toMatchObject({
      masquerade: true,
      by: 'ip-masq-agent',
      rule: AGENT_MASQ,
      newSrc: '192.168.10.11',
    });
    expect(egressMasquerade(c, client, '192.168.10.12', a)).toMatchObject({
      masquerade: false,
      by: 'ip-masq-agent',
      rule: agentReturn('192.168.0.0/16'),
    });
    expect(egressMasquerade(c, client, '172.20.0.5', a).rule).toBe(agentReturn('172.16.0.0/12'));
    const metadata = egressMasquerade(c, client, '169.254.169.254', a);
    expect(metadata).toMatchObject({ masquerade: false, rule: agentReturn('169.254.0.0/16') });
    expect(metadata.text).toMatch(/as link-local \(its defaults\)/);
  });

  it('a ConfigMap replaces the defaults: the nodes are masqueraded, link-local too with masqLinkLocal', () => {
    const c = withObjects(load('flannel-vxlan', 'edge/ip-masq-agent.yaml'), 'edge/ip-masq-agent-config.yaml');
    const agent = ipMasqAgent(c)!;
    expect(agent).toEqual({
      nonMasqueradeCIDRs: ['10.244.0.0/16'],
      masqLinkLocal: true,
      resyncInterval: '30s',
      source: 'configmap',
      error: null,
    });
    expect(ipMasqAgentRules(agent).slice(1)).toEqual([agentReturn('10.244.0.0/16'), AGENT_MASQ]);
    const client = pod(c, 'shop/client');
    const a = node(c, 'node-a');
    expect(egressMasquerade(c, client, '192.168.10.12', a)).toMatchObject({ masquerade: true, rule: AGENT_MASQ });
    expect(egressMasquerade(c, client, '169.254.169.254', a).masquerade).toBe(true);
    expect(egressMasquerade(c, client, pod(c, 'shop/api').ip, a, 'flannel.1')).toMatchObject({
      masquerade: false,
      rule: agentReturn('10.244.0.0/16'),
    });
  });

  it('the ConfigMap alone is enough to detect the agent', () => {
    const c = withObjects(load('calico-ipip'), 'edge/ip-masq-agent-config.yaml');
    expect(ipMasqAgent(c)?.source).toBe('configmap');
    // It decides instead of Calico's natOutgoing.
    expect(egressMasquerade(c, pod(c, 'shop/client'), INTERNET, node(c, 'node-a')).by).toBe('ip-masq-agent');
  });

  it('reads the config as the agent does: fields left out keep their defaults, keys in any case, bad CIDRs reject it', () => {
    expect(readIpMasqAgentConfig('masqLinkLocal: true\n')).toMatchObject({
      nonMasqueradeCIDRs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
      masqLinkLocal: true,
      error: null,
    });
    expect(
      readIpMasqAgentConfig('{"NonMasqueradeCIDRs":["10.244.0.0/16"],"MasqLinkLocal":true,"ResyncInterval":"1m0s"}'),
    ).toMatchObject({ nonMasqueradeCIDRs: ['10.244.0.0/16'], masqLinkLocal: true, resyncInterval: '1m0s' });
    expect(readIpMasqAgentConfig('nonMasqueradeCIDRs: []\n')).toMatchObject({ nonMasqueradeCIDRs: [], error: null });
    expect(
      readIpMasqAgentConfig(
        '# pods and nodes\r\nnonMasqueradeCIDRs:\r\n  - "10.244.0.0/16"   # pods\r\n  - 192.168.10.0/24\r\nmasqLinkLocal: false\r\n',
      ),
    ).toMatchObject({ nonMasqueradeCIDRs: ['10.244.0.0/16', '192.168.10.0/24'], masqLinkLocal: false, error: null });
    expect(readIpMasqAgentConfig('')).toMatchObject({
      nonMasqueradeCIDRs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
      error: null,
    });
    expect(readIpMasqAgentConfig('- 10.0.0.0/8\n').error).toMatch(
      /^the config is not valid YAML \(a list item outside a list/,
    );
    expect(readIpMasqAgentConfig('nonMasqueradeCIDRs: [10.244.1.0/16]\n').error).toBe(
      'CIDR "10.244.1.0/16" is not aligned to a CIDR block',
    );
    expect(readIpMasqAgentConfig('nonMasqueradeCIDRs: [nonsense]\n').error).toBe('CIDR "nonsense" could not be parsed');
    expect(readIpMasqAgentConfig('nonMasqueradeCIDRs: [\n').error).toMatch(/^the config is not valid YAML/);
    expect(ipMasqAgentRules(readIpMasqAgentConfig('nonMasqueradeCIDRs: nope\n'))).toEqual([]);
  });

  it('a rejected config means no rules at all: nothing masquerades', () => {
    const base = load('flannel-vxlan', 'edge/ip-masq-agent.yaml');
    const c = {
      ...base,
      extras: [
        ...base.extras,
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'ip-masq-agent', namespace: 'kube-system' },
          data: { config: 'nonMasqueradeCIDRs: [10.0.0.1/8]' },
        },
      ],
    };
    const d = egressMasquerade(c, pod(c, 'shop/client'), INTERNET, node(c, 'node-a'));
    expect(d).toMatchObject({ masquerade: false, by: 'ip-masq-agent', rule: '' });
    expect(d.text).toMatch(
      /rejected its config \(CIDR "10.0.0.1\/8" is not aligned to a CIDR block\) and installed no rules/,
    );
  });
});

describe('Calico and Cilium', () => {
  it('Calico natOutgoing masquerades pod traffic leaving every pool; without it nothing does', () => {
    const c = load('calico-ipip');
    const client = pod(c, 'shop/client');
    expect(egressMasquerade(c, client, INTERNET, node(c, 'node-a'))).toMatchObject({
      masquerade: true,
      by: 'calico',
      newSrc: '192.168.10.11',
      rule: '-A cali-nat-outgoing -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully',
    });
    const off = load('../edge/calico-no-nat');
    expect(egressMasquerade(off, pod(off, 'shop/client'), INTERNET, node(off, 'node-a'))).toMatchObject({
      masquerade: false,
      by: 'calico',
    });
  });

  it('Cilium masquerades to the Internet with its iptables rule by default, not to cluster nodes', () => {
    const c = load('cilium-vxlan');
    const client = pod(c, 'shop/client');
    const a = node(c, 'node-a');
    expect(egressMasquerade(c, client, INTERNET, a)).toMatchObject({
      masquerade: true,
      by: 'cilium',
      newSrc: '192.168.10.11',
      keepsPort: true,
      rule: `-A CILIUM_POST_nat -s ${a.podCIDR} ! -d ${a.podCIDR} ! -o cilium_+ -m comment --comment "cilium masquerade non-cluster" -j MASQUERADE`,
    });
    expect(egressMasquerade(c, client, '192.168.10.12', a)).toMatchObject({
      masquerade: false,
      by: 'cilium',
      rule: `-A CILIUM_POST_nat -s ${a.podCIDR} -m set --match-set cilium_node_set_v4 dst -m comment --comment "exclude traffic to cluster nodes from masquerade" -j ACCEPT`,
    });
  });

  it('Cilium with enable-bpf-masquerade masquerades in eBPF instead', () => {
    const bpf = {
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cilium-config\n  namespace: kube-system\ndata:\n  enable-bpf-masquerade: "true"\n',
    };
    const c = load('cilium-vxlan', bpf);
    expect(c.settings.cni).toMatchObject({ kind: 'cilium', bpfMasquerade: true });
    const d = egressMasquerade(c, pod(c, 'shop/client'), INTERNET, node(c, 'node-a'));
    expect(d).toMatchObject({ masquerade: true, by: 'cilium', newSrc: '192.168.10.11' });
    expect(d.rule).toMatch(/^cil_to_netdev: snat_v4_nat /);
    expect(d.keepsPort).toBeUndefined();
  });
});

describe("the data path's POSTROUTING", () => {
  function toNode(c: Cluster, dst: string): PathWriter {
    const src = pod(c, 'shop/client');
    const w = new PathWriter({
      src: `${src.ip}:40000`,
      dst: `${node(c, dst).internalIP}:10250`,
      protocol: 'tcp',
      ttl: 64,
    });
    const ctx: WalkContext = { cluster: c, ephemeralPort: () => 50000, snat: null };
    walk(w, ctx, { kind: 'pod', pod: src }, { kind: 'host', node: node(c, dst) });
    return w;
  }

  it('with ip-masq-agent defaults, a pod reaches another node with its own address', () => {
    const w = toNode(load('flannel-vxlan', 'edge/ip-masq-agent.yaml'), 'node-b');
    expect(w.hops.some((h) => h.nat)).toBe(false);
    expect(w.hops.find((h) => h.kind === 'netfilter')!.rule).toBe(agentReturn('192.168.0.0/16'));
    expect(w.hops.at(-1)!.packet.src).toBe(`${pod(load('flannel-vxlan'), 'shop/client').ip}:40000`);
  });

  it('with the ConfigMap that leaves the nodes out, IP-MASQ-AGENT masquerades it', () => {
    const w = toNode(
      withObjects(load('flannel-vxlan', 'edge/ip-masq-agent.yaml'), 'edge/ip-masq-agent-config.yaml'),
      'node-b',
    );
    const masq = w.hops.find((h) => h.nat)!;
    expect(masq.rule).toBe(AGENT_MASQ);
    expect(masq.nat).toMatchObject({ type: 'MASQUERADE', after: { src: '192.168.10.11:50000' } });
  });

  it('flannel without --ip-masq: the hop says why the pod address goes out unchanged', () => {
    const w = toNode(load('flannel-vxlan', 'edge/flannel-no-ip-masq.yaml'), 'node-b');
    expect(w.hops.some((h) => h.nat)).toBe(false);
    expect(w.hops.find((h) => h.kind === 'netfilter')!.text).toMatch(/^flanneld runs without --ip-masq/);
  });

  it('the reference cluster still masquerades with FLANNEL-POSTRTG', () => {
    const w = toNode(load('flannel-vxlan'), 'node-b');
    expect(w.hops.find((h) => h.nat)!.rule).toBe(FLANNEL_MASQ);
  });
});
