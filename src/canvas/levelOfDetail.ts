/**
 * Level of detail: which parts of a large diagram are drawn in full. Zoomed out, a node is one box
 * that says what it holds and a row of Services one box that counts them; zoomed in, the nodes and
 * rows in view are drawn in full (pods, containers, devices). Small diagrams are always drawn in
 * full. Pure, so that the choice is tested without a browser; the canvas applies it when the view
 * settles, never per frame.
 */
import { SIZES } from './layout';
import type { Box, ClusterLayout } from './layout';

/** Below this zoom, device and container labels are under 4 px: nodes are drawn as summaries. */
export const DETAIL_ZOOM = 0.3;
/** Diagrams with at most this many positioned elements are always drawn in full. */
export const LOD_MIN_ELEMENTS = 160;

export interface LevelOfDetail {
  /** nodes drawn in full; the others are one summary box */
  nodes: ReadonlySet<string> | 'all';
  /** indexes of the Service rows drawn one by one; the others are one summary box per row */
  serviceRows: ReadonlySet<number> | 'all';
}

export const FULL_DETAIL: LevelOfDetail = { nodes: 'all', serviceRows: 'all' };

/** The visible part of the diagram, in model coordinates. */
export interface Extent {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export function usesLevelOfDetail(layout: ClusterLayout): boolean {
  return layout.positions.size > LOD_MIN_ELEMENTS;
}

/** The box a node is drawn as (centre-based), without the name above it. */
export function nodeBody(layout: ClusterLayout, node: string): Box | null {
  const outer = layout.nodeBoxes.get(node);
  if (!outer) return null;
  const top = outer.y + SIZES.nodeLabel;
  const h = outer.y + outer.h - top;
  return { x: outer.x + outer.w / 2, y: top + h / 2, w: outer.w, h };
}

const intersects = (b: Box, e: Extent): boolean =>
  b.x + b.w / 2 >= e.x1 && b.x - b.w / 2 <= e.x2 && b.y + b.h / 2 >= e.y1 && b.y - b.h / 2 <= e.y2;

/**
 * What to draw in full for a view: everything for a small diagram; nothing below DETAIL_ZOOM; else
 * the nodes and Service rows that the view, widened by half its size on each side, touches (so that
 * a short pan finds them drawn already).
 */
export function levelOfDetail(layout: ClusterLayout, view: Extent, zoom: number): LevelOfDetail {
  if (!usesLevelOfDetail(layout)) return FULL_DETAIL;
  if (zoom < DETAIL_ZOOM) return { nodes: new Set(), serviceRows: new Set() };
  const mx = (view.x2 - view.x1) / 2;
  const my = (view.y2 - view.y1) / 2;
  const wide: Extent = { x1: view.x1 - mx, y1: view.y1 - my, x2: view.x2 + mx, y2: view.y2 + my };
  const nodes = new Set<string>();
  for (const name of layout.nodeBoxes.keys()) {
    const body = nodeBody(layout, name);
    if (body && intersects(body, wide)) nodes.add(name);
  }
  const serviceRows = new Set<number>();
  layout.serviceRows.forEach((row, i) => {
    if (intersects(row.box, wide)) serviceRows.add(i);
  });
  return { nodes, serviceRows };
}

const sameSet = (a: ReadonlySet<string | number> | 'all', b: ReadonlySet<string | number> | 'all'): boolean =>
  a === 'all' || b === 'all' ? a === b : a.size === b.size && [...a].every((x) => b.has(x));

export function sameDetail(a: LevelOfDetail, b: LevelOfDetail): boolean {
  return sameSet(a.nodes, b.nodes) && sameSet(a.serviceRows, b.serviceRows);
}

export const isDetailedNode = (lod: LevelOfDetail, node: string): boolean => lod.nodes === 'all' || lod.nodes.has(node);
export const isDetailedRow = (lod: LevelOfDetail, row: number): boolean =>
  lod.serviceRows === 'all' || lod.serviceRows.has(row);

/**
 * The view that fits a box (top-left based) into a `width` x `height` viewport with `padding` on
 * each side, `left` on the left: its zoom (within `zoomRange`), its pan and what it shows.
 */
export function fitView(
  bounds: Box,
  width: number,
  height: number,
  padding: number,
  left = padding,
  zoomRange: { min: number; max: number } = { min: 0, max: Infinity },
): { zoom: number; pan: { x: number; y: number }; extent: Extent } {
  const w = width - left - padding;
  const h = height - 2 * padding;
  const zoom = Math.min(
    zoomRange.max,
    Math.max(zoomRange.min, Math.min(w / Math.max(bounds.w, 1), h / Math.max(bounds.h, 1))),
  );
  const pan = {
    x: left + (w - bounds.w * zoom) / 2 - bounds.x * zoom,
    y: padding + (h - bounds.h * zoom) / 2 - bounds.y * zoom,
  };
  return {
    zoom,
    pan,
    extent: { x1: -pan.x / zoom, y1: -pan.y / zoom, x2: (width - pan.x) / zoom, y2: (height - pan.y) / zoom },
  };
}
