/**
 * Sentences for the CNI's NAT decisions: the decision (cni/) says which rule matched and why, the
 * narrator says it in words, so that every plugin's reasons read alike.
 */
import type { EgressWhy, Postrouting } from '../cni/common';

/** The sentence of a POSTROUTING hop: the packet from a pod to `dst`, leaving through `dev`. */
export function postroutingText(decision: Extract<Postrouting, { kind: 'rule' }>, dev: string, dst: string): string {
  switch (decision.why) {
    case 'flannel-masq':
      return `POSTROUTING: flannel masquerades this packet, so it leaves with ${dev}'s address as its source and a random port.`;
    case 'flannel-return':
      return 'FORWARD accepts pod traffic and POSTROUTING returns without NAT: pod-to-pod traffic keeps its source address.';
    case 'nat-outgoing':
      return `POSTROUTING: the IP pool has natOutgoing and ${dst} is outside every pool, so Calico masquerades the packet to ${dev}'s address.`;
    case 'nat-outgoing-in-pool':
    case 'nat-outgoing-not-pod':
      return `POSTROUTING: Calico's natOutgoing applies only to pod traffic leaving every IP pool; this packet ${decision.why === 'nat-outgoing-in-pool' ? 'stays inside the pool' : 'does not come from a pod'}, so no NAT.`;
    case 'kind-masq':
      return `POSTROUTING jumps to KIND-MASQ-AGENT: ${dst} is outside the pod network, so kindnet masquerades the packet to ${dev}'s address (keeping its source port when it is free).`;
    case 'kind-masq-return':
      return `POSTROUTING jumps to KIND-MASQ-AGENT, which returns for ${dst}: traffic to the pod network is not masqueraded, so it keeps its source address.`;
    case 'kind-masq-host':
      return `POSTROUTING: KIND-MASQ-AGENT's last rule masquerades to ${dev}'s address, which this packet from the node already carries: nothing changes.`;
    case 'aws-snat':
      return `POSTROUTING jumps to AWS-SNAT-CHAIN-0: ${dst} is outside the VPC, so the AWS VPC CNI SNATs the packet to the node's primary address.`;
    case 'aws-snat-return':
      return `POSTROUTING jumps to AWS-SNAT-CHAIN-0, which returns for ${dst}: the VPC routes pod addresses itself, so traffic inside the VPC keeps its source address.`;
    case 'aws-snat-excluded':
      return `POSTROUTING jumps to AWS-SNAT-CHAIN-0, which returns for ${dst}: AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS lists it, so it keeps its source address.`;
    case 'aws-snat-host':
      return `POSTROUTING: AWS-SNAT-CHAIN-0 SNATs what leaves the VPC to the node's primary address, which this packet from the node already carries: nothing changes.`;
  }
}

/** What an egress sentence needs besides the decision: the addresses involved. */
export interface EgressFacts {
  dstIP: string;
  podIP: string;
  /** the address a masquerade gives the packet */
  devIP: string;
  /** the cluster's pod CIDR */
  podSubnet: string;
  /** the destination is inside the pod network */
  inPool: boolean;
  /** the VPC CIDRs were not given but assumed from the node addresses (the AWS VPC CNI) */
  vpcAssumed?: boolean;
}

const assumed = (f: EgressFacts): string =>
  f.vpcAssumed
    ? ' (assumed: the smallest CIDR holding every node subnet; the plugin reads the real one from instance metadata)'
    : '';

/** The sentence of the CNI's egress masquerade decision for a pod's packet. */
export function egressText(why: EgressWhy, f: EgressFacts): string {
  switch (why) {
    case 'no-ip-masq':
      return f.inPool
        ? 'Pod-to-pod traffic keeps its source address.'
        : `flanneld runs without --ip-masq, so there is no FLANNEL-POSTRTG rule: the packet leaves with the pod address ${f.podIP}, and ${f.dstIP} must route replies back to the pod network.`;
    case 'flannel-return':
      return 'FLANNEL-POSTRTG returns without NAT for pod-to-pod traffic: it keeps its source address.';
    case 'multicast':
      return 'Multicast is not masqueraded.';
    case 'flannel-masq':
      return `${f.dstIP} is outside the cluster CIDR ${f.podSubnet}, so flannel's FLANNEL-POSTRTG masquerades the packet to ${f.devIP} with a random port.`;
    case 'nat-outgoing-off':
      return `The IP pool has natOutgoing: false, so Calico does not masquerade: ${f.dstIP} sees the pod address ${f.podIP}.`;
    case 'in-pool':
      return 'The destination is inside an IP pool: natOutgoing does not apply, no NAT.';
    case 'nat-outgoing':
      return `The IP pool has natOutgoing and ${f.dstIP} is outside every pool, so Calico masquerades the packet to ${f.devIP}.`;
    case 'pod-network':
      return 'The destination is inside the pod network: Cilium does not masquerade it.';
    case 'cluster-node-ebpf':
      return `${f.dstIP} is a cluster node (remote-node identity): Cilium does not masquerade traffic to it.`;
    case 'cluster-node':
      return `${f.dstIP} is a cluster node: Cilium's CILIUM_POST_nat accepts the packet without NAT, so it keeps the pod address ${f.podIP}.`;
    case 'bpf-masquerade':
      return `${f.dstIP} is outside the cluster, so Cilium's eBPF masquerades the packet to ${f.devIP} on its way out (enable-bpf-masquerade).`;
    case 'iptables-masquerade':
      return `${f.dstIP} is outside the cluster, so Cilium's iptables rule in CILIUM_POST_nat masquerades the packet to ${f.devIP}, keeping its source port when it is free (Cilium's default; enable-bpf-masquerade would do this in eBPF).`;
    case 'kind-masq-return':
      return `${f.dstIP} is inside the pod network ${f.podSubnet}: KIND-MASQ-AGENT returns without NAT, so it keeps the pod address ${f.podIP}.`;
    case 'kind-masq':
      return `${f.dstIP} is outside the pod network ${f.podSubnet}, so kindnet's KIND-MASQ-AGENT masquerades the packet to ${f.devIP}, keeping its source port when it is free.`;
    case 'aws-snat':
      return `${f.dstIP} is outside the VPC ${f.podSubnet}${assumed(f)}, so the AWS VPC CNI's AWS-SNAT-CHAIN-0 SNATs the packet to the node's primary address ${f.devIP} (--random-fully); conntrack undoes it for the answer.`;
    case 'aws-snat-vpc':
      return `${f.dstIP} is inside the VPC ${f.podSubnet}${assumed(f)}: AWS-SNAT-CHAIN-0 returns without NAT, and the VPC routes the answer back to the pod address ${f.podIP} itself.`;
    case 'aws-snat-excluded':
      return `${f.dstIP} is in AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: AWS-SNAT-CHAIN-0 returns without NAT, so it sees the pod address ${f.podIP}.`;
    case 'aws-external-snat':
      return `AWS_VPC_K8S_CNI_EXTERNALSNAT is true: the node has no AWS-SNAT-CHAIN-0 rules, so the packet leaves with the pod address ${f.podIP}; translating it, if anything does (a NAT gateway on the subnet's way to the Internet), is the VPC's business, outside the model.`;
  }
}
