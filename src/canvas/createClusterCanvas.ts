/**
 * The Cytoscape adapter: the only place that talks to Cytoscape. Plain TypeScript with
 * create / update / destroy; it owns its container's contents (Cytoscape's div and the packet
 * overlay), receives data through `update(view)` and reports through callbacks.
 */
import cytoscape from 'cytoscape';
import type { Core, ElementDefinition } from 'cytoscape';
import type { Cluster } from '../sim';
import { deviceId, parseElementId } from '../sim/model/ids';
import { createGeometry } from './geometry';
import type { Geometry } from './geometry';
import { drawFirstFrameDirectly } from './firstFrame';
import { createPacketLayer } from './packetLayer';
import { createOverview } from './overview';
import type { PacketSprite } from './packetLayer';
import { ChipClass, CurrentHopClass, KeyboardFocusClass, OnPathClass, SelectedClass, stylesheet } from './stylesheet';
import type { Palette, Theme } from './stylesheet';
import {
  CONTRAST_MORE_QUERY,
  FORCED_COLORS_QUERY,
  contrastMoreActive,
  forcedColorsActive,
  systemColor,
} from './forcedColors';
import { UNDERLAY_ID, kernelId, layoutCluster, textWidth } from './layout';
import type { Box, ClusterLayout } from './layout';
import { FULL_DETAIL, fitView, levelOfDetail, sameDetail } from './levelOfDetail';
import type { LevelOfDetail } from './levelOfDetail';
import { ElementKind, toElements } from './toElements';
import { PALETTES, contrastPalette, forcedPalette } from './stylesheet';
import { NO_INSETS, frameView, readableFont, unionBox } from './camera';
import type { CameraView } from './camera';
import type { Insets } from './camera';
import { planPng } from './exportPng';
import type * as SvgExporter from './exportSvg';

type SvgModule = typeof SvgExporter;

export interface CanvasView {
  cluster: Cluster;
  /** element ids a trace names that the cluster does not hold (outside hosts), drawn at the edge */
  extras: readonly string[];
  /** element ids the current trace passes through */
  path: readonly string[];
  /** the element id of the hop being shown */
  current: string | null;
  selection: string | null;
  theme: Theme;
  /** element ids the camera frames at this step: the hops before, at and after it; empty: none */
  frame: readonly string[];
  camera: CameraSettings;
}

export interface LabelMetric {
  id: string;
  /** the element it is drawn as */
  drawn: string;
  fontPx: number;
  box: { x1: number; y1: number; x2: number; y2: number } | null;
}

export interface CameraSettings {
  /** whether the view follows the packet (frames `frame` at every step) */
  follow: boolean;
  /** the smallest rendered size, in CSS px, of a label on the path while following */
  readablePx: number;
  /** cut to each frame instead of gliding */
  reducedMotion: boolean;
}

export interface CanvasCallbacks {
  onSelect(id: string | null): void;
  /** the user panned or zoomed by hand (drag, wheel, pinch, the zoom buttons or keys) */
  onUserMove?(): void;
}

export interface ClusterCanvas {
  update(view: CanvasView): void;
  /** hop geometry for the animation */
  geometry(): Geometry;
  drawPackets(sprites: readonly PacketSprite[]): void;
  /** resolves once Cytoscape has drawn the latest cluster, with the time it did (performance.now()) */
  whenRendered(): Promise<number>;
  fit(): void;
  /** the space the stage's overlays (caption, controls) take over the diagram; the camera frames
   * what is left */
  setInsets(insets: Insets): void;
  /** zooms by a factor about the centre of the view */
  zoomBy(factor: number): void;
  /** moves the view as a two-finger gesture does: zooms by `factor` about `at` (CSS px in the
   * diagram), then pans by `dx`, `dy` */
  gesture(dx: number, dy: number, factor: number, at: { x: number; y: number }): void;
  /** counts of drawn elements by kind (for tests and measurement) */
  drawnCounts(): Record<string, number>;
  /** centres the view on an element and zooms in enough to read it */
  focus(id: string): void;
  /** frames these elements, readable, in what the overlays leave (a lesson stop's camera); the
   * view then stays put as after a move by hand. False when none of them is drawn. */
  frameElements(ids: readonly string[]): boolean;
  /**
   * The drawn elements a keyboard walks through, in reading order: the top-level boxes from top to
   * bottom and left to right, each followed by what it holds (depth first).
   */
  readingOrder(): string[];
  /** marks the element the keyboard is on (null: none), panning to it when it is off screen */
  keyboardFocus(id: string | null): void;
  /** the whole diagram as a PNG, at a reduced scale (and a note saying so) when it is very large;
   * rejects with a message for the user when no PNG can be made */
  exportPng(): Promise<{ blob: Blob; note: string | null }>;
  /** the Cytoscape core, for measurement (the browser benchmark pans it) */
  core(): Core;
  /** an element's box in page coordinates */
  renderedBox(id: string): { x1: number; y1: number; x2: number; y2: number };
  /** the SVG exporter loads on demand; the packets drawn now go with it, and the step's caption */
  exportSvg(caption?: { step: string | null; text: string } | null): Promise<string>;
  /**
   * The same SVG at once, for `beforeprint` (which waits for nothing): null until the exporter has
   * loaded, which `exportSvg` or `preloadSvg` starts.
   */
  svgNow(
    caption?: { step: string | null; text: string } | null,
    /**
     * an animation's frame: these packets instead of the ones on screen, the size of every frame,
     * and the part of the diagram shown when it follows the packet
     */
    frame?: {
      sprites: readonly PacketSprite[];
      reserve: SvgExporter.SvgOptions['reserve'];
      window?: SvgExporter.SvgOptions['window'];
    },
    /** `theme`: drawn in this theme's colours, whatever the screen's (a printed handout is light) */
    options?: { theme?: Theme },
  ): string | null;
  preloadSvg(): Promise<void>;
  /** resolves once the camera has stopped moving and the level of detail has followed it */
  whenSettled(): Promise<void>;
  /**
   * Measurement: for each hop element id, the rendered size of its label (font size times zoom,
   * CSS px; 0 when not drawn or hidden by the level of detail) and the label's box in page px.
   */
  /** `asDrawn`: the ids are the diagram's own (a Kubernetes node's box), not hop ids */
  labels(ids: readonly string[], asDrawn?: boolean): LabelMetric[];
  /** the hop ids the camera frames now: the current hop and the neighbours that fit beside it */
  framed(): string[];
  destroy(): void;
}

/** Above this many elements the diagram pans as a texture (see `update`). */
const LARGE_DIAGRAM = 1500;

/** Where a hop id is drawn in full detail: `node/<n>` hops happen at the node's routing point. */
function detailedId(id: string): string {
  return id.startsWith('node/') ? kernelId(id.slice(5)) : id;
}

/** How long the view must stay still before the level of detail follows it. */
const SETTLE_MS = 120;
const FIT_PADDING = 24;
/** The zoom buttons sit over the diagram's left edge: fitting keeps the diagram clear of them. */
const FIT_LEFT = 52;
/** Clear space around what the camera frames, in CSS px (labels, the packet's own label). */
const FRAME_PADDING = 28;
const GLIDE_MS = 450;
/** How much of a cni0 bridge beyond the framed hops beside it the camera keeps, in model px. */
const BRIDGE_MARGIN = 60;
const isBridgeId = (id: string): boolean => {
  const e = parseElementId(id);
  return e?.kind === 'device' && e.device === 'cni0';
};

export function createClusterCanvas(host: HTMLElement, callbacks: CanvasCallbacks): ClusterCanvas {
  const cyDiv = document.createElement('div');
  Object.assign(cyDiv.style, { position: 'absolute', inset: '0', zIndex: '1' });
  host.appendChild(cyDiv);
  const cy: Core = cytoscape({
    container: cyDiv,
    elements: [],
    style: stylesheet('light'),
    layout: { name: 'preset' },
    autoungrabify: true,
    boxSelectionEnabled: false,
    selectionType: 'single',
    // the largest generated cluster (200x100) fits at about 0.02
    minZoom: 0.01,
    maxZoom: 4,
  });
  drawFirstFrameDirectly(cy);
  const packets = createPacketLayer(host, cy, {
    avoid: () => {
      const framed = framedElements();
      const grow = (bb: { x1: number; y1: number; x2: number; y2: number }) => ({
        x1: bb.x1 - 4,
        y1: bb.y1 - 4,
        x2: bb.x2 + 4,
        y2: bb.y2 + 4,
      });
      // the framed elements whole, and the labels of the rest of the path where they are in view
      const rects = [...framed].map((id) =>
        grow(cy.getElementById(id).renderedBoundingBox({ includeLabels: true, includeOverlays: false })),
      );
      // and the name of the pod a framed container or device is in
      for (const id of framed) {
        const parent = cy.getElementById(id).parent();
        if (parent.nonempty() && parent.data('kind') === ElementKind.pod)
          rects.push(
            grow(parent.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true })),
          );
      }
      const w = cy.width();
      const h = cy.height();
      for (const id of path) {
        if (framed.has(id) || id.startsWith('link/')) continue;
        const el = cy.getElementById(id);
        if (el.empty() || !el.isNode()) continue;
        const bb = el.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
        if (bb.x2 > 0 && bb.x1 < w && bb.y2 > 0 && bb.y1 < h) rects.push(grow(bb));
      }
      if (wireLabel) {
        const z = cy.zoom();
        const p = cy.pan();
        const { x, y, w, h } = wireLabel;
        rects.push({
          x1: (x - w / 2) * z + p.x,
          y1: (y - h / 2) * z + p.y,
          x2: (x + w / 2) * z + p.x,
          y2: (y + h / 2) * z + p.y,
        });
      }
      return rects;
    },
    soft: () => {
      // read once per settled view (every element's label is measured), never while it moves
      if (settling) return [];
      const key = `${cy.zoom()},${cy.pan().x},${cy.pan().y},${drawVersion}`;
      if (softCache.key === key) return softCache.rects;
      const w = cy.width();
      const h = cy.height();
      const rects: { x1: number; y1: number; x2: number; y2: number }[] = [];
      cy.nodes().forEach((el) => {
        if (!el.data('label')) return;
        const bb = el.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
        if (bb.w > 0 && bb.x2 > 0 && bb.x1 < w && bb.y2 > 0 && bb.y1 < h)
          rects.push({ x1: bb.x1 - 2, y1: bb.y1 - 2, x2: bb.x2 + 2, y2: bb.y2 + 2 });
      });
      softCache = { key, rects };
      return rects;
    },
    insets: () => insets,
    fontPx: () => Math.max(13, Math.round(camera.readablePx)),
  });
  let softCache: { key: string; rects: { x1: number; y1: number; x2: number; y2: number }[] } = { key: '', rects: [] };
  /** bumped whenever elements or their labels change, so cached label boxes are read again */
  let drawVersion = 0;
  const overview = createOverview(host, cy);
  let cluster: Cluster | null = null;
  let extraIds: readonly string[] = [];
  let layout: ClusterLayout = {
    positions: new Map(),
    nodeBoxes: new Map(),
    nodeRow: new Map(),
    compactPods: new Set(),
    serviceRows: [],
    edgeScale: 1,
    bounds: { x: 0, y: 0, w: 0, h: 0 },
  };
  let geometry: Geometry = createGeometry(layout);
  let detail: LevelOfDetail = FULL_DETAIL;
  let summarisedIn = new Map<string, string>();
  /** the ids the last view asked to highlight, kept to re-apply them when the detail changes */
  let asked: { path: readonly string[]; current: string | null; selection: string | null } = {
    path: [],
    current: null,
    selection: null,
  };
  let theme: Theme = 'light';
  /** the SVG exporter, once loaded (on demand: the first screen does without it) */
  let svgModule: SvgModule | null = null;
  let path = new Set<string>();
  /** what the chips were last drawn for (see `chipOffPath`); null: draw them again */
  let chipKey: string | null = null;
  let current: string | null = null;
  let selection: string | null = null;
  let userMoved = false;
  let camera: CameraSettings = { follow: false, readablePx: 12, reducedMotion: false };
  let frameIds: readonly string[] = [];
  /** what the camera frames now: `frameIds`, or the current hop alone when they cannot all be read */
  let framing: readonly string[] = [];
  let insets: Insets = { ...NO_INSETS, left: FIT_LEFT };
  /** drawn elements whose label is grown to be readable in the camera's frame */
  let grown = new Set<string>();
  /** grown labels moved off a neighbour's (text-margin-y), so that two framed labels never cross */
  let shifted = new Set<string>();
  const baseFonts = new Map<string, number>();
  let renderWaiters: ((at: number) => void)[] = [];
  let renderPending = false;
  /** when the latest cluster was drawn */
  let renderedAt = 0;

  /** Where an id is drawn now: itself, or the summary that holds it when zoomed out. */
  const drawnId = (id: string): string => {
    const own = detailedId(id);
    if (!cy.getElementById(own).empty()) return own;
    return summarisedIn.get(own) ?? summarisedIn.get(id) ?? own;
  };

  /**
   * The diagram's colours: the theme's, the system's in forced colours (high contrast), or the
   * theme's strong palette when more contrast is asked for.
   */
  const palette = (): Palette =>
    forcedColorsActive() ? forcedPalette(systemColor) : contrastMoreActive() ? contrastPalette(theme) : PALETTES[theme];
  const sheet = () => stylesheet(theme, palette(), { strong: contrastMoreActive() || forcedColorsActive() });
  const forcedQuery = window.matchMedia?.(FORCED_COLORS_QUERY);
  const contrastQuery = window.matchMedia?.(CONTRAST_MORE_QUERY);
  const followForcedColors = (): void => {
    cy.style(sheet());
  };
  forcedQuery?.addEventListener('change', followForcedColors);
  contrastQuery?.addEventListener('change', followForcedColors);
  if (forcedColorsActive() || contrastMoreActive()) followForcedColors();

  /** the element the diagram's keyboard focus is on, kept so that a redraw can mark it again */
  let keyboardFocused: string | null = null;

  cy.on('tap', (event) => {
    const target = event.target as Core | cytoscape.SingularElementReturnValue;
    if (target === cy) callbacks.onSelect(null);
    else if ((target as cytoscape.SingularElementReturnValue).isNode()) {
      const node = target as cytoscape.NodeSingular;
      // a summary of Services opens up when zoomed in to; it has nothing to inspect of its own
      if (node.data('kind') === ElementKind.serviceGroup) zoomTo(node.position());
      else callbacks.onSelect(node.id());
    }
  });
  cy.on('render', () => {
    if (!renderPending) return;
    renderPending = false;
    renderedAt = performance.now();
    const waiters = renderWaiters;
    renderWaiters = [];
    for (const resolve of waiters) resolve(renderedAt);
  });
  /** The user moved the view by hand: the camera stops following until asked again. */
  const movedByUser = (): void => {
    userMoved = true;
    if (camera.follow && frameIds.length > 0) callbacks.onUserMove?.();
  };
  cy.on('dragpan scrollzoom pinchzoom', movedByUser);
  // A hover tooltip: plain text from the element's data (never HTML).
  const tooltip = document.createElement('div');
  tooltip.setAttribute('role', 'tooltip');
  tooltip.dataset['testid'] = 'canvas.tooltip';
  Object.assign(tooltip.style, {
    position: 'absolute',
    zIndex: '3',
    pointerEvents: 'none',
    display: 'none',
    maxWidth: '320px',
    padding: '4px 8px',
    borderRadius: '6px',
    font: '12px ui-sans-serif, system-ui, sans-serif',
    whiteSpace: 'pre-line',
    boxShadow: '0 2px 8px rgba(0,0,0,.25)',
  });
  host.appendChild(tooltip);
  cy.on('mouseover', 'node', (event) => {
    // Cytoscape follows the pointer over the whole page: over a control laid on the diagram
    // (the presenter's, the zoom buttons) there is no element to explain
    // (asked of the page at the pointer: the event's own target is not always where the pointer is)
    const pointer = event.originalEvent as MouseEvent | undefined;
    if (!pointer) return;
    const under = document.elementFromPoint(pointer.clientX, pointer.clientY);
    if (!under || !cyDiv.contains(under)) return;
    const el = event.target as cytoscape.NodeSingular;
    const text = (el.data('tooltip') as string | undefined) ?? (el.data('label') as string | undefined) ?? el.id();
    tooltip.textContent = text;
    const dark = theme === 'dark';
    tooltip.style.background = dark ? '#f8fafc' : '#0f172a';
    tooltip.style.color = dark ? '#0f172a' : '#f8fafc';
    const p = event.renderedPosition ?? el.renderedPosition();
    tooltip.style.left = `${Math.min(p.x + 14, host.clientWidth - 330)}px`;
    tooltip.style.top = `${p.y + 14}px`;
    tooltip.style.display = 'block';
  });
  cy.on('mouseout', 'node', () => {
    tooltip.style.display = 'none';
  });
  // The level of detail follows the view once it settles (never per frame): zoomed out, nodes and
  // Service rows are summaries; zoomed in, those in view are drawn in full.
  let settleTimer: ReturnType<typeof setTimeout> | undefined;
  let settling = false;
  cy.on('viewport', () => {
    tooltip.style.display = 'none';
    clearTimeout(settleTimer);
    settling = true;
    settleTimer = setTimeout(() => {
      settling = false;
      followView();
      packets.refresh();
    }, SETTLE_MS);
  });

  // Cytoscape measured the container when it was created: only a real change of size needs a
  // resize (and a refit), not the observer's first report.
  let size = { w: host.clientWidth, h: host.clientHeight };
  const observer = new ResizeObserver(() => {
    if (host.clientWidth === size.w && host.clientHeight === size.h) return;
    size = { w: host.clientWidth, h: host.clientHeight };
    cy.resize();
    placeView(false);
  });
  observer.observe(host);

  /** The view that shows `bounds` whole, clear of the zoom buttons. */
  const fitted = (bounds: Box) =>
    fitView(bounds, cy.width(), cy.height(), FIT_PADDING, FIT_LEFT, { min: cy.minZoom(), max: cy.maxZoom() });

  const fitAll = (): void => {
    const bb = cy.elements().boundingBox();
    if (bb.w === 0 || bb.h === 0) return;
    const { zoom, pan } = fitted({ x: bb.x1, y: bb.y1, w: bb.w, h: bb.h });
    cy.viewport({ zoom, pan });
  };

  const following = (): boolean => camera.follow && frameIds.length > 0;

  /** Cytoscape's removeData does not restyle the element (its data() setter does): do it here. */
  const unsetData = (el: cytoscape.CollectionReturnValue | cytoscape.NodeSingular, names: string): void => {
    if (el.empty()) return;
    el.removeData(names);
    (el as unknown as { updateStyle(): void }).updateStyle();
  };

  /**
   * Labels of the framed elements grow so that they render at `readablePx` or more at `zoom`; then,
   * unless only measuring, those that still cross another are moved apart (`separateLabels`).
   */
  const growLabels = (ids: ReadonlySet<string>, zoom: number, separate = true): void => {
    cy.batch(() => {
      for (const id of grown) if (!ids.has(id)) unsetData(cy.getElementById(id), 'rfs rmw');
      for (const id of ids) {
        const el = cy.getElementById(id);
        if (el.empty()) continue;
        let base = baseFonts.get(id);
        if (base === undefined) {
          unsetData(el, 'rfs rmw');
          base = el.numericStyle('font-size') as number;
          baseFonts.set(id, base);
        }
        const size = readableFont(base, zoom, camera.readablePx);
        // a grown label wraps at about fourteen of its characters' widths on screen, or its box
        if (size > base) el.data({ rfs: size, rmw: Math.max(el.width(), (camera.readablePx * 14) / zoom) });
        else unsetData(el, 'rfs rmw');
      }
    });
    grown = new Set(ids);
    separateLabels(ids, separate);
    drawVersion++;
  };

  /**
   * Grown labels can be wider than their boxes: two framed side by side (a node's routing point
   * and its eth1, on a phone) would print over each other. Left to right, a label that crosses one
   * already placed moves below it, or above when that is clear instead, by its text margin. The
   * camera first frames fewer neighbours to avoid this (`frameCamera`); this is the last resort.
   * Returns whether any label crosses another; with `apply` false, only says so.
   */
  const separateLabels = (ids: ReadonlySet<string>, apply: boolean): boolean => {
    for (const id of shifted) unsetData(cy.getElementById(id), 'lmy');
    shifted = new Set();
    const only = { includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false };
    const crosses = (a: cytoscape.BoundingBox12, b: cytoscape.BoundingBox12): boolean =>
      a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
    const moved = (b: cytoscape.BoundingBox12, dy: number): cytoscape.BoundingBox12 => ({
      x1: b.x1,
      x2: b.x2,
      y1: b.y1 + dy,
      y2: b.y2 + dy,
    });
    const nodes = [...ids]
      .map((id) => cy.getElementById(id))
      .filter((el) => el.nonempty() && el.isNode() && el.data('rfs') !== undefined);
    // compound boxes (pods, nodes) keep their labels; the devices inside them move
    const placed: cytoscape.BoundingBox12[] = nodes.filter((el) => el.isParent()).map((el) => el.boundingBox(only));
    const leaves = nodes
      .filter((el) => !el.isParent())
      .sort((a, b) => a.position('x') - b.position('x') || a.position('y') - b.position('y'));
    // the labels beside them that stay as they are: their own box's neighbours, not grown
    const framed = new Set(leaves.map((el) => el.id()));
    const zoom = cy.zoom();
    for (const el of leaves)
      for (const other of el.siblings().nodes())
        if (
          !framed.has(other.id()) &&
          !other.isParent() &&
          (other.numericStyle('font-size') as number) * zoom >= (other.numericStyle('min-zoomed-font-size') as number)
        )
          placed.push(other.boundingBox(only));
    const gap = 2 / Math.max(cy.zoom(), 1e-6);
    for (const el of leaves) {
      const box = el.boundingBox(only);
      const hit = placed.filter((p) => crosses(p, box));
      if (hit.length === 0) {
        placed.push(box);
        continue;
      }
      if (!apply) return true;
      const down = Math.max(...hit.map((p) => p.y2)) + gap - box.y1;
      const up = Math.min(...hit.map((p) => p.y1)) - gap - box.y2;
      const dy = [down, up].find((d) => !placed.some((p) => crosses(p, moved(box, d)))) ?? down;
      el.data('lmy', (el.numericStyle('text-margin-y') as number) + dy);
      shifted.add(el.id());
      placed.push(moved(box, dy));
    }
    return shifted.size > 0;
  };

  /** The node network's label, moved under the framed stretch of wire (model box), or null. */
  let wireLabel: Box | null = null;
  const placeWireLabel = (): void => {
    const bar = cy.getElementById(UNDERLAY_ID);
    const barBox = layout.positions.get(UNDERLAY_ID);
    const wire = framing.find((id) => id.startsWith('wire/'));
    const [, a = '', b = ''] = wire?.split('/') ?? [];
    // the label is on the first row's bar: it follows wires between nodes of that row
    if (
      !following() ||
      !wire ||
      bar.empty() ||
      !barBox ||
      (layout.nodeRow.get(a) ?? 0) + (layout.nodeRow.get(b) ?? 0) > 0
    ) {
      if (wireLabel) unsetData(bar, 'lx');
      wireLabel = null;
      return;
    }
    const stretch = geometry.boxOf(wire);
    if (!stretch) return;
    bar.data('lx', stretch.x - barBox.x);
    const fs = bar.numericStyle('font-size') as number;
    wireLabel = {
      x: stretch.x,
      y: barBox.y + barBox.h / 2 + 6 + fs * 0.7,
      w: textWidth(String(bar.data('label') ?? ''), fs, true),
      h: fs * 1.4,
    };
  };

  /** Where each framed hop is drawn now (a summary when zoomed out), without the underlay bars. */
  const framedElements = (ids: readonly string[] = framing): Set<string> =>
    new Set(ids.map(drawnId).filter((id) => !id.startsWith('underlay') && !cy.getElementById(id).empty()));

  /**
   * Frames the current hop and its neighbours: the view that holds their boxes and their labels,
   * grown to be readable at that zoom. A grown label can reach past its box, so the frame is
   * widened to hold it and the zoom worked out again (a few rounds settle it).
   */
  /**
   * A cni0 bridge spans its whole node: framed beside a veth or the routing point, only the stretch
   * of it near them is framed, and its label moves there (as the underlay's does under a wire).
   */
  const bridgeStretches = (): Map<string, Box> => {
    const stretches = new Map<string, Box>();
    const others = framing
      .filter((id) => !isBridgeId(id))
      .map((id) => geometry.boxOf(id))
      .filter((b): b is Box => b !== null);
    for (const id of framing) {
      const bar = isBridgeId(id) ? geometry.boxOf(id) : null;
      if (!bar || others.length === 0) continue;
      const x1 = Math.max(bar.x - bar.w / 2, Math.min(...others.map((b) => b.x - b.w / 2)) - BRIDGE_MARGIN);
      const x2 = Math.min(bar.x + bar.w / 2, Math.max(...others.map((b) => b.x + b.w / 2)) + BRIDGE_MARGIN);
      if (x2 - x1 < bar.w) stretches.set(id, { x: (x1 + x2) / 2, y: bar.y, w: Math.max(x2 - x1, 1), h: bar.h });
    }
    return stretches;
  };
  let bridgeLabels = new Set<string>();
  const placeBridgeLabels = (stretches: Map<string, Box>): void => {
    for (const id of bridgeLabels) if (!stretches.has(id)) unsetData(cy.getElementById(id), 'lx');
    for (const [id, stretch] of stretches) {
      const el = cy.getElementById(id);
      if (el.nonempty()) el.data('lx', stretch.x - el.position('x'));
    }
    bridgeLabels = new Set(stretches.keys());
  };

  /** The framed elements whose labels grow: with the node network's bar under a framed wire. */
  const grownElements = (): Set<string> => {
    const ids = framedElements();
    if (framing.some((id) => id.startsWith('wire/')) && !cy.getElementById(UNDERLAY_ID).empty()) ids.add(UNDERLAY_ID);
    return ids;
  };

  /**
   * Whether the labels of these elements, grown for `zoom`, cross one another or a label beside
   * them, as they would be before `separateLabels` moves them.
   */
  const labelsOverlap = (ids: ReadonlySet<string>, zoom: number): boolean => {
    growLabels(ids, zoom, false);
    return separateLabels(ids, false);
  };

  /**
   * Frames the current hop with its neighbours. When they are too far apart for the frame (a
   * landscape phone, a short window), their labels, grown to be readable, cover one another: then
   * fewer neighbours are framed, closer.
   */
  const frameCamera = (animate: boolean): void => {
    const here = asked.current;
    const at = here === null ? -1 : frameIds.indexOf(here);
    // the hop with both neighbours; else with the one it goes to, or came from; else alone
    const choices =
      at < 0
        ? [frameIds]
        : [frameIds, frameIds.slice(at, at + 2), frameIds.slice(Math.max(0, at - 1), at + 1), [here as string]];
    let view: CameraView | null = null;
    for (const [k, ids] of choices.entries()) {
      if (choices.slice(0, k).some((tried) => tried.join() === ids.join())) continue;
      framing = ids;
      view = frameNeighbourhood();
      if (!view || !labelsOverlap(grownElements(), view.zoom)) break;
    }
    if (!view) return;
    growLabels(grownElements(), view.zoom);
    placeWireLabel();
    cy.stop(true);
    if (animate) cy.animate({ zoom: view.zoom, pan: view.pan }, { duration: GLIDE_MS, easing: 'ease-in-out-sine' });
    else cy.viewport({ zoom: view.zoom, pan: view.pan });
  };

  /** The view holding `framing`'s boxes and their labels, grown to be readable at that zoom. */
  const frameNeighbourhood = (): CameraView | null => {
    const stretches = bridgeStretches();
    placeBridgeLabels(stretches);
    const boxes = framing.map((id) => stretches.get(id) ?? geometry.boxOf(id)).filter((b): b is Box => b !== null);
    const bounds = unionBox(boxes);
    if (!bounds) return null;
    const ids = grownElements();
    const opts = {
      readablePx: camera.readablePx,
      padding: FRAME_PADDING,
      minZoom: cy.minZoom(),
      maxZoom: cy.maxZoom(),
    };
    let view = frameView(bounds, cy.width(), cy.height(), insets, opts);
    for (let round = 0; round < 4; round++) {
      growLabels(ids, view.zoom, false);
      placeWireLabel();
      let framed = cy.collection();
      let bars = cy.collection();
      for (const id of ids) {
        if (id === UNDERLAY_ID) continue;
        if (stretches.has(id)) bars = bars.union(cy.getElementById(id));
        else framed = framed.union(cy.getElementById(id));
      }
      const parts: Box[] = [{ x: bounds.x + bounds.w / 2, y: bounds.y + bounds.h / 2, w: bounds.w, h: bounds.h }];
      const add = (bb: { x1: number; y1: number; x2: number; y2: number; w: number; h: number }) =>
        parts.push({ x: (bb.x1 + bb.x2) / 2, y: (bb.y1 + bb.y2) / 2, w: bb.w, h: bb.h });
      const only = { includeEdges: false, includeOverlays: false, includeLabels: true };
      if (framed.nonempty()) add(framed.boundingBox({ ...only, includeNodes: true }));
      // a bridge framed in part: its (moved) label, not the whole bar
      if (bars.nonempty()) add(bars.boundingBox({ ...only, includeNodes: false }));
      if (wireLabel) parts.push(wireLabel);
      const withLabels = unionBox(parts) as Box;
      const next = frameView(withLabels, cy.width(), cy.height(), insets, opts);
      const settled = next.zoom >= view.zoom * 0.98;
      view = next;
      if (settled) break;
    }
    return view;
  };

  /** Puts the view where it belongs now: on the frame while following, else fitted unless moved. */
  const placeView = (animate: boolean): void => {
    // a hidden canvas (printing hides it) has no frame: labels grown for it would be enormous
    if (cy.width() < 1 || cy.height() < 1) return;
    if (following()) frameCamera(animate && !camera.reducedMotion);
    else if (!userMoved) {
      growLabels(new Set(), cy.zoom());
      placeWireLabel();
      placeBridgeLabels(new Map());
      cy.stop(true);
      fitAll();
    }
  };

  const zoomTo = (at: { x: number; y: number }, minZoom = 1): void => {
    movedByUser();
    const zoom = Math.max(cy.zoom(), minZoom);
    cy.animate({ zoom, pan: { x: cy.width() / 2 - at.x * zoom, y: cy.height() / 2 - at.y * zoom } }, { duration: 250 });
  };

  const applyElements = (elements: ElementDefinition[]): void => {
    drawVersion++;
    const next = new Map(elements.map((e) => [e.data.id as string, e]));
    cy.batch(() => {
      // gone, changed between a summary and a drawing in full, or moved to another parent (a pod
      // of the same name on another node: Cytoscape keeps a parent as given): removed, re-added
      cy.elements().forEach((el) => {
        if (el.removed()) return;
        const def = next.get(el.id());
        if (
          !def ||
          (def.data['lod'] ?? null) !== (el.data('lod') ?? null) ||
          (el.isNode() && (def.data.parent ?? null) !== (el.data('parent') ?? null))
        )
          el.remove();
      });
      const toAdd: ElementDefinition[] = [];
      for (const def of elements) {
        const existing = cy.getElementById(def.data.id as string);
        if (existing.empty()) {
          toAdd.push(def);
          continue;
        }
        existing.data(def.data);
        if (def.position) existing.position(def.position);
        if (def.classes) existing.classes(typeof def.classes === 'string' ? def.classes : def.classes.join(' '));
      }
      // Parents before children: Cytoscape needs the parent to exist when a child is added.
      // Nodes cover most of the diagram and cannot be dragged: a drag on one pans the view.
      cy.add(toAdd).nodes().panify();
    });
  };

  /**
   * While a packet's path is drawn, the veths and pods' lo it does not use become chips: they
   * say "there is one here" without a name to read, so the path stands out.
   */
  const chipOffPath = (nextPath: Set<string>, keep: string | null): void => {
    const key = nextPath.size === 0 ? '' : `${[...nextPath].join(' ')} ${keep ?? ''}`;
    if (key === chipKey) return;
    chipKey = key;
    cy.nodes(`.${ElementKind.veth}, .${ElementKind.podDevice}`).forEach((el) => {
      const small = el.hasClass(ElementKind.veth) || el.id().endsWith('/lo');
      if (small && nextPath.size > 0 && !nextPath.has(el.id()) && el.id() !== keep) el.addClass(ChipClass);
      else el.removeClass(ChipClass);
    });
  };

  const toggleClasses = (nextPath: Set<string>, nextCurrent: string | null, nextSelection: string | null): void => {
    cy.batch(() => {
      chipOffPath(nextPath, nextSelection);
      for (const id of path) if (!nextPath.has(id)) cy.getElementById(id).removeClass(OnPathClass);
      for (const id of nextPath) cy.getElementById(id).addClass(OnPathClass);
      if (current !== nextCurrent) {
        if (current) cy.getElementById(current).removeClass(CurrentHopClass);
        if (nextCurrent) cy.getElementById(nextCurrent).addClass(CurrentHopClass);
      }
      if (selection !== nextSelection) {
        if (selection) cy.getElementById(selection).removeClass(SelectedClass);
        if (nextSelection) cy.getElementById(nextSelection).addClass(SelectedClass);
      }
    });
    path = nextPath;
    current = nextCurrent;
    selection = nextSelection;
  };

  /** Draws the cluster at a level of detail, and the highlights on what is drawn now. */
  const draw = (cl: Cluster, next: LevelOfDetail): void => {
    detail = next;
    chipKey = null;
    toggleClasses(new Set(), null, null);
    growLabels(new Set(), 1);
    baseFonts.clear();
    const built = toElements(cl, extraIds, next, layout);
    summarisedIn = built.summarisedIn;
    renderPending = true;
    // Large diagrams pan and zoom as a cached texture while the user drags, and are redrawn
    // sharp when they let go: per-frame redraws of thousands of boxes cannot keep 60 fps.
    (cy as unknown as { renderer(): { textureOnViewport: boolean } }).renderer().textureOnViewport =
      built.elements.length > LARGE_DIAGRAM;
    applyElements(built.elements);
    highlight();
  };

  const highlight = (): void => {
    toggleClasses(
      pathWithEdges(asked.path),
      asked.current ? drawnId(asked.current) : null,
      asked.selection ? drawnId(asked.selection) : null,
    );
  };

  const followView = (): void => {
    if (!cluster) return;
    const next = levelOfDetail(layout, cy.extent(), cy.zoom());
    if (!sameDetail(next, detail)) {
      draw(cluster, next);
      // elements drawn anew in full keep the camera's readable labels
      if (following()) growLabels(framedElements(), cy.zoom());
    }
  };

  /** Edges between consecutive drawn hops join the path highlight. */
  const pathWithEdges = (ids: readonly string[]): Set<string> => {
    const drawn = ids.map(drawnId).filter((id) => !cy.getElementById(id).empty());
    const result = new Set(drawn);
    for (let i = 1; i < drawn.length; i++) {
      const a = drawn[i - 1] as string;
      const b = drawn[i] as string;
      for (const id of [`link/${a}--${b}`, `link/${b}--${a}`]) if (!cy.getElementById(id).empty()) result.add(id);
    }
    // wire hops light the links from both eth0s down to the underlay
    for (const id of ids) {
      const wire = parseElementId(id);
      if (wire?.kind !== 'wire') continue;
      for (const n of [wire.a, wire.b]) {
        const link = `link/${deviceId(n, 'eth0')}--underlay`;
        if (!cy.getElementById(link).empty()) result.add(link);
      }
      result.add('underlay');
    }
    return result;
  };

  return {
    update(view) {
      if (view.theme !== theme) {
        theme = view.theme;
        cy.style(sheet());
        packets.setTheme(theme);
        overview.setTheme(theme);
      }
      asked = { path: view.path, current: view.current, selection: view.selection };
      const frameChanged = view.frame.join() !== frameIds.join();
      const cameraChanged =
        view.camera.follow !== camera.follow ||
        view.camera.readablePx !== camera.readablePx ||
        view.camera.reducedMotion !== camera.reducedMotion;
      // asked to follow again: the view is the camera's from now on
      if (view.camera.follow && !camera.follow) userMoved = false;
      camera = view.camera;
      frameIds = view.frame;
      if (view.cluster !== cluster || view.extras.join() !== extraIds.join()) {
        const first = cluster === null;
        // a new cluster, or outside hosts a trace adds at the edge, are fitted unless the user moved
        const refit = first || !userMoved;
        cluster = view.cluster;
        extraIds = view.extras;
        // a phone held upright gets the nodes stacked; chosen with the cluster, not on every
        // resize, so the packet's routes stay those of the drawing
        const upright = host.clientWidth < 640 && host.clientHeight > host.clientWidth;
        layout = layoutCluster(view.cluster, view.extras, upright ? { maxColumns: 1 } : {});
        geometry = createGeometry(layout);
        overview.setLayout(layout);
        // the detail for the view the diagram will have: the fitted one, or the user's
        const fit = fitted(layout.bounds);
        draw(
          view.cluster,
          refit ? levelOfDetail(layout, fit.extent, fit.zoom) : levelOfDetail(layout, cy.extent(), cy.zoom()),
        );
        if (following()) frameCamera(false);
        else if (refit) fitAll();
        return;
      }
      highlight();
      if (frameChanged || cameraChanged) placeView(true);
    },
    geometry: () => geometry,
    drawPackets: (sprites) => packets.draw(sprites),
    whenRendered() {
      if (!renderPending) return Promise.resolve(renderedAt);
      return new Promise((resolve) => renderWaiters.push(resolve));
    },
    fit() {
      userMoved = false;
      growLabels(new Set(), cy.zoom());
      placeWireLabel();
      placeBridgeLabels(new Map());
      cy.stop(true);
      fitAll();
    },
    setInsets(next) {
      if (
        next.top === insets.top &&
        next.right === insets.right &&
        next.bottom === insets.bottom &&
        next.left === insets.left
      )
        return;
      insets = next;
      placeView(false);
    },
    gesture(dx, dy, factor, at) {
      movedByUser();
      cy.stop(true);
      const before = cy.zoom();
      const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), before * factor));
      const pan = cy.pan();
      const k = zoom / before;
      cy.viewport({ zoom, pan: { x: at.x - (at.x - pan.x) * k + dx, y: at.y - (at.y - pan.y) * k + dy } });
    },
    zoomBy(factor) {
      movedByUser();
      const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor));
      cy.animate(
        { zoom: { level: zoom, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } } },
        { duration: 150 },
      );
    },
    drawnCounts() {
      const counts: Record<string, number> = {};
      cy.nodes().forEach((n) => {
        const kind = n.data('kind') as string;
        counts[kind] = (counts[kind] ?? 0) + 1;
      });
      return counts;
    },
    focus(id) {
      // zoomed out, the element may be inside a summary: go to where it is drawn in full
      const box = layout.positions.get(detailedId(id)) ?? layout.positions.get(deviceId(id, 'eth0'));
      const el = cy.getElementById(drawnId(id));
      if (box) zoomTo(box);
      else if (!el.empty()) zoomTo(el.position());
    },
    frameElements(ids) {
      const bounds = unionBox(ids.map((id) => geometry.boxOf(id)).filter((b): b is Box => b !== null));
      if (!bounds) return false;
      userMoved = true;
      const view = frameView(bounds, cy.width(), cy.height(), insets, {
        readablePx: camera.readablePx,
        padding: FRAME_PADDING,
        minZoom: cy.minZoom(),
        maxZoom: cy.maxZoom(),
      });
      cy.stop(true);
      if (camera.reducedMotion) cy.viewport({ zoom: view.zoom, pan: view.pan });
      else cy.animate({ zoom: view.zoom, pan: view.pan }, { duration: GLIDE_MS, easing: 'ease-in-out-sine' });
      return true;
    },
    readingOrder() {
      // The layout's own box (position and model size), not the drawn one: the camera grows the
      // path's labels and boxes while it plays, and the order must not change under the keyboard.
      const topLeft = (n: cytoscape.NodeSingular): { x: number; y: number } => {
        const w = n.data('w') as number | undefined;
        const h = n.data('h') as number | undefined;
        if (!n.isParent() && typeof w === 'number' && typeof h === 'number')
          return { x: n.position('x') - w / 2, y: n.position('y') - h / 2 };
        const bb = n.boundingBox({ includeLabels: false });
        return { x: bb.x1, y: bb.y1 };
      };
      /** Top to bottom in rows (tops within a few px of the row's first), left to right in each. */
      const byPlace = (nodes: cytoscape.NodeCollection): cytoscape.NodeSingular[] => {
        const placed = (nodes.toArray() as cytoscape.NodeSingular[])
          .map((n) => ({ n, ...topLeft(n) }))
          .sort((a, b) => a.y - b.y || a.x - b.x);
        const rows: (typeof placed)[] = [];
        for (const p of placed) {
          const row = rows.at(-1);
          if (row && p.y - (row[0] as (typeof placed)[number]).y <= 8) row.push(p);
          else rows.push([p]);
        }
        return rows.flatMap((row) => row.sort((a, b) => a.x - b.x).map((p) => p.n));
      };
      const order: string[] = [];
      const walk = (nodes: cytoscape.NodeCollection): void => {
        for (const n of byPlace(nodes)) {
          // only what a click would inspect: not the layout's own boxes (underlay, Service groups)
          if (parseElementId(n.id()) !== null) order.push(n.id());
          walk(n.children());
        }
      };
      walk(cy.nodes().orphans());
      return order;
    },
    keyboardFocus(id) {
      if (keyboardFocused) cy.getElementById(drawnId(keyboardFocused)).removeClass(KeyboardFocusClass);
      keyboardFocused = id;
      if (!id) return;
      const el = cy.getElementById(drawnId(id));
      if (el.empty()) return;
      el.addClass(KeyboardFocusClass);
      const box = el.renderedBoundingBox({ includeLabels: false });
      const inView = box.x1 >= 0 && box.y1 >= 0 && box.x2 <= cy.width() && box.y2 <= cy.height();
      if (!inView) cy.center(el);
    },
    core: () => cy,
    renderedBox(id) {
      const bb = cy.getElementById(drawnId(id)).renderedBoundingBox({ includeLabels: false });
      const rect = host.getBoundingClientRect();
      return { x1: bb.x1 + rect.left, y1: bb.y1 + rect.top, x2: bb.x2 + rect.left, y2: bb.y2 + rect.top };
    },
    async exportPng() {
      const bb = cy.elements().boundingBox();
      const plan = planPng(bb.w, bb.h);
      if (!plan.ok) throw new Error(plan.message);
      let blob: Blob | null;
      try {
        blob = await cy.png({ output: 'blob-promise', full: true, scale: plan.scale, bg: PALETTES[theme].nodeFill });
      } catch {
        blob = null;
      }
      if (!blob || blob.size === 0)
        throw new Error(
          'The browser could not draw the diagram as a PNG (it may be short of memory); export it as SVG instead.',
        );
      return { blob, note: plan.note };
    },
    async exportSvg(caption = null) {
      await this.preloadSvg();
      return this.svgNow(caption) as string;
    },
    async preloadSvg() {
      svgModule ??= await import('./exportSvg');
    },
    svgNow(caption = null, frame, options = {}) {
      if (!svgModule) return null;
      const paper = options.theme ?? theme;
      const { exportSvg, estimateWidth } = svgModule;
      // the browser's own text widths, so that labels wrap where the diagram wraps them
      const ctx = document.createElement('canvas').getContext('2d');
      const measure = ctx
        ? (text: string, font: string) => {
            ctx.font = font;
            return ctx.measureText(text).width;
          }
        : estimateWidth;
      // the camera's grown labels and moved label positions are sized for the view on screen, not
      // for the whole picture (printing hides the canvas, and they grow to fill the page): drawn at
      // their stylesheet size, then put back
      const moved = cy
        .nodes('[rfs], [lx], [lmy]')
        .map((el) => ({ el, data: { ...(el.data() as Record<string, unknown>) } }));
      for (const { el } of moved) unsetData(el, 'rfs rmw lx lmy');
      if (paper !== theme) cy.style(stylesheet(paper, PALETTES[paper]));
      try {
        return exportSvg(cy, {
          background: paper === theme ? palette().nodeFill : PALETTES[paper].nodeFill,
          theme: paper,
          sprites: frame ? frame.sprites : packets.sprites(),
          caption,
          measure,
          ...(frame?.reserve ? { reserve: frame.reserve } : {}),
          ...(frame?.window ? { window: frame.window } : {}),
        });
      } finally {
        if (paper !== theme) cy.style(sheet());
        for (const { el, data } of moved)
          el.data(Object.fromEntries(Object.entries(data).filter(([k]) => ['rfs', 'rmw', 'lx', 'lmy'].includes(k))));
      }
    },
    whenSettled() {
      return new Promise((resolve) => {
        const check = (): void => {
          if (!cy.animated() && !settling) resolve();
          else requestAnimationFrame(check);
        };
        check();
      });
    },
    framed() {
      return following() ? [...framing] : [];
    },
    labels(ids, asDrawn = false) {
      const rect = host.getBoundingClientRect();
      const z = cy.zoom();
      const p = cy.pan();
      const page = (b: { x1: number; y1: number; x2: number; y2: number }) => ({
        x1: b.x1 + rect.left,
        y1: b.y1 + rect.top,
        x2: b.x2 + rect.left,
        y2: b.y2 + rect.top,
      });
      return ids.map((id) => {
        if (id.startsWith('wire/') && wireLabel) {
          const bar = cy.getElementById(UNDERLAY_ID);
          const { x, y, w, h } = wireLabel;
          return {
            id,
            drawn: UNDERLAY_ID,
            fontPx: (bar.numericStyle('font-size') as number) * z,
            box: page({
              x1: (x - w / 2) * z + p.x,
              y1: (y - h / 2) * z + p.y,
              x2: (x + w / 2) * z + p.x,
              y2: (y + h / 2) * z + p.y,
            }),
          };
        }
        const drawn = asDrawn ? id : id.startsWith('wire/') ? UNDERLAY_ID : drawnId(id);
        const el = cy.getElementById(drawn);
        if (el.empty() || !el.visible()) return { id, drawn, fontPx: 0, box: null };
        const fontPx = (el.numericStyle('font-size') as number) * z;
        const minShown = el.numericStyle('min-zoomed-font-size') as number;
        const bb = el.renderedBoundingBox({
          includeNodes: false,
          includeEdges: false,
          includeLabels: true,
          includeOverlays: false,
        });
        // a label hidden (too small to draw, or a chip's) reads as 0
        const hidden = fontPx < minShown || (el.numericStyle('text-opacity') as number) === 0;
        return { id, drawn, fontPx: hidden ? 0 : fontPx, box: page(bb) };
      });
    },
    destroy() {
      clearTimeout(settleTimer);
      observer.disconnect();
      tooltip.remove();
      forcedQuery?.removeEventListener('change', followForcedColors);
      contrastQuery?.removeEventListener('change', followForcedColors);
      packets.destroy();
      overview.destroy();
      cy.destroy();
      cyDiv.remove();
    },
  };
}

export type { PacketSprite, Theme, Geometry };
