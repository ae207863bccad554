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
import {
  INTERNET_ID,
  containerId,
  deviceId,
  formatSelector,
  loadBalancerId,
  networkPolicies,
  selectorIsEmpty,
  nodePortId,
  podEth0Id,
  policyId,
  serviceId,
  vethId,
} from '../sim';
import type { NetworkPolicyModel } from '../sim';
import { gatewayDrawing } from './gatewayDrawing';
import type { GatewayBox } from './gatewayDrawing';

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
  /** the pod's name above its box: one line of `podFont`, or two when it wraps */
  podFont: 16,
  podLine: 20,
  veth: { w: 96, h: 20 },
  vethGap: 14,
  nodePad: 16,
  nodeLabel: 26,
  nodeGap: 40,
  bar: { h: 26 },
  rootDevice: { w: 96, h: 38 },
  rootGap: 14,
  service: { w: 190, h: 44 },
  serviceGap: 16,
  underlayGap: 32,
  servicesGap: 34,
} as const;

// The element id of a node's routing and netfilter point (where `node/<node>` hops are drawn).
import { kernelId, podId } from '../sim/model/ids';
export { kernelId };
export const UNDERLAY_ID = 'underlay';

export interface ClusterLayout {
  /** centre positions of every leaf element */
  positions: Map<string, Box>;
  /** the outer box of each Kubernetes node (including its label) */
  nodeBoxes: Map<string, Box>;
  /** which row of the node grid each node is in (its underlay bar) */
  nodeRow: Map<string, number>;
  /** pods drawn as summary tiles (a node with many pods), by element id */
  compactPods: Set<string>;
  /** the rows of Service VIPs above the nodes: their element ids and the box around them */
  serviceRows: { ids: string[]; box: Box }[];
  /** how much the edge (the Internet, load balancers, outside hosts) is scaled up: see `edgeScale` */
  edgeScale: number;
  bounds: Box;
}

/** The devices of a node's root namespace drawn in its bottom row, in packet order. */
export function rootRowDevices(node: ClusterNode): string[] {
  // kube-ipvs0 (IPVS mode) first, beside the routing point it feeds; then the CNI's devices
  // (cilium_host, tunnels) in the order a packet meets them; the CNI's other NICs (the AWS VPC
  // CNI's secondary ENI, eth1); eth0 last, above the underlay.
  const ipvs = node.devices.filter((d) => d.kind === 'dummy').map((d) => d.name);
  const cni = node.devices
    .filter((d) => d.kind === 'vxlan' || d.kind === 'ipip' || d.kind === 'cilium')
    .map((d) => d.name);
  const nics = node.devices.filter((d) => d.kind === 'ethernet' && d.name !== 'eth0').map((d) => d.name);
  return [...ipvs, ...cni, ...nics, 'eth0'];
}

/**
 * Text widths without a DOM (the layout must stay pure and deterministic): average advance per
 * character of the stylesheet's fonts, rounded up so that labels never spill out of their box.
 */
export function textWidth(text: string, fontSize: number, mono: boolean, bold = false): number {
  const perChar = fontSize * (mono ? 0.62 : bold ? 0.64 : 0.6);
  return Math.ceil(Math.max(...text.split('\n').map((line) => line.length)) * perChar);
}

/** A root-namespace device's label: its name over its address. */
export function deviceLabel(name: string, address: string | null): string {
  return address ? `${name}\n${address}` : name;
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

/** Where a pod's name may break: after the dashes and dots of Kubernetes names, and at spaces. */
function nameSegments(name: string): string[] {
  return name.match(/[^-. ]*(?:[-.]|\s+|$)/g)?.filter((x) => x.length > 0) ?? [name];
}

const podNameWidth = (text: string): number => textWidth(text.trimEnd(), SIZES.podFont, false, true);

/** The name broken greedily into lines no wider than `width`. */
function wrapName(name: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const seg of nameSegments(name)) {
    if (line && podNameWidth(line + seg) > width) {
      lines.push(line.trimEnd());
      line = seg;
    } else line += seg;
  }
  if (line) lines.push(line.trimEnd());
  return lines;
}

/** The narrowest width that holds the name on two lines, broken at one of its break points. */
function twoLineWidth(name: string): number {
  const segs = nameSegments(name);
  let best = podNameWidth(name);
  for (let k = 1; k < segs.length; k++) {
    best = Math.min(best, Math.max(podNameWidth(segs.slice(0, k).join('')), podNameWidth(segs.slice(k).join(''))));
  }
  return best;
}

export function podNameText(pod: Pod): string {
  return pod.hostNetwork ? `${pod.name} (hostNetwork)` : pod.name;
}

/** Wide enough for the containers and the `eth0 <ip>` and `lo` row; the name may take two lines. */
function podContentWidth(pod: Pod): number {
  const devices = textWidth(`eth0 ${pod.ip}`, 11, true) + 14 + 6 + 30;
  const hostEth = pod.hostNetwork ? textWidth(`node's eth0 ${pod.ip}`, 11, true) + 14 + 6 + 30 : 0;
  const others = Math.max(containersRowWidth(pod), devices, hostEth, 116);
  const name = twoLineWidth(podNameText(pod)) + 8 - SIZES.podPad * 2;
  return Math.max(others, name);
}

/** The pod's name as drawn: on one line, or broken where it fits the pod's box. */
export function podNameLines(pod: Pod): string[] {
  return wrapName(podNameText(pod), podContentWidth(pod) + SIZES.podPad * 2 - 8);
}

function podHeight(): number {
  return SIZES.podPad * 2 + SIZES.container.h + 6 + SIZES.podDevice.h;
}

const podLabelHeight = (pods: readonly Pod[]): number =>
  Math.max(1, ...pods.map((p) => podNameLines(p).length)) * SIZES.podLine + 2;

/** A node with more pods than this draws them as compact tiles (name and IP) in a grid. */
export const DETAILED_PODS_PER_NODE = 8;
const TILE = { h: 34, gap: 10 } as const;

function tileWidth(pod: Pod): number {
  return Math.max(textWidth(pod.name, 12, false), textWidth(pod.ip, 11, true)) + 18;
}

/** Columns of the pod-tile grid: roughly twice as wide as tall, as nodes are drawn side by side. */
function tileColumns(count: number): number {
  return Math.max(1, Math.min(count, Math.ceil(Math.sqrt(count * 2))));
}

/** Height of a node's pod area (above the bridge), so that a row of nodes can align bridges. */
function podAreaHeight(pods: readonly Pod[], labelH: number): number {
  if (pods.length <= DETAILED_PODS_PER_NODE) return labelH + podHeight() + SIZES.vethGap + SIZES.veth.h + 16;
  const rows = Math.ceil(pods.length / tileColumns(pods.length));
  return rows * (TILE.h + TILE.gap) - TILE.gap + 26;
}

/** Lays out one node's contents from its top-left corner; returns the node's outer box. */
const NODEPORT_W = 78;
/** Above this many NodePorts in a cluster they are not marked one by one on every node. */
const MAX_MARKED_NODEPORTS = 6;

/** Every NodePort of the cluster, in Service order. */
export function allNodePorts(cluster: Cluster): number[] {
  return cluster.services.flatMap((s) => s.ports.map((p) => p.nodePort).filter((p): p is number => p !== null));
}

/** The NodePorts marked one by one on every node (none when there are too many to draw). */
export function markedNodePorts(cluster: Cluster): number[] {
  const ports = allNodePorts(cluster);
  return ports.length <= MAX_MARKED_NODEPORTS ? ports : [];
}

/** With more NodePorts than can be marked, each node has one marker that counts them. */
export const nodePortsSummaryId = (node: string): string => `nodeports/${node}`;
/** With more load balancers than can be drawn, one box at the edge counts them. */
export const LOAD_BALANCERS_ID = 'lb-summary';

/** The NodePort markers of every node: one per port, or one that counts them. */
function nodePortMarkers(cluster: Cluster): (node: string) => { id: string; w: number }[] {
  const all = allNodePorts(cluster);
  if (all.length === 0) return () => [];
  if (all.length <= MAX_MARKED_NODEPORTS) return (node) => all.map((p) => ({ id: nodePortId(node, p), w: NODEPORT_W }));
  return (node) => [{ id: nodePortsSummaryId(node), w: NODEPORT_W * 1.6 }];
}

function layoutNode(
  node: ClusterNode,
  pods: readonly Pod[],
  nodePorts: (node: string) => { id: string; w: number }[],
  originX: number,
  originY: number,
  areaHeight: number,
  labelH: number,
  positions: Map<string, Box>,
  compact: Set<string>,
): Box {
  const pad = SIZES.nodePad;
  const top = originY + SIZES.nodeLabel + pad;
  let podsW: number;
  if (pods.length > DETAILED_PODS_PER_NODE) {
    // Summarised: each pod a tile with its name and IP; the packet still lands on the tile.
    const cols = tileColumns(pods.length);
    const colW = Math.max(...pods.map(tileWidth));
    pods.forEach((pod, i) => {
      const col = i % cols;
      const row = Math.floor(i / cols);
      positions.set(podId(pod.namespace, pod.name), {
        x: originX + pad + col * (colW + TILE.gap) + colW / 2,
        y: top + row * (TILE.h + TILE.gap) + TILE.h / 2,
        w: colW,
        h: TILE.h,
      });
      compact.add(podId(pod.namespace, pod.name));
    });
    podsW = cols * (colW + TILE.gap) - TILE.gap;
  } else {
    const podTop = top + labelH;
    const ph = podHeight();
    let x = originX + pad;
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
      positions.set(podEth0Id(pod.namespace, pod.name), {
        x: x + SIZES.podPad + (inner - loW - 6) / 2,
        y: devY,
        w: inner - loW - 6,
        h: SIZES.podDevice.h,
      });
      positions.set(`dev/pod/${pod.namespace}/${pod.name}/lo`, {
        x: x + w - SIZES.podPad - loW / 2,
        y: devY,
        w: loW,
        h: SIZES.podDevice.h,
      });
      if (!pod.hostNetwork) {
        positions.set(vethId(pod.node, pod.namespace, pod.name), {
          x: x + SIZES.podPad + (inner - loW - 6) / 2,
          y: podTop + ph + SIZES.vethGap + SIZES.veth.h / 2,
          ...SIZES.veth,
        });
      }
      x += w + SIZES.podGap;
    }
    podsW = pods.length > 0 ? x - SIZES.podGap - (originX + pad) : 0;
  }
  const rootNames = ['routing', ...rootRowDevices(node)];
  const rootWidths = rootNames.map((name) => {
    if (name === 'routing') return SIZES.rootDevice.w;
    const dev = node.devices.find((d) => d.name === name);
    return Math.max(SIZES.rootDevice.w, textWidth(deviceLabel(name, dev?.address ?? null), 12, true) + 14);
  });
  const markers = nodePorts(node.name);
  const rootW =
    rootWidths.reduce((a, b) => a + b, 0) +
    (rootNames.length - 1) * SIZES.rootGap +
    markers.reduce((sum, m) => sum + m.w + SIZES.rootGap, 0);
  const contentW = Math.max(podsW, rootW, 260);
  // The pod area is as tall as the row's tallest, so that bridges and eth0s line up across nodes.
  let y = top + areaHeight;
  if (node.devices.some((d) => d.name === 'cni0')) {
    positions.set(deviceId(node.name, 'cni0'), {
      x: originX + pad + contentW / 2,
      y: y + SIZES.bar.h / 2,
      w: contentW,
      h: SIZES.bar.h,
    });
    y += SIZES.bar.h + 20;
  }
  let rx = originX + pad + (contentW - rootW) / 2;
  rootNames.forEach((name, i) => {
    const id = name === 'routing' ? kernelId(node.name) : deviceId(node.name, name);
    const w = rootWidths[i] as number;
    positions.set(id, { x: rx + w / 2, y: y + SIZES.rootDevice.h / 2, w, h: SIZES.rootDevice.h });
    rx += w + SIZES.rootGap;
  });
  // NodePorts: every node accepts every one, marked beside its eth0
  for (const { id, w } of markers) {
    positions.set(id, { x: rx + w / 2, y: y + SIZES.rootDevice.h / 2, w, h: 26 });
    rx += w + SIZES.rootGap;
  }
  y += SIZES.rootDevice.h;
  return { x: originX, y: originY, w: contentW + pad * 2, h: y + pad - originY };
}

/** Nodes per row: all side by side up to four, then a roughly square grid. */
export function nodeColumns(count: number): number {
  return count <= 4 ? Math.max(count, 1) : Math.ceil(Math.sqrt(count));
}

/** The id of the underlay bar under a row of nodes (row 0 keeps the plain `underlay`). */
export const underlayRowId = (row: number): string => (row === 0 ? UNDERLAY_ID : `${UNDERLAY_ID}/${row}`);
export const UNDERLAY_SPINE_ID = `${UNDERLAY_ID}/spine`;

/**
 * @param extraIds - elements a trace names that the cluster does not hold (outside hosts `ext/<ip>`)
 * @param opts.maxColumns - at most this many nodes side by side (one on a phone held upright)
 */
export function layoutCluster(
  cluster: Cluster,
  extraIds: readonly string[] = [],
  opts: { maxColumns?: number } = {},
): ClusterLayout {
  const positions = new Map<string, Box>();
  const nodeBoxes = new Map<string, Box>();
  const nodeRow = new Map<string, number>();
  const compact = new Set<string>();
  const podsByNode = new Map<string, Pod[]>();
  for (const pod of cluster.pods) {
    const list = podsByNode.get(pod.node);
    if (list) list.push(pod);
    else podsByNode.set(pod.node, [pod]);
  }
  // Workers first, control planes last: the traffic people follow lives on the workers.
  const ordered = [
    ...cluster.nodes.filter((n) => n.role !== 'control-plane'),
    ...cluster.nodes.filter((n) => n.role === 'control-plane'),
  ];
  // a tall, narrow screen (a phone held upright) stacks the nodes instead
  const cols = Math.min(nodeColumns(ordered.length), opts.maxColumns ?? Infinity);
  const nodePorts = nodePortMarkers(cluster);
  const rows: ClusterNode[][] = [];
  for (let i = 0; i < ordered.length; i += cols) rows.push(ordered.slice(i, i + cols));

  // NetworkPolicies, when there are any, in a row above the Services: objects, not on any path.
  const policies = networkPolicies(cluster);
  const policyBlockH = policies.length === 0 ? 0 : SIZES.service.h + SIZES.servicesGap / 2;

  // The node grid first, from y 0: what goes above it is placed once its width is known.
  let y = 0;
  let width = 0;
  rows.forEach((row, r) => {
    // names and pods line up across the row: its tallest name sets where every pod starts
    const labelH = podLabelHeight(
      row.flatMap((n) => {
        const pods = podsByNode.get(n.name) ?? [];
        return pods.length <= DETAILED_PODS_PER_NODE ? pods : [];
      }),
    );
    const area = Math.max(...row.map((n) => podAreaHeight(podsByNode.get(n.name) ?? [], labelH)));
    let x = 0;
    let bottom = y;
    for (const node of row) {
      const box = layoutNode(node, podsByNode.get(node.name) ?? [], nodePorts, x, y, area, labelH, positions, compact);
      nodeBoxes.set(node.name, box);
      nodeRow.set(node.name, r);
      x += box.w + SIZES.nodeGap;
      bottom = Math.max(bottom, box.y + box.h);
    }
    const rowWidth = Math.max(x - SIZES.nodeGap, 0);
    width = Math.max(width, rowWidth);
    positions.set(underlayRowId(r), { x: rowWidth / 2, y: bottom + SIZES.underlayGap, w: rowWidth, h: 10 });
    y = bottom + SIZES.underlayGap + 10 + SIZES.servicesGap + 20;
  });
  if (rows.length > 1) {
    // The rows' underlay bars join on a spine at the left: one node network.
    const first = positions.get(underlayRowId(0)) as Box;
    const last = positions.get(underlayRowId(rows.length - 1)) as Box;
    positions.set(UNDERLAY_SPINE_ID, { x: -24, y: (first.y + last.y) / 2, w: 8, h: last.y - first.y + 10 });
    for (let r = 0; r < rows.length; r++) {
      const bar = positions.get(underlayRowId(r)) as Box;
      positions.set(underlayRowId(r), {
        x: (bar.x - bar.w / 2 - 28 + bar.x + bar.w / 2) / 2,
        y: bar.y,
        w: bar.w + 28,
        h: bar.h,
      });
    }
  }

  // Services sit above the nodes, wrapped to the width of the node grid.
  const services = cluster.services.filter((s) => s.type !== 'ExternalName');
  const widths = services.map((svc) => Math.max(SIZES.service.w, textWidth(serviceLabel(svc), 12, true) + 24));
  // (stacked nodes are narrow: the Services wrap to their width)
  const gridWidthGuess = opts.maxColumns === 1 ? Math.max(width, 2 * SIZES.service.w) : Math.max(1200, cols * 560);
  const svcRows: number[][] = [[]];
  let rowW = 0;
  widths.forEach((w, i) => {
    const current = svcRows[svcRows.length - 1] as number[];
    if (current.length > 0 && rowW + SIZES.serviceGap + w > gridWidthGuess) {
      svcRows.push([i]);
      rowW = w;
    } else {
      current.push(i);
      rowW += (current.length > 1 ? SIZES.serviceGap : 0) + w;
    }
  });
  const svcBlockH =
    services.length === 0 ? 0 : svcRows.length * (SIZES.service.h + SIZES.serviceGap) - SIZES.serviceGap;
  // Gateways, then their HTTPRoutes, in rows above the Services (none: nothing moves)
  const gw = gatewayDrawing(cluster);
  const gwRows = [...wrapBoxes(gw.gateways, gridWidthGuess), ...wrapBoxes(gw.routes, gridWidthGuess)];
  const gwBlockH = gwRows.reduce((sum, row) => sum + Math.max(...row.map((b) => b.h)) + SIZES.servicesGap, 0);
  const scale = edgeScale(width);
  const pw = policies.map((p) => Math.max(SIZES.service.w, textWidth(policyLabel(p), 12, false) + 40));
  const rowTotal = (ws: number[]) => ws.reduce((a, b) => a + b, 0) + Math.max(ws.length - 1, 0) * SIZES.serviceGap;
  const objectsW = Math.max(
    0,
    rowTotal(pw),
    ...svcRows.map((row) => rowTotal(row.map((i) => widths[i] as number))),
    ...gwRows.map((row) => rowTotal(row.map((b) => b.w))),
  );
  const objectsH = policyBlockH + gwBlockH + svcBlockH;
  // The Internet and the load balancers sit in the band above the nodes, left of the Services,
  // when they fit there: the diagram is then no wider than its nodes, so it is drawn larger.
  const band = edgeBand(cluster, extraIds, scale);
  const bandGap = 40 * scale;
  const inBand = band.w + bandGap + objectsW <= width;
  // stacked nodes: the edge gets a row of its own above the Services
  const edgeRow = !inBand && opts.maxColumns === 1 && band.w <= width;
  const edgeRowH = edgeRow ? band.h + SIZES.servicesGap / 2 : 0;
  const bandH = inBand ? Math.max(objectsH, band.h) : objectsH + edgeRowH;
  const top = bandH + SIZES.servicesGap;
  for (const [id, box] of positions) positions.set(id, { ...box, y: box.y + top });
  for (const [name, box] of nodeBoxes) nodeBoxes.set(name, { ...box, y: box.y + top });
  /** Where a row of objects starts: centred over the nodes, clear of the edge's band. */
  const rowStart = (total: number) => Math.max((width - total) / 2, inBand ? band.w + bandGap : -Infinity);
  const objectsTop = edgeRow ? edgeRowH : (bandH - objectsH) / 2;

  let px = rowStart(rowTotal(pw));
  policies.forEach((p, i) => {
    const w = pw[i] as number;
    const id = policyId(p.namespace, p.name);
    positions.set(id, { x: px + w / 2, y: objectsTop + SIZES.service.h / 2, w, h: SIZES.service.h });
    px += w + SIZES.serviceGap;
  });
  let sy = objectsTop + policyBlockH;
  for (const row of gwRows) {
    const rowH = Math.max(...row.map((b) => b.h));
    let gx = rowStart(rowTotal(row.map((b) => b.w)));
    for (const b of row) {
      positions.set(b.id, { x: gx + b.w / 2, y: sy + rowH / 2, w: b.w, h: b.h });
      gx += b.w + SIZES.serviceGap;
    }
    sy += rowH + SIZES.servicesGap;
  }
  const serviceRows: ClusterLayout['serviceRows'] = [];
  for (const rowIdx of svcRows) {
    if (rowIdx.length === 0) continue;
    const total = rowTotal(rowIdx.map((i) => widths[i] as number));
    let sx = rowStart(total);
    const ids: string[] = [];
    serviceRows.push({ ids, box: { x: sx + total / 2, y: sy + SIZES.service.h / 2, w: total, h: SIZES.service.h } });
    for (const i of rowIdx) {
      const svc = services[i] as Service;
      const w = widths[i] as number;
      const id = serviceId(svc.namespace, svc.name);
      positions.set(id, { x: sx + w / 2, y: sy + SIZES.service.h / 2, w, h: SIZES.service.h });
      ids.push(id);
      sx += w + SIZES.serviceGap;
    }
    sy += SIZES.service.h + SIZES.serviceGap;
  }
  let left = 0;
  if (inBand || edgeRow) {
    let ex = 0;
    for (const item of band.items) {
      positions.set(item.id, { x: ex + item.w / 2, y: edgeRow ? band.h / 2 : bandH / 2, w: item.w, h: item.h });
      ex += item.w + 24 * scale;
    }
  } else {
    left = layoutEdge(cluster, positions, extraIds, scale);
  }
  return {
    positions,
    nodeBoxes,
    nodeRow,
    compactPods: compact,
    serviceRows,
    edgeScale: scale,
    bounds: { x: left, y: 0, w: width - left, h: y + top },
  };
}

/** Boxes in rows no wider than `width` (at least one box a row), in order. */
function wrapBoxes(boxes: readonly GatewayBox[], width: number): GatewayBox[][] {
  const rows: GatewayBox[][] = [];
  let rowW = 0;
  for (const b of boxes) {
    const current = rows[rows.length - 1];
    if (current && rowW + SIZES.serviceGap + b.w <= width) {
      current.push(b);
      rowW += SIZES.serviceGap + b.w;
    } else {
      rows.push([b]);
      rowW = b.w;
    }
  }
  return rows;
}

/** The edge as one row, left to right as traffic comes in: outside hosts, the Internet, load balancers. */
function edgeBand(
  cluster: Cluster,
  extraIds: readonly string[],
  s: number,
): { items: { id: string; w: number; h: number }[]; w: number; h: number } {
  const item = (id: string, b: { w: number; h: number }) => ({ id, w: b.w * s, h: b.h * s });
  const lbs = cluster.services.filter((svc) => svc.type === 'LoadBalancer');
  const items = [
    ...extraIds.filter((id) => id.startsWith('ext/')).map((id) => item(id, EDGE_SIZES.ext)),
    item(INTERNET_ID, EDGE_SIZES.internet),
    ...(lbs.length <= MAX_DRAWN_LBS
      ? lbs.map((svc) => item(loadBalancerId(svc.namespace, svc.name), EDGE_SIZES.lb))
      : [item(LOAD_BALANCERS_ID, EDGE_SIZES.lb)]),
  ];
  return {
    items,
    w: items.reduce((a, b) => a + b.w, 0) + (items.length - 1) * 24 * s,
    h: Math.max(...items.map((x) => x.h)),
  };
}

/** The edge's elements at scale 1, with the font of their labels. */
export const EDGE_SIZES = {
  internet: { w: 170, h: 70, font: 15 },
  lb: { w: 190, h: 44, font: 12 },
  ext: { w: 150, h: 40, font: 12 },
  column: 220,
} as const;
/** The edge is drawn at scale 1 up to about this width of nodes (the built-in cluster's). */
const EDGE_REFERENCE_WIDTH = 1300;

/**
 * The edge grows with the diagram, in steps of a half, so that fitted to a laptop's screen its
 * labels stay readable (the Internet's about 11 px): the Internet of a 100-node cluster is not a dot.
 */
export function edgeScale(diagramWidth: number): number {
  return Math.max(1, Math.floor((diagramWidth / EDGE_REFERENCE_WIDTH) * 2) / 2);
}
/** Above this many, load balancers are not drawn one by one but counted in one box. */
const MAX_DRAWN_LBS = 12;

/**
 * The cluster's edge, left of the nodes: the Internet, the external load balancers of
 * LoadBalancer Services, and outside hosts a trace names (clients, servers). Returns the left edge.
 */
function layoutEdge(cluster: Cluster, positions: Map<string, Box>, extraIds: readonly string[], s: number): number {
  const size = (b: { w: number; h: number }) => ({ w: b.w * s, h: b.h * s });
  const column = EDGE_SIZES.column * s;
  const x = -80 * s - column / 2;
  const internet = size(EDGE_SIZES.internet);
  const lb = size(EDGE_SIZES.lb);
  const extSize = size(EDGE_SIZES.ext);
  positions.set(INTERNET_ID, { x, y: internet.h / 2, ...internet });
  const lbs = cluster.services.filter((svc) => svc.type === 'LoadBalancer');
  let y = internet.h + 40 * s;
  if (lbs.length <= MAX_DRAWN_LBS) {
    for (const svc of lbs) {
      positions.set(loadBalancerId(svc.namespace, svc.name), { x, y: y + lb.h / 2, ...lb });
      y += lb.h + 20 * s;
    }
  } else {
    positions.set(LOAD_BALANCERS_ID, { x, y: y + lb.h / 2, ...lb });
  }
  const ext = extraIds.filter((id) => id.startsWith('ext/'));
  ext.forEach((id, i) => {
    positions.set(id, { x: x - column, y: extSize.h / 2 + i * (extSize.h + 16 * s), ...extSize });
  });
  return (ext.length > 0 ? x - column : x) - column / 2 - 20 * s;
}

/** `deny-to-web · Ingress` over `selects app=web`: what a NetworkPolicy's octagon says. */
export function policyLabel(policy: NetworkPolicyModel): string {
  const selector = selectorIsEmpty(policy.podSelector)
    ? `every pod in ${policy.namespace}`
    : formatSelector(policy.podSelector);
  return `${policy.name} · ${policy.policyTypes.join(' + ')}\nselects ${selector}`;
}

/** `web · ClusterIP` over `10.96.0.10  53/UDP, 53/TCP`: what a Service's dashed box says. */
export function serviceLabel(svc: Service): string {
  const ports = svc.ports
    .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol.toUpperCase()}`)
    .join(', ');
  return `${svc.name} · ${svc.type}\n${svc.clusterIP ?? 'headless'}${ports ? `  ${ports}` : ''}`;
}
