/**
 * Computed, deterministic positions for the classic Kubernetes networking picture: nodes side by
 * side; in each, pods (holding containers and their eth0) over their veths, the cni0 bridge, and a
 * row with the node's routing point, tunnel device and eth0; the underlay below all nodes and the
 * Service VIPs above them. No physics: a link or an embed always looks the same.
 *
 * Only leaves get positions; Cytoscape sizes compound parents (nodes, pods) around their children,
 * so every size here is chosen so that the parents' boxes never overlap.
 */
import type { Cluster, ClusterNode, Pod, Service } from '../sim';
import { containerId, deviceId, podEth0Id, serviceId, vethId } from '../sim';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const SIZES = {
  container: { w: 92, h: 38 },
  podDevice: { h: 22 },
  podPad: 8,
  podGap: 18,
  podLabel: 18,
  veth: { w: 96, h: 20 },
  vethGap: 18,
  nodePad: 16,
  nodeLabel: 26,
  nodeGap: 56,
  bar: { h: 26 },
  rootDevice: { w: 128, h: 38 },
  rootGap: 14,
  service: { w: 190, h: 44 },
  serviceGap: 16,
  underlayGap: 44,
  servicesGap: 46,
} as const;

/** The element id of a node's routing and netfilter point (where `node/<node>` hops are drawn). */
export const kernelId = (node: string): string => `kernel/${node}`;
export const UNDERLAY_ID = 'underlay';

export interface ClusterLayout {
  /** centre positions of every leaf element */
  positions: Map<string, Box>;
  /** the outer box of each Kubernetes node (including its label) */
  nodeBoxes: Map<string, Box>;
  bounds: Box;
}

/** The devices of a node's root namespace drawn in its bottom row, in packet order. */
export function rootRowDevices(node: ClusterNode): string[] {
  const tunnel = node.devices.find((d) => d.kind === 'vxlan' || d.kind === 'ipip' || d.kind === 'cilium');
  return tunnel ? [tunnel.name, 'eth0'] : ['eth0'];
}

/**
 * Text widths without a DOM (the layout must stay pure and deterministic): average advance per
 * character of the stylesheet's fonts, rounded up so that labels never spill out of their box.
 */
export function textWidth(text: string, fontSize: number, mono: boolean): number {
  const perChar = fontSize * (mono ? 0.62 : 0.6);
  return Math.ceil(Math.max(...text.split('\n').map((line) => line.length)) * perChar);
}

export function containerLabel(c: Pod['containers'][number]): string {
  const ports = c.ports.map((p) => `:${p.containerPort}${p.protocol === 'tcp' ? '' : `/${p.protocol}`}`).join(' ');
  return ports ? `${c.name}\n${ports}` : c.name;
}

function containerWidth(c: Pod['containers'][number]): number {
  return Math.max(SIZES.container.w, textWidth(containerLabel(c), 12, false) + 16);
}

function containersRowWidth(pod: Pod): number {
  if (pod.containers.length === 0) return 0;
  return pod.containers.reduce((sum, c) => sum + containerWidth(c), 0) + (pod.containers.length - 1) * 6;
}

/** Wide enough for the containers, the `eth0 <ip>` and `lo` row, and the pod's name above it. */
function podContentWidth(pod: Pod): number {
  const devices = textWidth(`eth0 ${pod.ip}`, 11, true) + 14 + 6 + 30;
  const name = textWidth(pod.name, 13, false) + 8 - SIZES.podPad * 2;
  return Math.max(containersRowWidth(pod), devices, name, 116);
}

function podHeight(): number {
  return SIZES.podPad * 2 + SIZES.container.h + 6 + SIZES.podDevice.h;
}

/** Lays out one node's contents from its top-left corner; returns the node's outer box. */
function layoutNode(
  node: ClusterNode,
  pods: readonly Pod[],
  originX: number,
  originY: number,
  positions: Map<string, Box>,
): Box {
  const pad = SIZES.nodePad;
  let x = originX + pad;
  const top = originY + SIZES.nodeLabel + pad;
  const podTop = top + SIZES.podLabel;
  const ph = podHeight();
  const hasBridge = node.devices.some((d) => d.name === 'cni0');
  for (const pod of pods) {
    const w = podContentWidth(pod) + SIZES.podPad * 2;
    let cx = x + (w - containersRowWidth(pod)) / 2;
    for (const c of pod.containers) {
      const cw = containerWidth(c);
      positions.set(containerId(pod.namespace, pod.name, c.name), {
        x: cx + cw / 2,
        y: podTop + SIZES.podPad + SIZES.container.h / 2,
        w: cw,
        h: SIZES.container.h,
      });
      cx += cw + 6;
    }
    const devY = podTop + SIZES.podPad + SIZES.container.h + 6 + SIZES.podDevice.h / 2;
    const inner = w - SIZES.podPad * 2;
    const loW = 30;
    positions.set(podEth0Id(pod.namespace, pod.name), { x: x + SIZES.podPad + (inner - loW - 6) / 2, y: devY, w: inner - loW - 6, h: SIZES.podDevice.h });
    positions.set(`dev/pod/${pod.namespace}/${pod.name}/lo`, { x: x + w - SIZES.podPad - loW / 2, y: devY, w: loW, h: SIZES.podDevice.h });
    if (!pod.hostNetwork) {
      positions.set(vethId(pod.node, pod.namespace, pod.name), {
        x: x + SIZES.podPad + (inner - loW - 6) / 2,
        y: podTop + ph + SIZES.vethGap + SIZES.veth.h / 2,
        ...SIZES.veth,
      });
    }
    x += w + SIZES.podGap;
  }
  const podsRight = pods.length > 0 ? x - SIZES.podGap : x;
  const rootNames = ['routing', ...rootRowDevices(node)];
  const rootW = rootNames.length * SIZES.rootDevice.w + (rootNames.length - 1) * SIZES.rootGap;
  const contentW = Math.max(podsRight - (originX + pad), rootW, 260);
  // The pod area is reserved even on an empty node so that every node's bridge and eth0 line up.
  let y = podTop + ph + SIZES.vethGap + SIZES.veth.h + 22;
  if (hasBridge) {
    positions.set(deviceId(node.name, 'cni0'), { x: originX + pad + contentW / 2, y: y + SIZES.bar.h / 2, w: contentW, h: SIZES.bar.h });
    y += SIZES.bar.h + 26;
  }
  let rx = originX + pad + (contentW - rootW) / 2 + SIZES.rootDevice.w / 2;
  for (const name of rootNames) {
    const id = name === 'routing' ? kernelId(node.name) : deviceId(node.name, name);
    positions.set(id, { x: rx, y: y + SIZES.rootDevice.h / 2, ...SIZES.rootDevice });
    rx += SIZES.rootDevice.w + SIZES.rootGap;
  }
  y += SIZES.rootDevice.h;
  return { x: originX, y: originY, w: contentW + pad * 2, h: y + pad - originY };
}

export function layoutCluster(cluster: Cluster): ClusterLayout {
  const positions = new Map<string, Box>();
  const nodeBoxes = new Map<string, Box>();
  const podsByNode = new Map<string, Pod[]>();
  for (const pod of cluster.pods) podsByNode.set(pod.node, [...(podsByNode.get(pod.node) ?? []), pod]);
  // Workers first, control planes last: the traffic people follow lives on the workers.
  const ordered = [...cluster.nodes.filter((n) => n.role !== 'control-plane'), ...cluster.nodes.filter((n) => n.role === 'control-plane')];
  const nodesTop = SIZES.service.h + SIZES.servicesGap;
  let x = 0;
  let bottom = nodesTop;
  for (const node of ordered) {
    const box = layoutNode(node, podsByNode.get(node.name) ?? [], x, nodesTop, positions);
    nodeBoxes.set(node.name, box);
    x += box.w + SIZES.nodeGap;
    bottom = Math.max(bottom, box.y + box.h);
  }
  const width = Math.max(x - SIZES.nodeGap, 0);
  positions.set(UNDERLAY_ID, { x: width / 2, y: bottom + SIZES.underlayGap, w: width, h: 10 });

  const services = cluster.services.filter((s) => s.type !== 'ExternalName');
  const widths = services.map((svc) => Math.max(SIZES.service.w, textWidth(serviceLabel(svc), 12, true) + 24));
  const svcRowW = widths.reduce((a, b) => a + b, 0) + Math.max(services.length - 1, 0) * SIZES.serviceGap;
  let sx = (width - svcRowW) / 2;
  services.forEach((svc, i) => {
    const w = widths[i] as number;
    positions.set(serviceId(svc.namespace, svc.name), { x: sx + w / 2, y: SIZES.service.h / 2, w, h: SIZES.service.h });
    sx += w + SIZES.serviceGap;
  });
  const left = Math.min(0, (width - svcRowW) / 2);
  const right = Math.max(width, (width + svcRowW) / 2);
  return { positions, nodeBoxes, bounds: { x: left, y: 0, w: right - left, h: bottom + SIZES.underlayGap + 10 } };
}

/** `web · ClusterIP` over `10.96.0.10  53/UDP, 53/TCP`: what a Service's dashed box says. */
export function serviceLabel(svc: Service): string {
  const ports = svc.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol.toUpperCase()}`).join(', ');
  return `${svc.name} · ${svc.type}\n${svc.clusterIP ?? 'headless'}${ports ? `  ${ports}` : ''}`;
}
