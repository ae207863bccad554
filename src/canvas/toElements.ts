/**
 * Pure mapping from the simulation's Cluster to Cytoscape element definitions, with the computed
 * positions of layout.ts. Ids are the simulation's element ids (docs/trace-format.md), so a trace hop's `at`
 * names a drawn element directly.
 */
import type { ElementDefinition } from 'cytoscape';
import type { Cluster, ClusterNode, Service } from '../sim';
import {
  INTERNET_ID,
  containerId,
  deviceId,
  formatCount,
  loadBalancerId,
  networkPolicies,
  nodeId,
  nodePortId,
  podEth0Id,
  podId,
  podsIsolatedBy,
  policyId,
  serviceId,
  vethId,
} from '../sim';
import { cniPlugin, serviceProxy } from '../sim';
import { cidrContains, formatCidr, maskOf, parseIPv4 } from '../sim/model/ip';

import {
  EDGE_SIZES,
  LOAD_BALANCERS_ID,
  UNDERLAY_ID,
  allNodePorts,
  containerLabel,
  deviceLabel,
  kernelId,
  layoutCluster,
  markedNodePorts,
  podNameLines,
  nodePortsSummaryId,
  policyLabel,
  rootRowDevices,
  serviceLabel,
  underlayRowId,
} from './layout';
import type { Box, ClusterLayout } from './layout';
import { gatewayDrawing } from './gatewayDrawing';
import { FULL_DETAIL, isDetailedNode, isDetailedRow, nodeBody } from './levelOfDetail';
import type { LevelOfDetail } from './levelOfDetail';

export const ElementKind = {
  node: 'k8s-node',
  pod: 'pod',
  container: 'container',
  podDevice: 'pod-device',
  veth: 'veth',
  bridge: 'bridge',
  kernel: 'kernel',
  rootDevice: 'root-device',
  underlay: 'underlay',
  service: 'service',
  internet: 'internet',
  loadBalancer: 'load-balancer',
  external: 'external',
  nodePort: 'nodeport',
  serviceGroup: 'service-group',
  policy: 'network-policy',
  gateway: 'gateway',
  httpRoute: 'httproute',
  link: 'link',
} as const;

/** The element id of the summary of Service rows `first` to `last` (level of detail). */
export const serviceRowsId = (first: number, last: number): string => `services/rows/${first}-${last}`;

/** Runs of consecutive Service rows that a level of detail summarises. */
function summarisedRuns(layout: ClusterLayout, detail: LevelOfDetail): { first: number; last: number }[] {
  const runs: { first: number; last: number }[] = [];
  layout.serviceRows.forEach((_, i) => {
    if (isDetailedRow(detail, i)) return;
    const last = runs[runs.length - 1];
    if (last && last.last === i - 1) last.last = i;
    else runs.push({ first: i, last: i });
  });
  return runs;
}

export interface ElementsResult {
  elements: ElementDefinition[];
  layout: ClusterLayout;
  /** for each element inside a summary (level of detail), the id of the summary drawn instead */
  summarisedIn: Map<string, string>;
}

/** A font size that fits `lines` of text into a box, for labels meant to be read zoomed out. */
function fittingFont(box: Box, lines: readonly string[]): number {
  const chars = Math.max(...lines.map((l) => l.length), 1);
  return Math.max(12, Math.floor(Math.min(box.h / (lines.length * 1.5), (box.w * 0.9) / (chars * 0.6))));
}

/** Of several ways to break a label into lines, the one that fits the box in the largest font. */
function bestFit(box: Box, layouts: readonly (readonly string[])[]): { lines: readonly string[]; fs: number } {
  let best = { lines: layouts[0] ?? [], fs: 0 };
  for (const lines of layouts) {
    const fs = fittingFont(box, lines);
    if (fs > best.fs) best = { lines, fs };
  }
  return best;
}

/**
 * What a node's summary says: its name (and role, for a control plane), its pods and its podCIDR,
 * on as many lines as make the largest font in its box: a narrow node (the control plane, with few
 * pods) is as readable as a wide one.
 */
function nodeSummary(node: ClusterNode, pods: number, body: Box): { lines: readonly string[]; fs: number } {
  const count = `${pods} pod${pods === 1 ? '' : 's'}`;
  const role = node.role === 'control-plane' ? ['control plane'] : [];
  const range = node.podCIDR ?? podRangeLabel(node);
  return bestFit(body, [
    [role.length > 0 ? `${node.name} (control plane)` : node.name, `${count} · ${range}`],
    [node.name, ...role, `${count} · ${range}`],
    [node.name, ...role, count, range],
  ]);
}

/**
 * Where a node's pods take addresses from: its podCIDR, or (a node without one, the AWS VPC CNI)
 * the VPC subnet of its eth0.
 */
function podRangeLabel(node: ClusterNode): string {
  if (node.podCIDR !== null) return `podCIDR ${node.podCIDR}`;
  const [ip, prefix] = (node.devices.find((d) => d.name === 'eth0')?.address ?? `${node.internalIP}/24`).split('/');
  const bits = Number(prefix);
  return `VPC subnet ${formatCidr({ base: ((parseIPv4(ip ?? '') ?? 0) & maskOf(bits)) >>> 0, prefix: bits })}`;
}

/**
 * Builds the elements of the diagram, with positions for the leaves: everything, or with a level
 * of detail, summaries for the nodes and Service rows it leaves out.
 */
export function toElements(
  cluster: Cluster,
  extraIds: readonly string[] = [],
  detail: LevelOfDetail = FULL_DETAIL,
  layout: ClusterLayout = layoutCluster(cluster, extraIds),
): ElementsResult {
  const { positions } = layout;
  const elements: ElementDefinition[] = [];
  const summarisedIn = new Map<string, string>();
  const nodePorts = allNodePorts(cluster);
  const markedPorts = markedNodePorts(cluster);
  const podsOn = new Map<string, number>();
  for (const pod of cluster.pods) podsOn.set(pod.node, (podsOn.get(pod.node) ?? 0) + 1);
  const leaf = (
    id: string,
    parent: string | null,
    kind: string,
    label: string,
    extra: Record<string, unknown> = {},
  ): void => {
    const box = positions.get(id);
    if (!box) return;
    elements.push({
      group: 'nodes',
      data: { id, ...(parent ? { parent } : {}), kind, label, w: box.w, h: box.h, ...extra },
      position: { x: box.x, y: box.y },
      classes: kind,
    });
  };
  const link = (a: string, b: string, extra: Record<string, unknown> = {}): void => {
    if (!positions.has(a) || !positions.has(b)) return;
    elements.push({
      group: 'edges',
      data: { id: `link/${a}--${b}`, source: a, target: b, kind: ElementKind.link, ...extra },
      classes: ElementKind.link,
    });
  };

  for (const node of cluster.nodes) {
    const nid = nodeId(node.name);
    const body = isDetailedNode(detail, node.name) ? null : nodeBody(layout, node.name);
    if (body) {
      // Zoomed out: the node is one box that says what it holds, readable at that zoom.
      const pods = podsOn.get(node.name) ?? 0;
      const { lines, fs } = nodeSummary(node, pods, body);
      elements.push({
        group: 'nodes',
        data: {
          id: nid,
          kind: ElementKind.node,
          lod: 'summary',
          label: lines.join('\n'),
          w: body.w,
          h: body.h,
          fs,
          role: node.role,
          tooltip: `Node ${node.name} (${node.role})\nInternalIP ${node.internalIP}\n${podRangeLabel(node)}\n${pods} pods: zoom in to see them`,
        },
        position: { x: body.x, y: body.y },
        classes: `${ElementKind.node} summary ${node.role}`,
      });
      const row = underlayRowId(layout.nodeRow.get(node.name) ?? 0);
      if (positions.has(row))
        elements.push({
          group: 'edges',
          data: { id: `link/${nid}--${row}`, source: nid, target: row, kind: ElementKind.link, bar: 'target' },
          classes: ElementKind.link,
        });
      for (const dev of node.devices) summarisedIn.set(deviceId(node.name, dev.name), nid);
      summarisedIn.set(kernelId(node.name), nid);
      for (const port of nodePorts) summarisedIn.set(nodePortId(node.name, port), nid);
      summarisedIn.set(nodePortsSummaryId(node.name), nid);
      continue;
    }
    elements.push({
      group: 'nodes',
      data: {
        id: nid,
        kind: ElementKind.node,
        // Calico ignores the node's podCIDR and hands out /26 blocks from its pool instead.
        label: `${node.name}${node.role === 'control-plane' ? ' (control plane)' : ''}  ·  ${
          cniPlugin(cluster).blockSize !== null
            ? `block ${(node.podRanges ?? [node.podCIDR]).join(', ')}`
            : podRangeLabel(node)
        }`,
        role: node.role,
        tooltip: `Node ${node.name} (${node.role})\nInternalIP ${node.internalIP}\n${podRangeLabel(node)}${node.ready ? '' : '\nNotReady'}`,
      },
      classes: `${ElementKind.node} ${node.role}`,
    });
    const cni0 = node.devices.find((d) => d.name === 'cni0');
    if (cni0) {
      leaf(deviceId(node.name, 'cni0'), nid, ElementKind.bridge, `cni0 bridge  ${cni0.address ?? ''}`, {
        tooltip: `cni0: the Linux bridge of ${node.name}; every pod's veth is a port on it. Gateway ${cni0.address ?? ''}`,
      });
    }
    const mode = serviceProxy(cluster).shortName;
    leaf(kernelId(node.name), nid, ElementKind.kernel, `routing\n${mode}`, {
      tooltip: `${node.name}'s kernel: the routing table, and kube-proxy's rules (${mode}) in the root namespace`,
    });
    for (const port of markedPorts) {
      const svc = cluster.services.find((x) => x.ports.some((p) => p.nodePort === port));
      leaf(nodePortId(node.name, port), nid, ElementKind.nodePort, `:${port}`, {
        tooltip: `NodePort ${port} of Service ${svc ? `${svc.namespace}/${svc.name}` : ''}: open on every node's addresses`,
      });
    }
    if (positions.has(nodePortsSummaryId(node.name))) {
      // too many to mark one by one: one marker counts them, and hops at any of them light it
      leaf(nodePortsSummaryId(node.name), nid, ElementKind.nodePort, `${nodePorts.length} NodePorts`, {
        tooltip: `${nodePorts.length} NodePorts, open on every node's addresses: ${nodePorts.slice(0, 12).join(', ')}${nodePorts.length > 12 ? ', …' : ''}`,
      });
      for (const port of nodePorts) summarisedIn.set(nodePortId(node.name, port), nodePortsSummaryId(node.name));
    }
    for (const name of rootRowDevices(node)) {
      const dev = node.devices.find((d) => d.name === name);
      leaf(deviceId(node.name, name), nid, ElementKind.rootDevice, deviceLabel(name, dev?.address ?? null), {
        device: name,
        tooltip: `${name} on ${node.name}${dev?.address ? ` · ${dev.address}` : ''}${dev ? ` · MTU ${dev.mtu}` : ''}`,
      });
    }
    if (cni0) link(deviceId(node.name, 'cni0'), kernelId(node.name), { bar: 'source' });
    // routing -> the CNI's devices -> eth0; kube-ipvs0 hangs off the routing point it serves
    let previous = kernelId(node.name);
    for (const name of rootRowDevices(node)) {
      const dev = node.devices.find((d) => d.name === name);
      if (dev?.kind === 'dummy') {
        link(kernelId(node.name), deviceId(node.name, name));
        continue;
      }
      if (dev?.kind === 'ethernet' && name !== 'eth0') {
        // another NIC (a secondary ENI): routed to from the kernel, on the underlay like eth0
        link(kernelId(node.name), deviceId(node.name, name));
        link(deviceId(node.name, name), underlayRowId(layout.nodeRow.get(node.name) ?? 0), { bar: 'target' });
        continue;
      }
      link(previous, deviceId(node.name, name));
      previous = deviceId(node.name, name);
    }
    link(deviceId(node.name, 'eth0'), underlayRowId(layout.nodeRow.get(node.name) ?? 0), { bar: 'target' });
  }

  // NetworkPolicies: an octagon each; the pods they isolate get a double border (where enforced)
  const policies = networkPolicies(cluster);
  const isolatedBy = new Map<string, string[]>();
  for (const policy of policies) {
    const pods = podsIsolatedBy(cluster, policy);
    for (const pod of pods) {
      const list = isolatedBy.get(podId(pod.namespace, pod.name)) ?? [];
      list.push(`${policy.namespace}/${policy.name}`);
      isolatedBy.set(podId(pod.namespace, pod.name), list);
    }
    const enforced = cluster.settings.policyEnforced;
    leaf(policyId(policy.namespace, policy.name), null, ElementKind.policy, policyLabel(policy), {
      enforced,
      tooltip: `NetworkPolicy ${policy.namespace}/${policy.name} (${policy.policyTypes.join(', ')})\nisolates ${pods.length} pod${pods.length === 1 ? '' : 's'}${enforced ? '' : `\nnot enforced: ${cniPlugin(cluster).kind} does not implement NetworkPolicy`}`,
    });
  }
  const isolation = (pid: string): string => {
    const by = isolatedBy.get(pid);
    return by && cluster.settings.policyEnforced ? ' isolated' : '';
  };
  const isolationNote = (pid: string): string => {
    const by = isolatedBy.get(pid);
    return by
      ? `\nisolated by NetworkPolicy ${by.join(', ')}${cluster.settings.policyEnforced ? '' : ' (not enforced)'}`
      : '';
  };

  for (const pod of cluster.pods) {
    const pid = podId(pod.namespace, pod.name);
    if (!isDetailedNode(detail, pod.node)) {
      const nid = nodeId(pod.node);
      summarisedIn.set(pid, nid);
      summarisedIn.set(podEth0Id(pod.namespace, pod.name), nid);
      summarisedIn.set(`dev/pod/${pod.namespace}/${pod.name}/lo`, nid);
      for (const c of pod.containers) summarisedIn.set(containerId(pod.namespace, pod.name, c.name), nid);
      if (pod.veth) summarisedIn.set(vethId(pod.node, pod.namespace, pod.name), nid);
      continue;
    }
    if (layout.compactPods.has(pid)) {
      // A summarised pod: one tile with its name and IP, no containers or devices drawn.
      leaf(pid, nodeId(pod.node), ElementKind.pod, `${pod.name}\n${pod.ip}`, {
        namespace: pod.namespace,
        ready: pod.ready,
        tooltip: `Pod ${pod.namespace}/${pod.name}\nIP ${pod.ip} on ${pod.node}\n${pod.containers.map((c) => c.name).join(', ')}${isolationNote(pid)}`,
      });
      const last = elements[elements.length - 1];
      if (last)
        last.classes = `${ElementKind.pod} tile ns-${pod.namespace === 'kube-system' ? 'system' : 'user'}${pod.ready ? '' : ' not-ready'}${isolation(pid)}`;
      continue;
    }
    elements.push({
      group: 'nodes',
      data: {
        id: pid,
        parent: nodeId(pod.node),
        kind: ElementKind.pod,
        label: podNameLines(pod).join('\n'),
        namespace: pod.namespace,
        ready: pod.ready,
        tooltip: `Pod ${pod.namespace}/${pod.name}\nIP ${pod.ip} on ${pod.node}\n${pod.ready ? 'Ready' : 'not Ready'}${pod.terminating ? ', terminating' : ''}${pod.owner ? `\n${pod.owner}` : ''}${isolationNote(pid)}`,
      },
      classes: `${ElementKind.pod} ns-${pod.namespace === 'kube-system' ? 'system' : 'user'}${pod.ready ? '' : ' not-ready'}${pod.hostNetwork ? ' host-network' : ''}${isolation(pid)}`,
    });
    for (const c of pod.containers) {
      leaf(containerId(pod.namespace, pod.name, c.name), pid, ElementKind.container, containerLabel(c), {
        ready: c.ready,
        namespace: pod.namespace,
        tooltip: `Container ${c.name} in ${pod.name}\nshares the pod's IP ${pod.ip}${c.problem ? `\n${c.problem}` : ''}`,
      });
    }
    // a hostNetwork pod has no namespace of its own: it uses the node's eth0 and address
    leaf(
      podEth0Id(pod.namespace, pod.name),
      pid,
      ElementKind.podDevice,
      pod.hostNetwork ? `node's eth0 ${pod.ip}` : `eth0 ${pod.ip}`,
      {
        tooltip: `eth0 of ${pod.name}: ${pod.ip}, MTU ${pod.mtu}${pod.veth ? `; its veth peer is ${pod.veth} on ${pod.node}` : ''}`,
      },
    );
    leaf(`dev/pod/${pod.namespace}/${pod.name}/lo`, pid, ElementKind.podDevice, 'lo', {
      tooltip: `lo of ${pod.name}: 127.0.0.1, shared by all its containers`,
    });
    if (pod.veth) {
      leaf(vethId(pod.node, pod.namespace, pod.name), nodeId(pod.node), ElementKind.veth, pod.veth, {
        tooltip: `${pod.veth}: the host end of ${pod.name}'s veth pair, a port of cni0`,
      });
      link(podEth0Id(pod.namespace, pod.name), vethId(pod.node, pod.namespace, pod.name));
      // Bridge CNIs plug veths into cni0; Calico and Cilium route them in the host (no bridge).
      const hasBridge = cluster.nodes.find((n) => n.name === pod.node)?.devices.some((d) => d.name === 'cni0') ?? false;
      if (hasBridge) link(vethId(pod.node, pod.namespace, pod.name), deviceId(pod.node, 'cni0'), { bar: 'target' });
      else link(vethId(pod.node, pod.namespace, pod.name), kernelId(pod.node));
    }
  }

  const network = underlayLabel(cluster);
  for (const id of layout.positions.keys()) {
    if (id === UNDERLAY_ID || id.startsWith(`${UNDERLAY_ID}/`)) {
      leaf(id, null, ElementKind.underlay, id === UNDERLAY_ID ? `node network ${network}` : '', {
        tooltip: `The node network ${network}: each node's eth0 is on it; packets between nodes cross it`,
      });
    }
  }

  // the edge's labels grow with it (layout.edgeScale)
  const edgeFont = (size: { font: number }) => size.font * layout.edgeScale;
  leaf(INTERNET_ID, null, ElementKind.internet, 'Internet', {
    tooltip: 'The world outside the cluster',
    fs: edgeFont(EDGE_SIZES.internet),
  });
  const lbs = cluster.services.filter((svc) => svc.type === 'LoadBalancer');
  if (positions.has(LOAD_BALANCERS_ID)) {
    // too many to draw one by one: one box counts them, and hops at any of them light it
    leaf(LOAD_BALANCERS_ID, null, ElementKind.loadBalancer, `${lbs.length} load balancers`, {
      fs: edgeFont(EDGE_SIZES.lb),
      tooltip: `The external load balancers of ${lbs.length} LoadBalancer Services; each forwards to the nodes`,
    });
    link(INTERNET_ID, LOAD_BALANCERS_ID);
    for (const svc of lbs) summarisedIn.set(loadBalancerId(svc.namespace, svc.name), LOAD_BALANCERS_ID);
  }
  for (const svc of lbs) {
    const id = loadBalancerId(svc.namespace, svc.name);
    leaf(id, null, ElementKind.loadBalancer, `load balancer\n${svc.name} ${svc.loadBalancerIP ?? ''}`, {
      fs: edgeFont(EDGE_SIZES.lb),
      tooltip: `The external load balancer of Service ${svc.namespace}/${svc.name}, at ${svc.loadBalancerIP ?? 'an address not yet assigned'}; it forwards to the nodes`,
    });
    link(INTERNET_ID, id);
  }
  for (const id of extraIds) {
    if (id.startsWith('ext/'))
      leaf(id, null, ElementKind.external, `host ${id.slice(4)}`, {
        tooltip: `A host outside the cluster, at ${id.slice(4)}`,
        fs: edgeFont(EDGE_SIZES.ext),
      });
    link(id, INTERNET_ID);
  }
  // Zoomed out: each run of consecutive summarised Service rows is one box that counts them by type.
  const byId = new Map<string, Service>(cluster.services.map((svc) => [serviceId(svc.namespace, svc.name), svc]));
  for (const run of summarisedRuns(layout, detail)) {
    const rows = layout.serviceRows.slice(run.first, run.last + 1);
    const id = serviceRowsId(run.first, run.last);
    const types = new Map<string, number>();
    let count = 0;
    for (const row of rows) {
      for (const svcId of row.ids) {
        const type = byId.get(svcId)?.type ?? 'ClusterIP';
        types.set(type, (types.get(type) ?? 0) + 1);
        summarisedIn.set(svcId, id);
        count++;
      }
    }
    const top = Math.min(...rows.map((r) => r.box.y - r.box.h / 2));
    const bottom = Math.max(...rows.map((r) => r.box.y + r.box.h / 2));
    const box: Box = {
      x: rows[0]!.box.x,
      y: (top + bottom) / 2,
      w: Math.max(...rows.map((r) => r.box.w)),
      h: bottom - top,
    };
    const total = `${formatCount(count)} Service${count === 1 ? '' : 's'}`;
    const byType = [...types].map(([t, n]) => `${formatCount(n)} ${t}`);
    // the types on one line in a wide box, one per line in a narrow one
    const { lines, fs } = bestFit(box, [
      [total, byType.join(' · ')],
      [total, ...byType],
    ]);
    elements.push({
      group: 'nodes',
      data: {
        id,
        kind: ElementKind.serviceGroup,
        lod: 'summary',
        label: lines.join('\n'),
        w: box.w,
        h: box.h,
        fs,
        tooltip: `${total}: ${byType.join(' · ')}\nzoom in to see each`,
      },
      position: { x: box.x, y: box.y },
      classes: ElementKind.serviceGroup,
    });
  }
  for (const svc of cluster.services) {
    if (svc.type === 'ExternalName') continue;
    if (summarisedIn.has(serviceId(svc.namespace, svc.name))) continue;
    leaf(serviceId(svc.namespace, svc.name), null, ElementKind.service, serviceLabel(svc), {
      type: svc.type,
      namespace: svc.namespace,
      tooltip: `Service ${svc.namespace}/${svc.name} (${svc.type})\n${svc.clusterIP ? `virtual IP ${svc.clusterIP}: no interface holds it; kube-proxy translates it` : 'headless: DNS returns the pod IPs'}`,
    });
  }
  // Gateway API: Gateways with their listeners, HTTPRoutes with their rules, and the lines from a
  // Gateway to its routes and from a route to its backends (to their summary when zoomed out)
  const gw = gatewayDrawing(cluster);
  for (const b of gw.gateways) leaf(b.id, null, ElementKind.gateway, b.label, { ok: b.ok, tooltip: b.tooltip });
  for (const b of gw.routes) leaf(b.id, null, ElementKind.httpRoute, b.label, { ok: b.ok, tooltip: b.tooltip });
  for (const l of gw.links) {
    const target = summarisedIn.get(l.target) ?? l.target;
    const id = `link/${l.source}--${target}`;
    if (!positions.has(l.source) || elements.some((e) => e.data.id === id)) continue;
    if (!positions.has(target) && !elements.some((e) => e.data.id === target)) continue;
    elements.push({
      group: 'edges',
      data: { id, source: l.source, target, kind: ElementKind.link, broken: l.broken },
      classes: `${ElementKind.link} gateway-link${l.broken ? ' broken' : ''}`,
    });
  }
  setBarEndpoints(elements, layout);
  return { elements, layout, summarisedIn };
}

/** The node network: the smallest network that holds every node's eth0 /24 (build.ts gives each a /24). */
export function underlayLabel(cluster: Cluster): string {
  const ips = cluster.nodes.map((n) => parseIPv4(n.internalIP)).filter((ip) => ip !== null);
  const first = ips[0];
  if (first === undefined) return '';
  let prefix = 24;
  while (prefix > 0 && ips.some((ip) => !cidrContains({ base: (first & maskOf(prefix)) >>> 0, prefix }, ip))) prefix--;
  return formatCidr({ base: (first & maskOf(prefix)) >>> 0, prefix });
}

/**
 * Edges that meet a bar (cni0, the underlay) end on the bar straight below or above the other end,
 * as in hand-drawn diagrams, instead of converging on the bar's centre.
 */
function summaryBox(elements: readonly ElementDefinition[], id: string): Box | undefined {
  const def = elements.find((e) => e.data.id === id && e.data['lod'] === 'summary');
  return def?.position
    ? { x: def.position.x, y: def.position.y, w: def.data['w'] as number, h: def.data['h'] as number }
    : undefined;
}

function setBarEndpoints(elements: ElementDefinition[], layout: ClusterLayout): void {
  for (const el of elements) {
    const bar = el.data['bar'] as 'source' | 'target' | undefined;
    if (!bar) continue;
    const barId = (bar === 'source' ? el.data.source : el.data.target) as string;
    const otherId = (bar === 'source' ? el.data.target : el.data.source) as string;
    const b = layout.positions.get(barId);
    const o = layout.positions.get(otherId) ?? summaryBox(elements, otherId);
    if (!b || !o) continue;
    const dx = Math.max(-b.w / 2 + 4, Math.min(b.w / 2 - 4, o.x - b.x));
    const dy = o.y < b.y ? -b.h / 2 : b.h / 2;
    el.data['barEndpoint'] = `${dx}px ${dy}px`;
  }
}
