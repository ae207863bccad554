/**
 * Where a trace hop is drawn, in model coordinates, and the polyline a packet follows from one hop
 * to the next. Bars (the cni0 bridge, the underlay) are entered and left straight down or up from
 * the element they connect to, like a frame on a bus, instead of at their centre. Pods drawn as
 * summary tiles stand in for their containers and devices.
 */
import {
  LOAD_BALANCERS_ID,
  UNDERLAY_ID,
  UNDERLAY_SPINE_ID,
  kernelId,
  nodePortsSummaryId,
  underlayRowId,
} from './layout';
import type { Box, ClusterLayout } from './layout';
import { unionBox } from './camera';
import { deviceId, parseElementId, podEth0Id, podIdOfKey } from '../sim/model/ids';

export interface Point {
  x: number;
  y: number;
}

export interface Geometry {
  /** points from the rest point of `from` to the rest point of `to`; empty when `to` is not drawn */
  route(from: string | null, to: string): Point[];
  /** the rest point of an element id, or null */
  pointOf(id: string): Point | null;
  /** the box (centre-based, model px) the camera frames for a hop at `id`, or null */
  boxOf(id: string): Box | null;
}

const isBridge = (id: string): boolean => {
  const e = parseElementId(id);
  return e?.kind === 'device' && e.device === 'cni0';
};

/** `ns/pod` of an id that belongs to a pod (its containers, eth0, lo, host veth), or null. */
function podOf(id: string): string | null {
  const e = parseElementId(id);
  if (e?.kind === 'container' || e?.kind === 'pod-device' || e?.kind === 'veth') return `${e.namespace}/${e.pod}`;
  return null;
}

/** The node named in a device or routing id (`dev/<node>/eth0`, `node/<node>`), or null. */
function nodeOf(id: string): string | null {
  const e = parseElementId(id);
  return e?.kind === 'node' || e?.kind === 'device' ? e.node : null;
}

export function createGeometry(layout: ClusterLayout): Geometry {
  const { positions } = layout;
  const barOfNode = (node: string): Box | null => positions.get(underlayRowId(layout.nodeRow.get(node) ?? 0)) ?? null;
  const spineX = positions.get(UNDERLAY_SPINE_ID)?.x ?? null;
  const boxOf = (id: string): Box | null => {
    if (id.startsWith('node/')) return positions.get(kernelId(id.slice(5))) ?? null;
    if (id.startsWith('wire/')) return positions.get(UNDERLAY_ID) ?? null;
    const direct = positions.get(id);
    if (direct) return direct;
    // NodePorts counted in one marker go there (else to the node's eth0), a node's lo to its
    // routing point, load balancers counted in one box there (else to the Internet they face)
    const e = parseElementId(id);
    if (e?.kind === 'nodeport')
      return positions.get(nodePortsSummaryId(e.node)) ?? positions.get(deviceId(e.node, 'eth0')) ?? null;
    if (id.startsWith('lb/') && positions.has(LOAD_BALANCERS_ID)) return positions.get(LOAD_BALANCERS_ID) ?? null;
    if (e?.kind === 'device' && e.device === 'lo') return positions.get(kernelId(e.node)) ?? null;
    if (id.startsWith('lb/') || id.startsWith('ext/')) return positions.get('internet') ?? null;
    const pod = podOf(id);
    if (pod) {
      // A pod's lo falls back to its eth0; anything of a summarised pod to the pod's tile.
      const lo = e?.kind === 'pod-device' && e.device === 'lo' ? positions.get(podEth0Id(e.namespace, e.pod)) : null;
      return lo ?? positions.get(podIdOfKey(pod)) ?? null;
    }
    return null;
  };
  const clampOnBar = (bar: Box, x: number): number =>
    Math.max(bar.x - bar.w / 2 + 6, Math.min(bar.x + bar.w / 2 - 6, x));
  const eth0 = (node: string): Box | null => positions.get(deviceId(node, 'eth0')) ?? null;
  const wireNodes = (id: string): [string, string] => {
    const e = parseElementId(id);
    return e?.kind === 'wire' ? [e.a, e.b] : ['', ''];
  };
  /** The wire's two ends ordered from the node the packet comes from. */
  const wireFrom = (id: string, from: string | null, near: Point | null): [string, string] => {
    const [a, b] = wireNodes(id);
    const fromNode = from ? nodeOf(from) : null;
    if (fromNode === b) return [b, a];
    if (fromNode === a) return [a, b];
    const ea = eth0(a);
    const eb = eth0(b);
    if (
      near &&
      ea &&
      eb &&
      Math.abs(eb.x - near.x) + Math.abs(eb.y - near.y) < Math.abs(ea.x - near.x) + Math.abs(ea.y - near.y)
    )
      return [b, a];
    return [a, b];
  };
  /** Points along the underlay from node `a`'s eth0 to where the packet rests on the wire. */
  const wirePath = (a: string, b: string): Point[] => {
    const ea = eth0(a);
    const eb = eth0(b);
    const ba = barOfNode(a);
    const bb = barOfNode(b);
    if (!ea || !eb || !ba || !bb) return [];
    if (ba === bb || spineX === null)
      return [
        { x: ea.x, y: ba.y },
        { x: (ea.x + eb.x) / 2, y: ba.y },
      ];
    return [
      { x: ea.x, y: ba.y },
      { x: spineX, y: ba.y },
      { x: spineX, y: bb.y },
    ];
  };

  /**
   * Where a packet rests on an element: on its top-left corner, like a badge, so that the dot never
   * hides the label in the middle of the box. Bars are ridden along their middle; the Internet's
   * ellipse has no corner, so the packet sits at its top.
   */
  const restOn = (id: string, box: Box): Point => {
    if (isBridge(id)) return { x: box.x, y: box.y };
    if (box === positions.get('internet')) return { x: box.x, y: box.y - box.h / 2 + 4 };
    return { x: box.x - box.w / 2 + 4, y: box.y - box.h / 2 + 4 };
  };

  /** Beside the nodes, from the edge's band above them down to the underlay bar: never across a node. */
  const aroundNodes = (from: Point, bar: Box): Point[] => {
    const left = bar.x - bar.w / 2;
    if (from.x < left - 24) return [];
    return [
      { x: left - 24, y: from.y },
      { x: left - 24, y: bar.y },
    ];
  };

  const geometry: Geometry = {
    boxOf(id) {
      if (!id.startsWith('wire/')) return boxOf(id);
      // the wire between two nodes: both eth0s and the stretch of underlay under them
      const [a, b] = wireNodes(id);
      const parts = [eth0(a), eth0(b), ...[...wirePath(a, b), ...wirePath(b, a)].map((p) => ({ ...p, w: 0, h: 0 }))];
      const u = unionBox(parts.filter((x): x is Box => x !== null));
      return u ? { x: u.x + u.w / 2, y: u.y + u.h / 2, w: u.w, h: u.h } : (positions.get(UNDERLAY_ID) ?? null);
    },
    pointOf(id) {
      if (id.startsWith('wire/')) {
        const [a, b] = wireNodes(id);
        return wirePath(a, b).at(-1) ?? null;
      }
      const box = boxOf(id);
      return box ? restOn(id, box) : null;
    },
    route(from, to) {
      const start = from ? geometry.pointOf(from) : null;
      if (to.startsWith('wire/')) {
        const [a, b] = wireFrom(to, from, start);
        return wirePath(a, b);
      }
      const end = boxOf(to);
      if (!end) return [];
      const points: Point[] = [];
      // Between the outside (Internet, load balancer, hosts) and a node's eth0, the packet rides
      // the node network: along the underlay bar under the node, then up to eth0.
      const outside = (id: string | null): boolean =>
        id !== null && (id === 'internet' || id.startsWith('lb/') || id.startsWith('ext/'));
      const eth0Node = (id: string): string | null => {
        const e = parseElementId(id);
        return e?.kind === 'device' && e.device === 'eth0' ? e.node : null;
      };
      if (outside(from) && eth0Node(to)) {
        const bar = barOfNode(eth0Node(to) as string);
        if (bar && start) points.push(...aroundNodes(start, bar));
        if (bar) points.push({ x: bar.x - bar.w / 2, y: bar.y }, { x: end.x, y: bar.y }, { x: end.x, y: end.y });
        points.push(restOn(to, end));
        return points;
      }
      if (from && eth0Node(from) && outside(to)) {
        const bar = barOfNode(eth0Node(from) as string);
        const here = boxOf(from);
        if (bar && here) points.push({ x: here.x, y: bar.y }, { x: bar.x - bar.w / 2, y: bar.y });
        if (bar) points.push(...aroundNodes(restOn(to, end), bar).reverse());
        points.push(restOn(to, end));
        return points;
      }
      if (from?.startsWith('wire/')) {
        // leave the underlay straight under the receiving node's eth0
        const node = nodeOf(to);
        const bar = node ? barOfNode(node) : null;
        if (bar) points.push({ x: clampOnBar(bar, end.x), y: bar.y });
      } else if (from && isBridge(from) && !isBridge(to)) {
        const bar = boxOf(from) as Box;
        points.push({ x: clampOnBar(bar, end.x), y: bar.y });
      }
      const prev = points.at(-1) ?? start;
      if (isBridge(to) && prev) points.push({ x: clampOnBar(end, prev.x), y: end.y });
      else points.push(restOn(to, end));
      return points;
    },
  };
  return geometry;
}
