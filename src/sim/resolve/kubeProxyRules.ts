/**
 * The rules a node's Service proxy holds for one Service, printed as the tools print them:
 * `iptables -t nat -S` (and `-t filter` for REJECT/DROP), `nft list table ip kube-proxy`,
 * `ipvsadm -Ln`, or `cilium-dbg service list` (k8s-networking.md 4.3-4.6, 6). The node inspector
 * shows them.
 */
import type { Cluster, ClusterNode, Service, ServicePort } from '../model/types';
import {
  backendsOf,
  chainName,
  eligible,
  nftEndpointChain,
  nftServiceChain,
  ruleProbability,
  sepChainName,
  servicePortName,
} from './kubeProxy';
import type { Backend } from './kubeProxy';

/** Every local address a NodePort answers on: the node's devices with an address. */
function nodeAddresses(node: ClusterNode): string[] {
  return node.devices
    .filter((d) => d.address !== null && d.kind !== 'dummy')
    .map((d) => (d.address as string).split('/')[0] as string);
}

/**
 * The kube-proxy (or Cilium) rules for `service` on `node`, one line per rule, in the current proxy
 * mode. Lines starting with `#` say which table or command the following lines come from.
 */
export function kubeProxyRules(cluster: Cluster, node: ClusterNode, service: Service): string[] {
  if (service.type === 'ExternalName')
    return [
      `# ${service.namespace}/${service.name} is an ExternalName Service: DNS only (a CNAME to ${service.externalName ?? ''}), no proxy rules`,
    ];
  if (service.clusterIP === null)
    return [`# ${service.namespace}/${service.name} is headless: kube-proxy installs nothing; DNS returns the pod IPs`];
  const mode = cluster.settings.proxyMode;
  if (mode === 'iptables') return iptablesRules(cluster, node, service);
  if (mode === 'nftables') return nftRules(cluster, node, service);
  if (mode === 'ipvs') return ipvsRules(cluster, node, service);
  return ciliumRules(cluster, node, service);
}

function sets(cluster: Cluster, node: ClusterNode, svc: Service, port: ServicePort) {
  const all = backendsOf(cluster, svc, port);
  return { all, cluster: eligible(all, 'Cluster', node.name), local: eligible(all, 'Local', node.name) };
}

function iptablesRules(cluster: Cluster, node: ClusterNode, svc: Service): string[] {
  const nat: string[] = ['# iptables -t nat -S'];
  const filter: string[] = [];
  const cidr = cluster.settings.podSubnet;
  for (const port of svc.ports) {
    const spn = servicePortName(svc, port);
    const p = port.protocol;
    const svcChain = chainName('KUBE-SVC-', svc, port);
    const svlChain = chainName('KUBE-SVL-', svc, port);
    const extChain = chainName('KUBE-EXT-', svc, port);
    const { cluster: cl, local } = sets(cluster, node, svc, port);
    const ext = port.nodePort !== null || svc.loadBalancerIP !== null;
    if (!cl.any) {
      filter.push(
        `-A KUBE-SERVICES -d ${svc.clusterIP ?? ''}/32 -p ${p} -m comment --comment "${spn} has no endpoints" -m ${p} --dport ${port.port} -j REJECT --reject-with icmp-port-unreachable`,
      );
      if (port.nodePort !== null)
        filter.push(
          `-A KUBE-EXTERNAL-SERVICES -p ${p} -m comment --comment "${spn} has no endpoints" -m addrtype --dst-type LOCAL -m ${p} --dport ${port.nodePort} -j REJECT --reject-with icmp-port-unreachable`,
        );
      continue;
    }
    const internal = svc.internalTrafficPolicy === 'Local' ? svlChain : svcChain;
    if (svc.internalTrafficPolicy === 'Local' && local.list.length === 0) {
      filter.push(
        `-A KUBE-SERVICES -d ${svc.clusterIP ?? ''}/32 -p ${p} -m comment --comment "${spn} has no local endpoints" -m ${p} --dport ${port.port} -j DROP`,
      );
    } else {
      nat.push(
        `-A KUBE-SERVICES -d ${svc.clusterIP ?? ''}/32 -p ${p} -m comment --comment "${spn} cluster IP" -m ${p} --dport ${port.port} -j ${internal}`,
      );
    }
    if (svc.loadBalancerIP !== null)
      nat.push(
        `-A KUBE-SERVICES -d ${svc.loadBalancerIP}/32 -p ${p} -m comment --comment "${spn} loadbalancer IP" -m ${p} --dport ${port.port} -j ${extChain}`,
      );
    if (port.nodePort !== null)
      nat.push(
        `-A KUBE-NODEPORTS -p ${p} -m comment --comment "${spn}" -m ${p} --dport ${port.nodePort} -j ${extChain}`,
      );
    if (ext) {
      nat.push(`-N ${extChain}`);
      if (svc.externalTrafficPolicy === 'Cluster') {
        nat.push(
          `-A ${extChain} -m comment --comment "masquerade traffic for ${spn} external destinations" -j KUBE-MARK-MASQ`,
          `-A ${extChain} -j ${svcChain}`,
        );
      } else {
        nat.push(
          `-A ${extChain} -s ${cidr} -m comment --comment "pod traffic for ${spn} external destinations" -j ${svcChain}`,
          `-A ${extChain} -m comment --comment "masquerade LOCAL traffic for ${spn} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
          `-A ${extChain} -m comment --comment "route LOCAL traffic for ${spn} external destinations" -m addrtype --src-type LOCAL -j ${svcChain}`,
        );
        if (local.list.length > 0) nat.push(`-A ${extChain} -j ${svlChain}`);
        else if (port.nodePort !== null)
          filter.push(
            `-A KUBE-EXTERNAL-SERVICES -p ${p} -m comment --comment "${spn} has no local endpoints" -m addrtype --dst-type LOCAL -m ${p} --dport ${port.nodePort} -j DROP`,
          );
      }
    }
    const chains: [string, Backend[]][] = [[svcChain, cl.list]];
    if (
      (svc.internalTrafficPolicy === 'Local' || (ext && svc.externalTrafficPolicy === 'Local')) &&
      local.list.length > 0
    )
      chains.push([svlChain, local.list]);
    const seps = new Map<string, Backend>();
    for (const [chain, list] of chains) {
      nat.push(`-N ${chain}`);
      if (chain === svcChain)
        nat.push(
          `-A ${chain} ! -s ${cidr} -d ${svc.clusterIP ?? ''}/32 -p ${p} -m comment --comment "${spn} cluster IP" -m ${p} --dport ${port.port} -j KUBE-MARK-MASQ`,
        );
      if (svc.sessionAffinity === 'ClientIP') {
        for (const b of list)
          nat.push(
            `-A ${chain} -m comment --comment "${spn} -> ${b.ip}:${b.port}" -m recent --name ${sepChainName(svc, port, b)} --mask 255.255.255.255 --rsource --rcheck --seconds ${svc.sessionAffinityTimeout} --reap -j ${sepChainName(svc, port, b)}`,
          );
      }
      list.forEach((b, i) => {
        const sep = sepChainName(svc, port, b);
        seps.set(sep, b);
        const stat =
          i < list.length - 1 ? ` -m statistic --mode random --probability ${ruleProbability(i, list.length)}` : '';
        nat.push(`-A ${chain} -m comment --comment "${spn} -> ${b.ip}:${b.port}"${stat} -j ${sep}`);
      });
    }
    for (const [sep, b] of seps) {
      nat.push(
        `-N ${sep}`,
        `-A ${sep} -s ${b.ip}/32 -m comment --comment "${spn}" -j KUBE-MARK-MASQ`,
        `-A ${sep} -p ${p} -m comment --comment "${spn}" -m ${p}${svc.sessionAffinity === 'ClientIP' ? ` -m recent --set --name ${sep} --mask 255.255.255.255 --rsource` : ''} -j DNAT --to-destination ${b.ip}:${b.port}`,
      );
    }
  }
  return filter.length > 0 ? [...nat, '# iptables -t filter -S', ...filter] : nat;
}

function nftRules(cluster: Cluster, node: ClusterNode, svc: Service): string[] {
  const out: string[] = ['# nft list table ip kube-proxy', 'table ip kube-proxy {'];
  const cidr = cluster.settings.podSubnet;
  for (const port of svc.ports) {
    const spn = servicePortName(svc, port);
    const p = port.protocol;
    const { cluster: cl, local } = sets(cluster, node, svc, port);
    const chain = nftServiceChain(svc, port);
    if (!cl.any) {
      out.push(
        `  map no-endpoint-services { elements = { ${svc.clusterIP ?? ''} . ${p} . ${port.port} comment "${spn}" : goto reject-chain } }`,
      );
      continue;
    }
    const list = svc.internalTrafficPolicy === 'Local' ? local.list : cl.list;
    if (list.length === 0) {
      out.push(
        `  map no-endpoint-services { elements = { ${svc.clusterIP ?? ''} . ${p} . ${port.port} comment "${spn}" : drop } }`,
      );
      continue;
    }
    out.push(`  map service-ips { elements = { ${svc.clusterIP ?? ''} . ${p} . ${port.port} : goto ${chain} } }`);
    if (port.nodePort !== null)
      out.push(
        `  map service-nodeports { elements = { ${p} . ${port.nodePort} : goto ${nftServiceChain(svc, port, 'external')} } }`,
      );
    out.push(
      `  chain ${chain} {`,
      `    ip daddr ${svc.clusterIP ?? ''} ${p} dport ${port.port} ip saddr != ${cidr} jump mark-for-masquerade`,
    );
    out.push(
      `    numgen random mod ${list.length} vmap { ${list.map((b, i) => `${i} : goto ${nftEndpointChain(svc, port, b)}`).join(' , ')} }`,
      '  }',
    );
    for (const b of list) {
      out.push(
        `  chain ${nftEndpointChain(svc, port, b)} {`,
        `    ip saddr ${b.ip} jump mark-for-masquerade`,
        `    meta l4proto ${p} dnat to ${b.ip}:${b.port}`,
        '  }',
      );
    }
  }
  out.push('}');
  return out;
}

function ipvsRules(cluster: Cluster, node: ClusterNode, svc: Service): string[] {
  const out: string[] = [
    '# ipvsadm -Ln',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  for (const port of svc.ports) {
    const { cluster: cl, local } = sets(cluster, node, svc, port);
    const persist = svc.sessionAffinity === 'ClientIP' ? ` persistent ${svc.sessionAffinityTimeout}` : '';
    const server = (addr: string, list: Backend[]): void => {
      out.push(`${port.protocol.toUpperCase()}  ${addr} rr${persist}`);
      for (const b of list) out.push(`  -> ${`${b.ip}:${b.port}`.padEnd(28)} Masq    1      0          0`);
    };
    server(`${svc.clusterIP ?? ''}:${port.port}`, svc.internalTrafficPolicy === 'Local' ? local.list : cl.list);
    if (svc.loadBalancerIP)
      server(`${svc.loadBalancerIP}:${port.port}`, svc.externalTrafficPolicy === 'Local' ? local.list : cl.list);
    if (port.nodePort !== null)
      for (const a of nodeAddresses(node))
        server(`${a}:${port.nodePort}`, svc.externalTrafficPolicy === 'Local' ? local.list : cl.list);
  }
  out.push(
    `# ip addr show kube-ipvs0: inet ${svc.clusterIP ?? ''}/32 scope global kube-ipvs0${svc.loadBalancerIP ? `; inet ${svc.loadBalancerIP}/32` : ''}`,
  );
  return out;
}

function ciliumRules(cluster: Cluster, node: ClusterNode, svc: Service): string[] {
  const out: string[] = ['# cilium-dbg service list', 'Frontend                Service Type   Backend'];
  for (const port of svc.ports) {
    const { cluster: cl, local } = sets(cluster, node, svc, port);
    const row = (frontend: string, type: string, list: Backend[]): void => {
      const backends =
        list.length === 0 ? '(none)' : list.map((b, i) => `${i + 1} => ${b.ip}:${b.port} (active)`).join(', ');
      out.push(`${frontend.padEnd(24)}${type.padEnd(15)}${backends}`);
    };
    row(
      `${svc.clusterIP ?? ''}:${port.port}`,
      'ClusterIP',
      svc.internalTrafficPolicy === 'Local' ? local.list : cl.list,
    );
    if (port.nodePort !== null)
      row(`0.0.0.0:${port.nodePort}`, 'NodePort', svc.externalTrafficPolicy === 'Local' ? local.list : cl.list);
    if (svc.loadBalancerIP)
      row(
        `${svc.loadBalancerIP}:${port.port}`,
        'LoadBalancer',
        svc.externalTrafficPolicy === 'Local' ? local.list : cl.list,
      );
  }
  return out;
}
