/**
 * Egress source NAT: whether a pod's packet leaving its node is masqueraded to the node's address,
 * and by which rule (docs/networking-model.md): ip-masq-agent's IP-MASQ-AGENT chain when the
 * agent runs, else the CNI's own rules: flannel's FLANNEL-POSTRTG (only with --ip-masq), Calico's
 * natOutgoing, Cilium's masquerading.
 */
import { cidrContains, formatIPv4 } from '../model/ip';
import { lookup } from '../model/lookup';
import type { Cluster, ClusterNode, Pod } from '../model/types';
import { deviceIP, parseCidr, parseIPv4 } from '../model/memo';
import { cniPlugin } from '../registry';
import { egressText } from '../narrate/nat';
import { weakCache } from '../model/weakCache';
import { vpcCidrs } from '../cni/awsVpc';

/** ip-masq-agent's documented defaults (RFC 1918), used when it runs without a config. */
export const IP_MASQ_AGENT_DEFAULT_CIDRS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const LINK_LOCAL = '169.254.0.0/16';
const SYSTEM_NS = 'kube-system';
const AGENT_NAME = 'ip-masq-agent';

/** ip-masq-agent's configuration as it applies it. */
export interface IpMasqAgentConfig {
  nonMasqueradeCIDRs: string[];
  masqLinkLocal: boolean;
  /** as written in the config, `60s` by default */
  resyncInterval: string;
  /** where the configuration comes from */
  source: 'defaults' | 'configmap';
  /**
   * Why the agent installs no rules at all: a config it cannot parse or that fails its validation
   * makes it skip the rule sync (it logs the error and retries every resync). Null when fine.
   */
  error: string | null;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function isAgentObject(raw: unknown, kind: string): raw is Json {
  if (!isRecord(raw) || raw['kind'] !== kind || !isRecord(raw['metadata'])) return false;
  const md = raw['metadata'];
  return md['name'] === AGENT_NAME && (md['namespace'] ?? 'default') === SYSTEM_NS;
}

/** A field of the agent's JSON config: Go's json decoding matches keys case-insensitively. */
function field(config: Json, name: string): unknown {
  const key = Object.keys(config).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : config[key];
}

/** A scalar of the config: a quoted or plain string, or a YAML boolean. */
function scalar(text: string): string | boolean {
  const t = text.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  return t;
}

/**
 * The agent's config file: JSON, or the flat YAML it is written in (`key: value`, `key: [a, b]`,
 * or a block list of `- a` lines). A small reader of its own keeps the YAML library out of the
 * trace's bundle (the full parser is loaded only with the importer).
 */
function parseConfigText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return JSON.parse(trimmed) as unknown;
  const out: Record<string, unknown> = {};
  let list: unknown[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw
      .replace(/\r$/, '')
      .replace(/\s+#.*$/, '')
      .replace(/^\s*#.*$/, '');
    if (line.trim() === '' || line.trim() === '---') continue;
    const item = /^\s*-\s*(.*)$/.exec(line);
    if (item) {
      if (list === null) throw new Error(`a list item outside a list: "${line.trim()}"`);
      list.push(scalar(item[1] ?? ''));
      continue;
    }
    const pair = /^\s*([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!pair) throw new Error(`cannot read "${line.trim()}"`);
    const key = pair[1] as string;
    const value = (pair[2] ?? '').trim();
    list = null;
    if (value === '') {
      list = [];
      out[key] = list;
    } else if (value.startsWith('[')) {
      if (!value.endsWith(']')) throw new Error(`unterminated list for ${key}`);
      const inner = value.slice(1, -1).trim();
      out[key] = inner === '' ? [] : inner.split(',').map(scalar);
    } else {
      out[key] = scalar(value);
    }
  }
  return out;
}

/** Reads the ConfigMap's config (YAML or JSON), starting from the defaults as the agent does. */
export function readIpMasqAgentConfig(text: string): IpMasqAgentConfig {
  const config: IpMasqAgentConfig = {
    nonMasqueradeCIDRs: [...IP_MASQ_AGENT_DEFAULT_CIDRS],
    masqLinkLocal: false,
    resyncInterval: '60s',
    source: 'configmap',
    error: null,
  };
  let value: unknown;
  try {
    value = parseConfigText(text);
  } catch (e) {
    config.error = `the config is not valid YAML (${e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)})`;
    return config;
  }
  if (!isRecord(value)) {
    config.error = 'the config is not a map of settings';
    return config;
  }
  // Only the fields the file gives replace the defaults (json.Unmarshal over NewMasqConfig).
  const cidrs = field(value, 'nonMasqueradeCIDRs');
  if (cidrs !== undefined) {
    if (!Array.isArray(cidrs) || cidrs.some((c) => typeof c !== 'string')) {
      config.error = 'nonMasqueradeCIDRs is not a list of CIDRs';
      return config;
    }
    for (const c of cidrs as string[]) {
      const parsed = parseCidr(c);
      if (c.includes(':')) continue; // IPv6 ranges go to ip6tables, not simulated
      if (parsed === null || c.slice(0, c.indexOf('/')) !== formatIPv4(parsed.base)) {
        config.error = `CIDR "${c}" ${parsed === null ? 'could not be parsed' : 'is not aligned to a CIDR block'}`;
        return config;
      }
    }
    if (cidrs.length > 64) {
      config.error = `the daemon can only accept up to 64 CIDRs (excluding link-local), but got ${cidrs.length}`;
      return config;
    }
    config.nonMasqueradeCIDRs = (cidrs as string[]).filter((c) => !c.includes(':'));
  }
  const linkLocal = field(value, 'masqLinkLocal');
  if (typeof linkLocal === 'boolean') config.masqLinkLocal = linkLocal;
  const resync = field(value, 'resyncInterval');
  if (typeof resync === 'string') config.resyncInterval = resync;
  return config;
}

/**
 * ip-masq-agent in a cluster: present when a DaemonSet kube-system/ip-masq-agent runs (its pods, or
 * the object in `cluster.extras`) or its ConfigMap kube-system/ip-masq-agent is there. Its config
 * is the ConfigMap's `config` key, else the documented defaults. Null when the agent is absent.
 */
export const ipMasqAgent = weakCache((cluster: Cluster): IpMasqAgentConfig | null => {
  const daemonSet =
    cluster.pods.some((p) => p.namespace === SYSTEM_NS && p.owner === `DaemonSet/${AGENT_NAME}`) ||
    cluster.extras.some((o) => isAgentObject(o, 'DaemonSet'));
  const configMap = cluster.extras.find((o) => isAgentObject(o, 'ConfigMap')) as Json | undefined;
  let result: IpMasqAgentConfig | null = null;
  if (configMap) {
    const data = isRecord(configMap['data']) ? configMap['data'] : {};
    const keys = Object.keys(data);
    const text = data['config'] ?? (keys.length === 1 ? data[keys[0] as string] : undefined);
    result =
      typeof text === 'string'
        ? readIpMasqAgentConfig(text)
        : {
            nonMasqueradeCIDRs: [...IP_MASQ_AGENT_DEFAULT_CIDRS],
            masqLinkLocal: false,
            resyncInterval: '60s',
            source: 'defaults',
            error: null,
          };
  } else if (daemonSet) {
    result = {
      nonMasqueradeCIDRs: [...IP_MASQ_AGENT_DEFAULT_CIDRS],
      masqLinkLocal: false,
      resyncInterval: '60s',
      source: 'defaults',
      error: null,
    };
  }
  return result;
});

const NON_MASQ_COMMENT = '-m comment --comment "ip-masq-agent: local traffic is not subject to MASQUERADE"';
const MASQ_RULE =
  '-A IP-MASQ-AGENT -m comment --comment "ip-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)" -j MASQUERADE --to-ports 32768-65535 --random-fully';

/** The agent's nat rules as `iptables -t nat -S` prints them (none when its config is rejected). */
export function ipMasqAgentRules(config: IpMasqAgentConfig): string[] {
  if (config.error !== null) return [];
  const cidrs = [...(config.masqLinkLocal ? [] : [LINK_LOCAL]), ...config.nonMasqueradeCIDRs];
  return [
    '-A POSTROUTING -m comment --comment "ip-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom IP-MASQ-AGENT chain" -m addrtype ! --dst-type LOCAL -j IP-MASQ-AGENT',
    ...cidrs.map((c) => `-A IP-MASQ-AGENT -d ${c} ${NON_MASQ_COMMENT} -j RETURN`),
    MASQ_RULE,
  ];
}

/** The source-NAT decision for one packet. */
export interface EgressDecision {
  masquerade: boolean;
  /** what decided */
  by: 'ip-masq-agent' | 'flannel' | 'calico' | 'cilium' | 'kindnet' | 'aws-vpc' | 'none';
  /** the deciding rule as the user would find it (`iptables -t nat -S`, or Cilium's eBPF); '' when no rule is involved */
  rule: string;
  /** the address the packet leaves with after MASQUERADE (the egress interface's); null without NAT */
  newSrc: string | null;
  /** one sentence */
  text: string;
  /** MASQUERADE without --random-fully: the kernel keeps the source port when it is free */
  keepsPort?: boolean;
  /** `-j SNAT --to-source` (the AWS VPC CNI) rather than MASQUERADE */
  snat?: boolean;
}

const inCidr = (cidr: string, ip: number): boolean => {
  const c = parseCidr(cidr);
  return c !== null && cidrContains(c, ip);
};

/**
 * Whether a pod's packet to `dstIP`, leaving `node` through `egressDev` (eth0 for anything outside
 * the cluster), is masqueraded, by which rule, and to which address.
 *
 * @example
 * egressMasquerade(cluster, pod, '93.184.215.14', node) // { masquerade: true, by: 'flannel', newSrc: '192.168.10.11', ... }
 */
export function egressMasquerade(
  cluster: Cluster,
  srcPod: Pod,
  dstIP: string,
  node: ClusterNode,
  egressDev = 'eth0',
): EgressDecision {
  const dst = parseIPv4(dstIP) ?? 0;
  const devIP = egressDev === 'eth0' ? node.internalIP : (deviceIP(node, egressDev) ?? node.internalIP);
  const none = (by: EgressDecision['by'], rule: string, text: string): EgressDecision => ({
    masquerade: false,
    by,
    rule,
    newSrc: null,
    text,
  });
  const masq = (by: EgressDecision['by'], rule: string, text: string): EgressDecision => ({
    masquerade: true,
    by,
    rule,
    newSrc: devIP,
    text,
  });
  if (srcPod.hostNetwork)
    return none(
      'none',
      '',
      `${srcPod.name} uses the host network: its packets already carry ${node.name}'s address, nothing to masquerade.`,
    );
  if (node.internalIP === dstIP || node.devices.some((d) => d.address !== null && d.address.startsWith(`${dstIP}/`))) {
    return none(
      'none',
      '',
      `${dstIP} is ${node.name}'s own address: the packet is delivered locally and never reaches POSTROUTING.`,
    );
  }
  const agent = ipMasqAgent(cluster);
  if (agent !== null) {
    if (agent.error !== null) {
      return none(
        'ip-masq-agent',
        '',
        `ip-masq-agent rejected its config (${agent.error}) and installed no rules, so nothing masquerades the packet: ${dstIP} sees the pod address ${srcPod.ip}.`,
      );
    }
    const linkLocal = !agent.masqLinkLocal && inCidr(LINK_LOCAL, dst);
    const match = linkLocal ? LINK_LOCAL : agent.nonMasqueradeCIDRs.find((c) => inCidr(c, dst));
    if (match !== undefined) {
      return none(
        'ip-masq-agent',
        `-A IP-MASQ-AGENT -d ${match} ${NON_MASQ_COMMENT} -j RETURN`,
        `ip-masq-agent lists ${match} as ${linkLocal ? 'link-local' : 'non-masquerade'} (${agent.source === 'defaults' ? 'its defaults' : 'its ConfigMap'}), so the packet keeps the pod address ${srcPod.ip}; ${dstIP} must route replies back to the pod network.`,
      );
    }
    return masq(
      'ip-masq-agent',
      MASQ_RULE,
      `${dstIP} is in none of ip-masq-agent's non-masquerade ranges (${agent.nonMasqueradeCIDRs.join(', ') || 'none'}), so IP-MASQ-AGENT masquerades the packet to ${devIP}.`,
    );
  }
  const cni = cniPlugin(cluster);
  const d = cni.egressNat(cluster, node, srcPod, dstIP, devIP);
  const text = egressText(d.why, {
    dstIP,
    podIP: srcPod.ip,
    devIP,
    podSubnet: cluster.settings.podSubnet,
    inPool: cidrContains(lookup(cluster).podSubnet, dst),
    ...(cni.vpc && vpcCidrs(cluster).assumed ? { vpcAssumed: true } : {}),
  });
  let decision = d.masquerade ? masq(cni.kind, d.rule, text) : none(cni.kind, d.rule, text);
  if (d.snat) decision = { ...decision, snat: true };
  return d.keepsPort ? { ...decision, keepsPort: true } : decision;
}
