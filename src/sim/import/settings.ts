/**
 * Cluster-wide settings from the objects real clusters are configured with (docs/networking-model.md):
 * kubeadm's ClusterConfiguration, KubeProxyConfiguration, flannel's ConfigMap and DaemonSet
 * arguments, a Calico IPPool, Cilium's ConfigMap, the kube-network-policies DaemonSet, and the
 * AWS VPC CNI's aws-node DaemonSet and amazon-vpc-cni ConfigMap.
 * Anything not given keeps kubeadm's defaults (DEFAULT_SETTINGS in the builder).
 */
import { parseCidr } from '../model/ip';
import { SUBNET_PREFIX_MAX, SUBNET_PREFIX_MIN } from '../cni/awsVpc';
import type { ClusterSettings, CniConfig, ProxyMode } from '../model/types';
import type { ImportLimits } from './limits';
import { parseYamlStream, yamlValue } from './parse';
import type { Path, Problems, RawObject } from './problems';
import { Fields, isRecord } from './read';

/** An object that said something, for blaming it later. */
export interface Where {
  object: RawObject;
  label: string;
  /** where the setting sits inside the object (`data.ClusterConfiguration` for an embedded one) */
  prefix: Path;
}

/** The ConfigMap (in kube-system) of the settings that describe the site network, not the cluster. */
export const SITE_NETWORK_CONFIGMAP = 'k8s-netviz-site-network';

type Mode = 'Always' | 'CrossSubnet' | 'Never';
const MODES: readonly Mode[] = ['Always', 'CrossSubnet', 'Never'];

interface Said<T> {
  value: T;
  where: Where;
  field: Path;
}

/** The IPv4 member of a possibly dual-stack, comma-separated CIDR list. */
function ipv4Cidr(f: Fields, path: Path, separator: RegExp = /,/): string | undefined {
  const text = f.str(path);
  if (text === undefined || text.trim() === '') return undefined;
  const v4 = text
    .split(separator)
    .map((s) => s.trim())
    .find((s) => s.includes('.'));
  if (v4 === undefined) return undefined;
  if (parseCidr(v4) === null) {
    f.error(path, `must be an IPv4 CIDR such as 10.244.0.0/16, not "${v4}"`);
    return undefined;
  }
  return v4;
}

export class SettingsReader {
  private readonly problems: Problems;
  private readonly limits: ImportLimits;
  private kubeadmPodSubnet?: Said<string>;
  private serviceSubnet?: Said<string>;
  private serviceCidrs: (Said<string> & { name: string })[] = [];
  private dnsDomain?: Said<string>;
  private proxyMode?: Said<ProxyMode>;
  private proxyClusterCIDR?: Said<string>;
  private flannelNetwork?: Said<string>;
  private flannelBackend?: Said<'vxlan' | 'host-gw'>;
  private flannelIpMasq?: Said<boolean>;
  private calico: Said<Extract<CniConfig, { kind: 'calico' }> & { cidr: string }>[] = [];
  private cilium?: Said<Extract<CniConfig, { kind: 'cilium' }> & { clusterPool: string | null }>;
  private kubeNetworkPolicies = false;
  private siteRoutes?: Said<boolean>;
  private kindnet?: Said<{ podSubnet: string | null; policies: boolean }>;
  private awsNode?: Said<Extract<CniConfig, { kind: 'aws-vpc' }>>;
  private awsPolicyAgent?: Said<boolean>;
  private vpcCidrs?: Said<string[]>;
  private vpcSubnetPrefix?: Said<number>;
  /** which object gave the pod and service subnets, for placing the builder's errors */
  readonly blame = new Map<string, { where: Where; field: Path }>();

  constructor(problems: Problems, limits: ImportLimits) {
    this.problems = problems;
    this.limits = limits;
  }

  private where(f: Fields, prefix: Path = []): Where {
    return { object: f.object, label: f.label, prefix };
  }

  /**
   * A configuration file embedded in a ConfigMap (kubeadm-config, kube-proxy): read with the same
   * limits, its problems placed at the ConfigMap's data field.
   */
  private embedded(f: Fields, key: string, json: boolean): Fields | null {
    const text = f.str(['data', key]);
    if (text === undefined) return null;
    let value: unknown;
    if (json) {
      try {
        value = JSON.parse(text);
      } catch (error) {
        f.error(['data', key], `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      }
    } else {
      const { docs, fatal } = parseYamlStream(text, this.limits, 1);
      const doc = docs[0];
      if (fatal || !doc || doc.errors.length > 0) {
        f.error(['data', key], `is not valid YAML: ${fatal?.message ?? doc?.errors[0]?.message ?? 'empty'}`);
        return null;
      }
      const read = yamlValue(doc, this.limits);
      if ('error' in read) {
        f.error(['data', key], read.error);
        return null;
      }
      value = read.value;
    }
    if (!isRecord(value)) {
      f.error(['data', key], 'must hold a map');
      return null;
    }
    const outer = f.object;
    const nested: RawObject = { value, source: outer.source, locate: () => outer.locate(['data', key]) };
    const inner = new Fields(nested, `${f.label} data[${JSON.stringify(key)}]`, this.problems);
    return inner;
  }

  /** kubeadm.k8s.io ClusterConfiguration: networking.podSubnet, serviceSubnet, dnsDomain. */
  clusterConfiguration(f: Fields): void {
    const where = this.where(f);
    const podSubnet = ipv4Cidr(f, ['networking', 'podSubnet']);
    if (podSubnet) this.kubeadmPodSubnet = { value: podSubnet, where, field: ['networking', 'podSubnet'] };
    const serviceSubnet = ipv4Cidr(f, ['networking', 'serviceSubnet']);
    if (serviceSubnet) this.serviceSubnet = { value: serviceSubnet, where, field: ['networking', 'serviceSubnet'] };
    const dnsDomain = f.str(['networking', 'dnsDomain']);
    if (dnsDomain) this.dnsDomain = { value: dnsDomain, where, field: ['networking', 'dnsDomain'] };
  }

  /**
   * A networking.k8s.io/v1 ServiceCIDR: the ranges the API server allocates ClusterIPs from. The
   * one the API server makes from --service-cluster-ip-range is named `kubernetes`.
   */
  serviceCidr(f: Fields, name: string): void {
    const list = f.list(['spec', 'cidrs']) ?? [];
    for (let i = 0; i < list.length; i++) {
      const text = f.str(['spec', 'cidrs', i]);
      if (text === undefined || !text.includes('.')) continue;
      const cidr = ipv4Cidr(f, ['spec', 'cidrs', i]);
      if (cidr) this.serviceCidrs.push({ value: cidr, where: this.where(f), field: ['spec', 'cidrs', i], name });
      return;
    }
  }

  /** The kube-system/kubeadm-config ConfigMap, which holds the ClusterConfiguration kubeadm used. */
  kubeadmConfigMap(f: Fields): void {
    const inner = this.embedded(f, 'ClusterConfiguration', false);
    if (inner) this.clusterConfiguration(inner);
  }

  /** kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration: mode (empty means iptables) and clusterCIDR. */
  kubeProxyConfiguration(f: Fields): void {
    const where = this.where(f);
    const mode = f.oneOf(['mode'], ['', 'iptables', 'ipvs', 'nftables', 'kernelspace']);
    if (mode === 'kernelspace') f.warn(['mode'], 'kernelspace is the Windows proxy mode; the simulation uses iptables');
    if (mode !== undefined)
      this.proxyMode = { value: mode === '' || mode === 'kernelspace' ? 'iptables' : mode, where, field: ['mode'] };
    const clusterCIDR = ipv4Cidr(f, ['clusterCIDR']);
    if (clusterCIDR) this.proxyClusterCIDR = { value: clusterCIDR, where, field: ['clusterCIDR'] };
  }

  /** The kube-system/kube-proxy ConfigMap: config.conf is the KubeProxyConfiguration. */
  kubeProxyConfigMap(f: Fields): void {
    const inner = this.embedded(f, 'config.conf', false);
    if (inner) this.kubeProxyConfiguration(inner);
  }

  /** flannel's kube-flannel-cfg: net-conf.json with Network and Backend.Type. */
  flannelConfigMap(f: Fields): void {
    const inner = this.embedded(f, 'net-conf.json', true);
    const where = inner ? this.where(inner) : this.where(f, ['data', 'net-conf.json']);
    if (!inner) {
      // The ConfigMap alone says the CNI is flannel.
      this.flannelBackend ??= { value: 'vxlan', where, field: [] };
      return;
    }
    const network = ipv4Cidr(inner, ['Network']);
    if (network) this.flannelNetwork = { value: network, where, field: ['Network'] };
    const type = inner.str(['Backend', 'Type']) ?? 'vxlan';
    let backend: 'vxlan' | 'host-gw' = 'vxlan';
    if (type === 'host-gw') backend = 'host-gw';
    else if (type !== 'vxlan')
      inner.warn(['Backend', 'Type'], `the flannel backend "${type}" is not simulated; the simulation uses vxlan`);
    if (inner.bool(['Backend', 'DirectRouting']))
      inner.warn(
        ['Backend', 'DirectRouting'],
        'DirectRouting is not simulated: every cross-node packet is encapsulated',
      );
    this.flannelBackend = { value: backend, where, field: ['Backend', 'Type'] };
  }

  /** flannel's DaemonSet: flanneld masquerades pod egress only with --ip-masq (docs/networking-model.md). */
  flannelDaemonSet(f: Fields): void {
    const containers = f.list(['spec', 'template', 'spec', 'containers']) ?? [];
    for (let i = 0; i < containers.length; i++) {
      const words: string[] = [];
      for (const field of ['command', 'args']) {
        const list = f.list(['spec', 'template', 'spec', 'containers', i, field]) ?? [];
        for (const w of list) if (typeof w === 'string') words.push(w);
      }
      if (!words.some((w) => w.includes('flanneld'))) continue;
      let ipMasq = false;
      for (const w of words) {
        if (w === '--ip-masq' || w === '--ip-masq=true') ipMasq = true;
        else if (w === '--ip-masq=false') ipMasq = false;
      }
      this.flannelIpMasq = {
        value: ipMasq,
        where: this.where(f),
        field: ['spec', 'template', 'spec', 'containers', i, 'args'],
      };
      return;
    }
  }

  /**
   * kind's kindnet DaemonSet (kube-system/kindnet): its kindnet-cni container's POD_SUBNET env is
   * the cluster CIDR kindnetd keeps unmasqueraded. kindnetd enforces NetworkPolicy from image
   * v20240719 on (kind v0.24 bundled kube-network-policies into it); an older tag does not.
   */
  kindnetDaemonSet(f: Fields): void {
    const base = ['spec', 'template', 'spec', 'containers'];
    const containers = f.list(base) ?? [];
    for (let i = 0; i < containers.length; i++) {
      const image = f.str([...base, i, 'image']) ?? '';
      if (!image.includes('kindnetd') && f.str([...base, i, 'name']) !== 'kindnet-cni') continue;
      let podSubnet: string | null = null;
      let field: Path = [...base, i];
      const env = f.list([...base, i, 'env']) ?? [];
      for (let j = 0; j < env.length; j++) {
        if (f.str([...base, i, 'env', j, 'name']) !== 'POD_SUBNET') continue;
        field = [...base, i, 'env', j, 'value'];
        podSubnet = ipv4Cidr(f, field) ?? null;
      }
      const tag = /kindnetd:v(\d{8})/.exec(image);
      const policies = tag === null || Number(tag[1]) >= 20240719;
      this.kindnet = { value: { podSubnet, policies }, where: this.where(f), field };
      return;
    }
  }

  /**
   * The AWS VPC CNI's aws-node DaemonSet (kube-system/aws-node): its aws-node container's env
   * AWS_VPC_K8S_CNI_EXTERNALSNAT ("true" leaves SNAT to a NAT gateway; default false) and
   * AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS (comma-separated IPv4 CIDRs kept unSNATed).
   */
  awsNodeDaemonSet(f: Fields): void {
    const base = ['spec', 'template', 'spec', 'containers'];
    const containers = f.list(base) ?? [];
    for (let i = 0; i < containers.length; i++) {
      const image = f.str([...base, i, 'image']) ?? '';
      if (f.str([...base, i, 'name']) !== 'aws-node' && !image.includes('amazon-k8s-cni')) continue;
      let externalSnat = false;
      const excludeSnatCidrs: string[] = [];
      const env = f.list([...base, i, 'env']) ?? [];
      for (let j = 0; j < env.length; j++) {
        const name = f.str([...base, i, 'env', j, 'name']);
        const path = [...base, i, 'env', j, 'value'];
        if (name === 'AWS_VPC_K8S_CNI_EXTERNALSNAT') {
          const value = (f.str(path) ?? '').trim().toLowerCase();
          if (value !== 'true' && value !== 'false' && value !== '')
            f.error(path, `must be "true" or "false", not "${value}"`);
          externalSnat = value === 'true';
        } else if (name === 'AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS') {
          for (const text of (f.str(path) ?? '').split(',').map((s) => s.trim())) {
            if (text === '') continue;
            // the plugin skips what is not an IPv4 range; so does the simulation, saying so
            if (parseCidr(text) === null) f.warn(path, `"${text}" is not an IPv4 CIDR; the plugin skips it`);
            else excludeSnatCidrs.push(text);
          }
        }
      }
      this.awsNode = {
        value: { kind: 'aws-vpc', externalSnat, excludeSnatCidrs },
        where: this.where(f),
        field: [...base, i],
      };
      return;
    }
  }

  /**
   * kube-system/amazon-vpc-cni: `enable-network-policy-controller: "true"` turns on the network
   * policy agent that enforces NetworkPolicy for the AWS VPC CNI (off by default).
   */
  amazonVpcCniConfigMap(f: Fields): void {
    const value = f.str(['data', 'enable-network-policy-controller']);
    if (value === undefined) return;
    const v = value.trim();
    if (v !== 'true' && v !== 'false') {
      f.error(['data', 'enable-network-policy-controller'], `must be "true" or "false", not "${value}"`);
      return;
    }
    this.awsPolicyAgent = {
      value: v === 'true',
      where: this.where(f),
      field: ['data', 'enable-network-policy-controller'],
    };
  }

  /** kube-network-policies in kube-system: with it, flannel clusters enforce NetworkPolicy. */
  networkPolicyController(): void {
    this.kubeNetworkPolicies = true;
  }

  /** A Calico IPPool (crd.projectcalico.org/v1 or projectcalico.org/v3). Defaults per Calico's docs. */
  calicoPool(f: Fields): void {
    const cidrText = f.str(['spec', 'cidr'], true);
    if (cidrText === undefined || !cidrText.includes('.')) return; // IPv6 pools are not simulated
    const cidr = f.cidr(['spec', 'cidr']);
    if (cidr === undefined || f.bool(['spec', 'disabled'])) return;
    const ipipMode = f.oneOf(['spec', 'ipipMode'], MODES) ?? 'Never';
    const vxlanMode = f.oneOf(['spec', 'vxlanMode'], MODES) ?? 'Never';
    if (ipipMode !== 'Never' && vxlanMode !== 'Never') {
      f.error(['spec', 'vxlanMode'], 'ipipMode and vxlanMode cannot both be enabled on one pool');
      return;
    }
    const prefix = (parseCidr(cidr) as { prefix: number }).prefix;
    const blockSize = f.int(['spec', 'blockSize'], 20, 32) ?? 26;
    if (blockSize < prefix) {
      f.error(['spec', 'blockSize'], `a /${blockSize} block does not fit in the pool ${cidr}`);
      return;
    }
    const natOutgoing = f.bool(['spec', 'natOutgoing']) ?? false;
    this.calico.push({
      value: { kind: 'calico', ipipMode, vxlanMode, natOutgoing, blockSize, cidr },
      where: this.where(f),
      field: ['spec', 'cidr'],
    });
  }

  /** kube-system/cilium-config: routing-mode, tunnel-protocol, kube-proxy-replacement, enable-bpf-masquerade, enable-gateway-api, cluster-pool CIDR. */
  ciliumConfigMap(f: Fields): void {
    const data = f.stringMap(['data']) ?? {};
    const get = (key: string): string | undefined => (Object.hasOwn(data, key) ? data[key]?.trim() : undefined);
    let routingMode: 'tunnel' | 'native' = 'tunnel';
    let tunnelProtocol: 'vxlan' | 'geneve' = 'vxlan';
    const legacyTunnel = get('tunnel');
    // Before Cilium 1.14 one key, `tunnel`, held both: vxlan, geneve or disabled (native routing).
    if (legacyTunnel === 'disabled') routingMode = 'native';
    else if (legacyTunnel === 'geneve') tunnelProtocol = 'geneve';
    const mode = get('routing-mode');
    if (mode === 'native' || mode === 'tunnel') routingMode = mode;
    else if (mode !== undefined) f.error(['data', 'routing-mode'], `must be "tunnel" or "native", not "${mode}"`);
    const protocol = get('tunnel-protocol');
    if (protocol === 'vxlan' || protocol === 'geneve') tunnelProtocol = protocol;
    else if (protocol !== undefined && protocol !== '')
      f.error(['data', 'tunnel-protocol'], `must be "vxlan" or "geneve", not "${protocol}"`);
    const kpr = get('kube-proxy-replacement');
    let kubeProxyReplacement = false;
    if (kpr === 'true' || kpr === 'strict') kubeProxyReplacement = true;
    else if (kpr !== undefined && !['false', 'disabled', 'partial', 'probe', ''].includes(kpr)) {
      f.error(['data', 'kube-proxy-replacement'], `must be "true" or "false", not "${kpr}"`);
    }
    const bpfMasq = get('enable-bpf-masquerade');
    if (bpfMasq !== undefined && bpfMasq !== 'true' && bpfMasq !== 'false' && bpfMasq !== '') {
      f.error(['data', 'enable-bpf-masquerade'], `must be "true" or "false", not "${bpfMasq}"`);
    }
    const bpfMasquerade = bpfMasq === 'true';
    const gw = get('enable-gateway-api');
    if (gw !== undefined && gw !== 'true' && gw !== 'false' && gw !== '')
      f.error(['data', 'enable-gateway-api'], `must be "true" or "false", not "${gw}"`);
    // Cilium's Gateway API needs its eBPF service handling to hand connections to Envoy.
    if (gw === 'true' && !kubeProxyReplacement)
      f.warn(
        ['data', 'enable-gateway-api'],
        'Cilium serves Gateways only with kube-proxy-replacement: true; the simulation leaves its Gateway API off',
      );
    const gatewayApi = gw === 'true' && kubeProxyReplacement;
    let clusterPool: string | null = null;
    const ipam = get('ipam') ?? 'cluster-pool';
    if (ipam === 'cluster-pool') {
      clusterPool = ipv4Cidr(f, ['data', 'cluster-pool-ipv4-cidr'], /[\s,]+/) ?? null;
      const mask = get('cluster-pool-ipv4-mask-size');
      if (mask !== undefined && mask !== '24')
        f.warn(['data', 'cluster-pool-ipv4-mask-size'], 'the simulation gives every node a /24');
    } else if (ipam !== 'kubernetes') {
      f.warn(['data', 'ipam'], `IPAM mode "${ipam}" is not simulated; pods take addresses from their node's podCIDR`);
    }
    this.cilium = {
      value: {
        kind: 'cilium',
        routingMode,
        tunnelProtocol,
        kubeProxyReplacement,
        bpfMasquerade,
        ...(gw === 'true' || gw === 'false' ? { gatewayApi } : {}),
        clusterPool,
      },
      where: this.where(f),
      field: ['data', 'routing-mode'],
    };
  }

  /**
   * k8s-netviz's own ConfigMap for what no Kubernetes object says: whether the site network routes
   * the pod CIDRs to the nodes (`data.routesPodNetwork: "true"`). No component of a real cluster
   * reads it; applying it changes nothing there.
   */
  siteNetworkConfigMap(f: Fields): void {
    const cidrs = f.str(['data', 'vpcCIDRs']);
    if (cidrs !== undefined) {
      // The VPC's CIDRs (the AWS VPC CNI learns them from instance metadata): comma-separated
      const list = cidrs
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const bad = list.find((c) => parseCidr(c) === null);
      if (bad !== undefined) f.error(['data', 'vpcCIDRs'], `must list IPv4 CIDRs such as 192.168.0.0/16, not "${bad}"`);
      else if (list.length > 0) this.vpcCidrs = { value: list, where: this.where(f), field: ['data', 'vpcCIDRs'] };
    }
    const prefix = f.str(['data', 'vpcSubnetPrefix']);
    if (prefix !== undefined) {
      // The nodes' VPC subnets' prefix length (no manifest holds the mask): a number, "19" or "/19"
      const n = Number(prefix.trim().replace(/^\//, ''));
      if (!/^\/?\d+$/.test(prefix.trim()) || n < SUBNET_PREFIX_MIN || n > SUBNET_PREFIX_MAX)
        f.error(
          ['data', 'vpcSubnetPrefix'],
          `must be a prefix length from ${SUBNET_PREFIX_MIN} to ${SUBNET_PREFIX_MAX} such as "19", not "${prefix}"`,
        );
      else this.vpcSubnetPrefix = { value: n, where: this.where(f), field: ['data', 'vpcSubnetPrefix'] };
    }
    const value = f.str(['data', 'routesPodNetwork']);
    if (value === undefined) return;
    if (value !== 'true' && value !== 'false') {
      f.error(['data', 'routesPodNetwork'], `must be "true" or "false", not "${value}"`);
      return;
    }
    this.siteRoutes = { value: value === 'true', where: this.where(f), field: ['data', 'routesPodNetwork'] };
  }

  private warnAt(said: Said<unknown>, message: string): void {
    this.problems.at('warning', said.where.object, said.where.label, [...said.where.prefix, ...said.field], message);
  }

  /** The settings the input gives, for the builder to complete with its defaults. */
  finish(): Partial<ClusterSettings> {
    const settings: { -readonly [K in keyof ClusterSettings]?: ClusterSettings[K] } = {};
    const candidates: Said<string>[] = [];
    const named = [
      this.cilium && 'Cilium',
      this.calico.length > 0 && 'Calico',
      this.kindnet && 'kindnet',
      this.awsNode && 'the AWS VPC CNI',
      (this.flannelBackend || this.flannelIpMasq) && 'flannel',
    ].filter((n): n is string => typeof n === 'string');
    if (named.length > 1) {
      const first = (this.cilium ??
        this.calico[0] ??
        this.kindnet ??
        this.awsNode ??
        this.flannelBackend) as Said<unknown>;
      this.warnAt(
        first,
        `the input configures more than one CNI (${named.join(', ')}); the simulation uses ${named[0]}`,
      );
    }
    if (this.cilium) {
      const { clusterPool, ...cni } = this.cilium.value;
      settings.cni = cni;
      settings.policyEnforced = true;
      if (clusterPool)
        candidates.push({ value: clusterPool, where: this.cilium.where, field: ['data', 'cluster-pool-ipv4-cidr'] });
      if (cni.kubeProxyReplacement) {
        settings.proxyMode = 'cilium';
        if (this.proxyMode)
          this.warnAt(
            this.proxyMode,
            'Cilium replaces kube-proxy (kube-proxy-replacement: true), so this kube-proxy mode is not used',
          );
      }
    } else if (this.calico.length > 0) {
      const [pool, ...others] = this.calico as [
        Said<Extract<CniConfig, { kind: 'calico' }> & { cidr: string }>,
        ...typeof this.calico,
      ];
      const { cidr, ...cni } = pool.value;
      settings.cni = cni;
      settings.policyEnforced = true;
      candidates.push({ value: cidr, where: pool.where, field: ['spec', 'cidr'] });
      for (const other of others) this.warnAt(other, 'only the first enabled IPv4 IPPool is simulated');
    } else if (this.kindnet) {
      settings.cni = { kind: 'kindnet' };
      settings.policyEnforced = this.kindnet.value.policies || this.kubeNetworkPolicies;
      const { podSubnet } = this.kindnet.value;
      if (podSubnet) candidates.push({ value: podSubnet, where: this.kindnet.where, field: this.kindnet.field });
    } else if (this.awsNode) {
      settings.cni = this.awsNode.value;
      // the network policy agent is off unless the amazon-vpc-cni ConfigMap turns it on
      settings.policyEnforced = this.awsPolicyAgent?.value ?? false;
    } else if (this.flannelBackend || this.flannelIpMasq) {
      settings.cni = {
        kind: 'flannel',
        backend: this.flannelBackend?.value ?? 'vxlan',
        ipMasq: this.flannelIpMasq?.value ?? true,
      };
    }
    if (settings.cni === undefined || settings.cni.kind === 'flannel') {
      if (this.kubeNetworkPolicies) settings.policyEnforced = true;
    }
    if (this.siteRoutes?.value === true) settings.siteRoutesPodNetwork = true;
    if (this.vpcCidrs) settings.vpcCidrs = this.vpcCidrs.value;
    if (this.vpcSubnetPrefix) settings.vpcSubnetPrefix = this.vpcSubnetPrefix.value;
    if (this.kubeadmPodSubnet) candidates.push(this.kubeadmPodSubnet);
    if (this.flannelNetwork && (settings.cni === undefined || settings.cni.kind === 'flannel'))
      candidates.push(this.flannelNetwork);
    if (this.proxyClusterCIDR) candidates.push(this.proxyClusterCIDR);
    const chosen = candidates[0];
    if (chosen) {
      settings.podSubnet = chosen.value;
      this.blame.set('podSubnet', { where: chosen.where, field: [...chosen.where.prefix, ...chosen.field] });
      for (const other of candidates.slice(1)) {
        if (other.value !== chosen.value) {
          this.warnAt(
            other,
            `says the pod network is ${other.value}, but ${chosen.where.label} makes it ${chosen.value}; the simulation uses ${chosen.value}`,
          );
        }
      }
    }
    const serviceCidr = this.serviceCidrs.find((c) => c.name === 'kubernetes') ?? this.serviceCidrs[0];
    for (const other of this.serviceCidrs)
      if (other !== serviceCidr) this.warnAt(other, `only one Service range is simulated: ${serviceCidr?.value ?? ''}`);
    const service = this.serviceSubnet ?? serviceCidr;
    if (this.serviceSubnet && serviceCidr && serviceCidr.value !== this.serviceSubnet.value)
      this.warnAt(
        serviceCidr,
        `says the Service range is ${serviceCidr.value}, but the ClusterConfiguration makes it ${this.serviceSubnet.value}; the simulation uses ${this.serviceSubnet.value}`,
      );
    if (service) {
      settings.serviceSubnet = service.value;
      this.blame.set('serviceSubnet', { where: service.where, field: [...service.where.prefix, ...service.field] });
    }
    if (this.dnsDomain) settings.dnsDomain = this.dnsDomain.value;
    if (this.proxyMode && settings.proxyMode === undefined) settings.proxyMode = this.proxyMode.value;
    return settings;
  }
}
