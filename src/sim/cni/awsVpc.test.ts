/**
 * The AWS VPC CNI against its upstream code and docs (aws/amazon-vpc-cni-k8s: pkg/networkutils,
 * cmd/routed-eni-cni-plugin/driver, docs/cni-proposal.md; docs/networking-model.md, "AWS VPC CNI"):
 * the host veth named `eni` + SHA-1 of `<namespace>.<pod>`, the pod's default route via
 * 169.254.1.1 with a permanent ARP entry, a /32 host route per pod, `to <pod> lookup main` (512)
 * and `from <pod> lookup <table>` (1536) for pods on a secondary ENI, no encapsulation between
 * nodes, AWS-SNAT-CHAIN-0's RETURN for the VPC CIDRs and SNAT to the primary address for the rest,
 * off with AWS_VPC_K8S_CNI_EXTERNALSNAT; NetworkPolicy only with the network policy agent.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildCluster } from '../model/build';
import type { ClusterSpec } from '../model/build';
import { loadManifests } from '../import/index';
import { toManifests } from '../export/toManifests';
import { applyOp } from '../ops/index';
import { routingTable } from '../query/routingTable';
import { defaultClusterSpec } from '../scenarios/defaultCluster';
import { trace } from '../resolve/trace';
import { cniPlugin, CNI_PRESETS, switchCni } from '../registry';
import type { Cluster, CniConfig, Pod } from '../model/types';
import { awsVethName, podEni, smallestCidrHolding, vpcSubnetPrefixFor } from './awsVpc';
import { parseCidr } from '../model/ip';
import { explainTrace } from '../explain/explainTrace';
import { findScenario } from '../scenarios/catalog';

const AWS: CniConfig = { kind: 'aws-vpc', externalSnat: false, excludeSnatCidrs: [] };
const fixture = (path: string): { name: string; text: string } => ({
  name: path,
  text: readFileSync(new URL(`../${path}`, import.meta.url), 'utf8'),
});

function load(...sources: { name: string; text: string }[]): Cluster {
  const result = loadManifests(sources);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.cluster;
}

const build = (settings: ClusterSpec['settings'] = {}): Cluster =>
  buildCluster({ ...defaultClusterSpec, settings: { cni: AWS, ...settings } });
const run = (c: Cluster, from: Pod, to: string, port?: number) =>
  trace(c, { from: `pod/${from.namespace}/${from.name}`, to, ...(port === undefined ? {} : { port }) }, { seed: 1 });

const cluster = build();
const podsOf = (c: Cluster) => c.pods.filter((p) => !p.hostNetwork && p.namespace === 'default');
const client = podsOf(cluster).find((p) => p.name === 'client')!;
const sameNode = podsOf(cluster).find((p) => p !== client && p.node === client.node)!;
const otherNode = podsOf(cluster).find((p) => p.node !== client.node && podEni(p) === 'eth1')!;

describe('the AWS VPC CNI on the built-in cluster', () => {
  it('gives nodes no podCIDR and pods secondary addresses of the nodes subnet', () => {
    expect(cniPlugin(cluster).name).toBe('VPC CNI');
    expect(cluster.settings.podSubnet).toBe('192.168.10.0/24');
    const taken = new Set<string>();
    for (const node of cluster.nodes) {
      expect(node.podCIDR).toBeNull();
      expect(node.podRanges).toEqual([]);
      expect(node.devices.map((d) => d.name)).toEqual(['eth0', 'eth1']);
      for (const d of node.devices) taken.add(d.address!.split('/')[0]!);
    }
    for (const pod of cluster.pods.filter((p) => !p.hostNetwork)) {
      const last = Number(pod.ip.split('.')[3]);
      expect(pod.ip.startsWith('192.168.10.')).toBe(true);
      // EC2 keeps .0 to .3 and the broadcast; no ENI holds a pod's address as its own
      expect(last).toBeGreaterThanOrEqual(4);
      expect(last).toBeLessThan(255);
      expect(taken.has(pod.ip)).toBe(false);
      taken.add(pod.ip);
    }
  });

  it('names the host veth eni + the first 11 hex digits of SHA-1("<namespace>.<pod>")', () => {
    const want = `eni${createHash('sha1').update('default.client').digest('hex').slice(0, 11)}`;
    expect(awsVethName('default/client')).toBe(want);
    expect(client.veth).toBe(want);
    expect(client.veth).toHaveLength(14);
  });

  it('routes each local pod by a /32 on its veth, and the spare ENI by table 2', () => {
    const node = cluster.nodes.find((n) => n.name === client.node)!;
    const table = routingTable(cluster, node);
    expect(table).toContain(`${client.ip} dev ${client.veth} scope link`);
    expect(table).toContain('default via 192.168.10.1 dev eth1 table 2');
    // a secondary ENI's table has the router's /32 and the default route, no connected subnet
    expect(table).toContain('192.168.10.1 dev eth1 scope link table 2');
    expect(table.some((r) => r.includes('proto kernel') && r.includes('eth1'))).toBe(false);
    expect(table.some((r) => r.includes('cni0') || r.includes('tunl0'))).toBe(false);
  });

  it('sends a pod on the same node via 169.254.1.1 with a permanent ARP entry, then its /32', () => {
    const t = run(cluster, client, sameNode.ip, 80);
    const [route, arp] = t.hops.filter((h) => h.node === client.node && (h.kind === 'route' || h.kind === 'arp'));
    expect(route!.rule).toBe('default via 169.254.1.1 dev eth0');
    expect(arp!.rule).toBe(
      `169.254.1.1 dev eth0 lladdr ${cniPlugin(cluster).hostVethMac(client, 'default/client')} PERMANENT`,
    );
    expect(arp!.text).toContain('No ARP request');
    expect(t.hops.map((h) => h.rule)).toContain(`${sameNode.ip} dev ${sameNode.veth} scope link`);
    expect(t.hops.some((h) => h.kind === 'bridge' || h.kind === 'wire')).toBe(false);
    expect(t.hops.at(-1)!.packet.ttl ?? 63).toBe(63);
  });

  it('crosses nodes through the VPC fabric, unencapsulated and unSNATed, into the ENI holding the pod', () => {
    const t = run(cluster, client, otherNode.ip, 80);
    expect(t.hops.some((h) => h.kind === 'encap' || h.packet.outer)).toBe(false);
    const ret = t.hops.find((h) => h.rule?.startsWith('-A AWS-SNAT-CHAIN-0'))!;
    expect(ret.rule).toBe('-A AWS-SNAT-CHAIN-0 -d 192.168.10.0/24 -m comment --comment "AWS SNAT CHAIN" -j RETURN');
    expect(ret.nat).toBeUndefined();
    const wire = t.hops.find((h) => h.kind === 'wire')!;
    expect(wire.text).toContain('VPC fabric');
    const arrival = t.hops[t.hops.indexOf(wire) + 1]!;
    // the destination's address is on its node's secondary ENI
    expect(arrival.at).toBe(`dev/${otherNode.node}/eth1`);
    expect(arrival.rule).toBe(`512: from all to ${otherNode.ip} lookup main`);
    expect(t.hops.at(-1)!.packet.src.split(':')[0]).toBe(client.ip);
  });

  it('answers from a pod on a secondary ENI by its table: from <pod> lookup 2, out of eth1', () => {
    const t = run(cluster, client, otherNode.ip, 80);
    const back = t.reply!.hops.find(
      (h) => h.kind === 'route' && h.node === otherNode.node && h.at.startsWith('node/'),
    )!;
    expect(back.rule).toBe(`1536: from ${otherNode.ip} lookup 2; default via 192.168.10.1 dev eth1 table 2`);
    expect(t.reply!.hops.some((h) => h.at === `dev/${otherNode.node}/eth1`)).toBe(true);
  });

  it('SNATs egress to the node primary address in AWS-SNAT-CHAIN-0, saying the VPC CIDR is assumed', () => {
    const t = run(cluster, client, '93.184.215.14', 443);
    const snat = t.hops.find((h) => h.nat)!;
    const node = cluster.nodes.find((n) => n.name === client.node)!;
    expect(snat.nat!.type).toBe('SNAT');
    expect(snat.rule).toBe(
      `-A AWS-SNAT-CHAIN-0 ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source ${node.internalIP} --random-fully`,
    );
    expect(snat.packet.src.split(':')[0]).toBe(node.internalIP);
    expect(snat.text).toContain('assumed');
    expect(t.verdict).toBe('delivered');
  });

  it('takes a pod on a secondary ENI out of eth0 by the connmark rule before SNAT', () => {
    const pod = podsOf(cluster).find((p) => podEni(p) === 'eth1')!;
    const t = run(cluster, pod, '93.184.215.14', 443);
    const route = t.hops.find((h) => h.kind === 'route' && h.at === `node/${pod.node}`)!;
    expect(route.rule).toBe(
      '1024: from all fwmark 0x80/0x80 lookup main; default via 192.168.10.1 dev eth0 proto static',
    );
  });

  it('leaves the pod address alone with AWS_VPC_K8S_CNI_EXTERNALSNAT=true', () => {
    const c = build({ cni: { ...AWS, externalSnat: true } as CniConfig });
    const t = run(
      c,
      c.pods.find((p) => p.name === 'client')!,
      '93.184.215.14',
      443,
    );
    expect(t.hops.some((h) => h.nat)).toBe(false);
    expect(t.hops.some((h) => h.rule?.includes('AWS-SNAT-CHAIN-0'))).toBe(false);
    expect(t.hops.find((h) => h.kind === 'netfilter')!.text).toContain('NAT gateway');
  });

  describe('egress by ENI, both ways of AWS_VPC_K8S_CNI_EXTERNALSNAT', () => {
    const egress = (externalSnat: boolean, eni: 'eth0' | 'eth1', dst = '93.184.215.14', exclude: string[] = []) => {
      const c = build({ cni: { ...AWS, externalSnat, excludeSnatCidrs: exclude } as CniConfig });
      const pod = podsOf(c).find((p) => podEni(p) === eni)!;
      const t = run(c, pod, dst, 443);
      const node = c.nodes.find((n) => n.name === pod.node)!;
      const route = t.hops.find((h) => h.kind === 'route' && h.at === `node/${pod.node}`)!;
      const leave = t.hops[t.hops.indexOf(route) + 2]!;
      return { c, pod, t, node, route, leave };
    };

    it('false, pod on eth0: main table, out of eth0, SNAT to the primary address', () => {
      const { route, leave, t, node } = egress(false, 'eth0');
      expect(route.rule).toBe('default via 192.168.10.1 dev eth0 proto static');
      expect(route.devices).toEqual([`dev/${node.name}/eth0`]);
      expect(leave.at).toBe(`dev/${node.name}/eth0`);
      expect(t.hops.find((h) => h.nat)!.packet.src.split(':')[0]).toBe(node.internalIP);
    });

    it('false, pod on eth1: the connmark rule 1024 wins over 1536, out of eth0, SNAT', () => {
      const { route, leave, t, node } = egress(false, 'eth1');
      expect(route.rule).toBe(
        '1024: from all fwmark 0x80/0x80 lookup main; default via 192.168.10.1 dev eth0 proto static',
      );
      expect(route.text).toContain('AWS-CONNMARK-CHAIN-0');
      expect(leave.at).toBe(`dev/${node.name}/eth0`);
      expect(leave.packet.eth?.src).toBe(node.devices.find((d) => d.name === 'eth0')!.mac);
      expect(t.hops.find((h) => h.nat)!.packet.src.split(':')[0]).toBe(node.internalIP);
      expect(t.verdict).toBe('delivered');
    });

    it('true, pod on eth0: main table, out of eth0, the pod address kept', () => {
      const { route, leave, t, node, pod } = egress(true, 'eth0');
      expect(route.rule).toBe('default via 192.168.10.1 dev eth0 proto static');
      expect(leave.at).toBe(`dev/${node.name}/eth0`);
      expect(t.hops.some((h) => h.nat)).toBe(false);
      expect(leave.packet.src.split(':')[0]).toBe(pod.ip);
    });

    it('true, pod on eth1: from <pod> lookup 2 (1536), default route of table 2, out of eth1', () => {
      const { route, leave, t, node, pod } = egress(true, 'eth1');
      expect(route.rule).toBe(`1536: from ${pod.ip} lookup 2; default via 192.168.10.1 dev eth1 table 2`);
      expect(route.devices).toEqual([`dev/${node.name}/eth1`]);
      expect(route.text).toContain('no AWS-CONNMARK-CHAIN-0');
      expect(leave.at).toBe(`dev/${node.name}/eth1`);
      expect(leave.rule).toMatch(/^192\.168\.10\.1 dev eth1 lladdr /);
      expect(leave.packet.eth?.src).toBe(node.devices.find((d) => d.name === 'eth1')!.mac);
      expect(leave.packet.src.split(':')[0]).toBe(pod.ip);
      expect(t.hops.some((h) => h.nat || h.at === `dev/${node.name}/eth0`)).toBe(false);
      // no NAT gateway is modelled: the Internet cannot answer a VPC address
      expect(t.reply!.hops.at(-1)!.text).toContain('NAT gateway');
    });

    it('false, pod on eth1, an excluded CIDR: unmarked, so table 2 and eth1, unSNATed', () => {
      const { route, leave, t, node, pod } = egress(false, 'eth1', '10.20.0.5', ['10.0.0.0/8']);
      expect(route.rule).toBe(`1536: from ${pod.ip} lookup 2; default via 192.168.10.1 dev eth1 table 2`);
      expect(route.text).toContain('AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS');
      expect(leave.at).toBe(`dev/${node.name}/eth1`);
      expect(t.hops.some((h) => h.nat)).toBe(false);
    });

    it('brings an answer to a pod on eth1 back through eth1 when the network routes the VPC', () => {
      const c = build({ cni: { ...AWS, externalSnat: true } as CniConfig, siteRoutesPodNetwork: true });
      const pod = podsOf(c).find((p) => podEni(p) === 'eth1')!;
      const t = run(c, pod, '10.20.0.5', 443);
      expect(t.verdict).toBe('delivered');
      const arrival = t.reply!.hops.find((h) => h.kind === 'route' && h.at.startsWith('dev/'))!;
      expect(arrival.at).toBe(`dev/${pod.node}/eth1`);
      expect(arrival.rule).toBe(`512: from all to ${pod.ip} lookup main`);
    });
  });

  it('keeps AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS unSNATed, and takes given VPC CIDRs as no assumption', () => {
    const c = build({
      cni: { ...AWS, excludeSnatCidrs: ['93.184.0.0/16'] } as CniConfig,
      vpcCidrs: ['192.168.0.0/16'],
    });
    const pod = c.pods.find((p) => p.name === 'client')!;
    const t = run(c, pod, '93.184.215.14', 443);
    const ret = t.hops.find((h) => h.rule?.startsWith('-A AWS-SNAT-CHAIN-0'))!;
    expect(ret.rule).toBe(
      '-A AWS-SNAT-CHAIN-0 -d 93.184.0.0/16 -m comment --comment "AWS SNAT CHAIN EXCLUSION" -j RETURN',
    );
    const other = run(c, pod, '8.8.8.8', 53);
    expect(other.hops.find((h) => h.nat)!.text).not.toContain('assumed');
    const inside = run(c, pod, c.pods.find((p) => p.node !== pod.node && !p.hostNetwork)!.ip, 80);
    expect(inside.hops.map((h) => h.rule)).toContain(
      '-A AWS-SNAT-CHAIN-0 -d 192.168.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
    );
  });

  it('gives a new pod a free address of the subnet', () => {
    const scaled = applyOp(cluster, { op: 'scaleDeployment', deployment: 'default/web', replicas: 5 });
    const ips = scaled.pods.filter((p) => !p.hostNetwork).map((p) => p.ip);
    expect(new Set(ips).size).toBe(ips.length);
    const enis = scaled.nodes.flatMap((n) => n.devices.map((d) => d.address!.split('/')[0]));
    for (const ip of ips) expect(enis).not.toContain(ip);
  });

  it('is a CNI preset whose switch leaves NetworkPolicy off, as EKS ships it', () => {
    const preset = CNI_PRESETS.find((p) => p.id === 'aws-vpc')!;
    expect(preset.cni).toEqual(AWS);
    expect(switchCni({ proxyMode: 'iptables' }, preset).policyEnforced).toBe(false);
  });

  it('explains the fabric and the SNAT in words, not as a plain route or a masquerade', () => {
    const across = explainTrace(run(cluster, client, otherNode.ip, 80), cluster.settings).join(' ');
    expect(across).toContain('VPC, whose fabric delivers it');
    expect(across).not.toContain('169.254.1.1');
    const out = explainTrace(run(cluster, client, '93.184.215.14', 443), cluster.settings).join(' ');
    expect(out).toContain("the AWS VPC CNI's rule SNATs the packet to 192.168.10.11:");
  });

  it('assumes the smallest CIDR holding every node subnet', () => {
    expect(smallestCidrHolding([parseCidr('192.168.12.0/24')!, parseCidr('192.168.45.0/24')!])).toBe('192.168.0.0/18');
    expect(smallestCidrHolding([parseCidr('10.0.1.0/24')!])).toBe('10.0.1.0/24');
  });
});

describe('the egress-eks-external-snat scenario', () => {
  const scenario = findScenario('egress-eks-external-snat')!;
  const c = buildCluster(scenario.spec);
  const t = trace(c, scenario.request as { from: string; to: string; port: number }, { seed: scenario.seed ?? 1 });
  const pod = c.pods.find((p) => `pod/${p.namespace}/${p.name}` === scenario.request.from)!;

  it('starts from a pod on eth1 and leaves by eth1 through table 2, and the answer returns to eth1', () => {
    expect(podEni(pod)).toBe('eth1');
    expect(t.verdict).toBe('delivered');
    const route = t.hops.find((h) => h.kind === 'route' && h.at === `node/${pod.node}`)!;
    expect(route.rule).toBe(`1536: from ${pod.ip} lookup 2; default via 192.168.10.1 dev eth1 table 2`);
    expect(t.hops.some((h) => h.at === `dev/${pod.node}/eth0`)).toBe(false);
    expect(t.hops.at(-1)!.packet.src.split(':')[0]).toBe(pod.ip);
    expect(t.reply!.hops.find((h) => h.rule === `512: from all to ${pod.ip} lookup main`)!.at).toBe(
      `dev/${pod.node}/eth1`,
    );
  });

  it('explains in words what the hops do: table 2, out of eth1, back into eth1, no NAT', () => {
    const words = explainTrace(t, c.settings).join(' ');
    const route = t.hops.find((h) => h.kind === 'route' && h.at === `node/${pod.node}`)!;
    const table = /lookup (\d+)/.exec(route.rule!)![1];
    expect(words).toContain(
      `On ${pod.node}, the ip rule for the pod's own address ${pod.ip} picks route table ${table}`,
    );
    expect(words).toContain('the packet leaves by eth1, not by eth0');
    expect(words).toContain(`${pod.node}'s eth1`);
    expect(words).toContain('No NAT anywhere');
  });

  it('says the connmark takes it out of eth0 instead once EXTERNALSNAT is false', () => {
    const off = buildCluster({ ...scenario.spec, settings: { ...scenario.spec.settings, cni: AWS } });
    const out = trace(off, { from: scenario.request.from, to: '93.184.215.14', port: 443 }, { seed: 1 });
    expect(explainTrace(out, off.settings).join(' ')).toContain(
      `marked the connection 0x80 for leaving the VPC, and the ip rule for that mark sends it by ${pod.node}'s main table, out of eth0`,
    );
  });
});

describe('an EKS dump', () => {
  const eks = load(fixture('import/fixtures/eks-cluster.yaml'));
  const web = eks.pods.find((p) => p.node.startsWith('ip-192-168-45-67') && p.labels['app'] === 'web')!;

  it('is detected as the AWS VPC CNI, without ClusterConfiguration or podCIDRs', () => {
    expect(eks.settings.cni).toEqual(AWS);
    expect(eks.settings.serviceSubnet).toBe('10.100.0.0/16');
    expect(eks.settings.podSubnet).toBe('192.168.0.0/18');
    expect(eks.settings.policyEnforced).toBe(false);
    expect(eks.nodes.map((n) => n.podCIDR)).toEqual([null, null]);
    expect(eks.pods.find((p) => p.name === 'client')!.ip).toBe('192.168.20.240');
    // aws-node is the CNI's configuration; its listed pods stay, on the host network
    expect(eks.pods.filter((p) => p.name.startsWith('aws-node-')).every((p) => p.hostNetwork)).toBe(true);
  });

  it('warns that the Service range and the VPC CIDR are assumptions, and nothing about nodes in the pod network', () => {
    const result = loadManifests([fixture('import/fixtures/eks-cluster.yaml')]);
    const messages = result.ok ? result.warnings.map((w) => w.message) : [];
    expect(messages.some((m) => m.includes('10.100.0.0/16'))).toBe(true);
    expect(messages.some((m) => m.includes("VPC's CIDRs") && m.includes('192.168.0.0/18'))).toBe(true);
    expect(messages.some((m) => m.includes('inside the pod network'))).toBe(false);
  });

  it('says the policy has no effect while the network policy agent is off', () => {
    const t = trace(eks, { from: 'pod/default/web-5d8f7c9b6d-2kxlp', to: web.ip, port: 80 }, { seed: 1 });
    expect(t.verdict).toBe('delivered');
    const hop = t.hops.find((h) => h.kind === 'policy')!;
    expect(hop.text).toContain('enable-network-policy-controller');
    expect(hop.text).toContain('no effect');
  });

  it('drops what a NetworkPolicy denies once enable-network-policy-controller is "true"', () => {
    const src = fixture('import/fixtures/eks-cluster.yaml');
    const on = {
      ...src,
      text: src.text.replace('enable-network-policy-controller: "false"', 'enable-network-policy-controller: "true"'),
    };
    const c = load(on);
    expect(c.settings.policyEnforced).toBe(true);
    const t = trace(c, { from: 'pod/default/web-5d8f7c9b6d-2kxlp', to: web.ip, port: 80 }, { seed: 1 });
    expect(t.verdict).toBe('dropped');
    expect(t.hops.at(-1)!.kind).toBe('drop');
    expect(t.hops.at(-1)!.text).toContain('network policy agent');
    const allowed = trace(c, { from: 'pod/default/client', to: web.ip, port: 80 }, { seed: 1 });
    expect(allowed.verdict).toBe('delivered');
  });

  it('reads AWS_VPC_K8S_CNI_EXTERNALSNAT and AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS from the aws-node env', () => {
    const src = fixture('import/fixtures/eks-cluster.yaml');
    const text = src.text.replace(
      '- name: AWS_VPC_K8S_CNI_EXTERNALSNAT\n          value: "false"',
      '- name: AWS_VPC_K8S_CNI_EXTERNALSNAT\n          value: "true"\n        - name: AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS\n          value: 10.0.0.0/8,not-a-cidr',
    );
    const result = loadManifests([{ ...src, text }]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.cluster.settings.cni).toEqual({
      kind: 'aws-vpc',
      externalSnat: true,
      excludeSnatCidrs: ['10.0.0.0/8'],
    });
    expect(result.warnings.some((w) => w.message.includes('"not-a-cidr" is not an IPv4 CIDR'))).toBe(true);
  });
});

describe('the VPC subnet prefix (no manifest gives the mask)', () => {
  const src = fixture('import/fixtures/eks-cluster.yaml');
  const withPrefix = (value: string) => ({
    ...src,
    text: `${src.text}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: k8s-netviz-site-network\n  namespace: kube-system\ndata:\n  vpcSubnetPrefix: "${value}"\n`,
  });

  it('is assumed as the longest, up to /24, holding each node with its pods: /19 for the EKS dump', () => {
    const eks = load(src);
    expect(eks.nodes.map((n) => n.devices.map((d) => d.address))).toEqual([
      ['192.168.12.34/19', '192.168.0.4/19'],
      ['192.168.45.67/19', '192.168.32.4/19'],
    ]);
    const result = loadManifests([src]);
    const warning = result.ok ? result.warnings.find((w) => w.field === 'data.vpcSubnetPrefix') : undefined;
    expect(warning?.message).toContain('assumes /19');
    // the built-in cluster's pods are the builder's own: its nodes' /24
    expect(vpcSubnetPrefixFor({}, cluster.nodes, [])).toBe(24);
    expect(vpcSubnetPrefixFor({}, [{ name: 'n', internalIP: '10.0.1.5' }], [{ node: 'n', ip: '10.0.200.9' }])).toBe(16);
  });

  it('is read from data.vpcSubnetPrefix of k8s-netviz-site-network, said as no assumption', () => {
    const result = loadManifests([withPrefix('18')]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.cluster.settings.vpcSubnetPrefix).toBe(18);
    expect(result.cluster.nodes[0]!.devices[0]!.address).toBe('192.168.12.34/18');
    expect(result.warnings.some((w) => w.field === 'data.vpcSubnetPrefix')).toBe(false);
  });

  it('refuses a prefix EC2 would not make, saying where', () => {
    const result = loadManifests([withPrefix('30')]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.errors.find((e) => e.field === 'data.vpcSubnetPrefix')!;
    expect(error.message).toContain('from 16 to 28');
    expect(error.object).toContain('k8s-netviz-site-network');
    expect(() => build({ vpcSubnetPrefix: 12 })).toThrow(/data\.vpcSubnetPrefix/);
  });

  it('is named as an assumption in the route hop that rests on it, and not once given', () => {
    const hop = (c: Cluster) => {
      const from = podsOf(c).find((p) => p.name === 'client')!;
      const to = podsOf(c).find((p) => p.node !== from.node)!;
      return run(c, from, to.ip, 80).hops.find((h) => h.kind === 'route' && h.at === `node/${from.node}`)!;
    };
    expect(hop(cluster).text).toContain('The subnet 192.168.10.0/24 is assumed');
    const given = build({ vpcSubnetPrefix: 20 });
    expect(given.nodes[0]!.devices[0]!.address).toMatch(/\/20$/);
    expect(hop(given).text).not.toContain('assumed');
  });
});

describe('export and re-import', () => {
  it('keeps the AWS VPC CNI, its settings, the VPC CIDRs and every pod address', () => {
    const spec = {
      ...defaultClusterSpec,
      settings: {
        cni: { kind: 'aws-vpc', externalSnat: true, excludeSnatCidrs: ['10.0.0.0/8'] } as CniConfig,
        policyEnforced: true,
        vpcCidrs: ['192.168.0.0/16'],
        vpcSubnetPrefix: 20,
      },
    };
    const c = buildCluster(spec);
    const objects = toManifests(c, spec);
    expect(objects.some((o) => (o as { kind?: string }).kind === 'ClusterConfiguration')).toBe(false);
    expect(objects.some((o) => (o as { kind?: string }).kind === 'ServiceCIDR')).toBe(true);
    const back = load({ name: 'export.yaml', text: objects.map((o) => stringify(o)).join('---\n') });
    expect(back.settings.cni).toEqual(spec.settings.cni);
    expect(back.settings.policyEnforced).toBe(true);
    expect(back.settings.vpcCidrs).toEqual(['192.168.0.0/16']);
    expect(back.settings.vpcSubnetPrefix).toBe(20);
    expect(back.settings.serviceSubnet).toBe(c.settings.serviceSubnet);
    expect(back.nodes.map((n) => [n.name, n.podCIDR, n.devices.map((d) => d.address)])).toEqual(
      c.nodes.map((n) => [n.name, n.podCIDR, n.devices.map((d) => d.address)]),
    );
    expect(back.pods.map((p) => [p.name, p.ip, p.veth])).toEqual(c.pods.map((p) => [p.name, p.ip, p.veth]));
  });
});
