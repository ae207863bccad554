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
import { CurrentHopClass, OnPathClass, SelectedClass, stylesheet } from './stylesheet';
import type { Theme } from './stylesheet';
import { kernelId, layoutCluster } from './layout';
import type { Box, ClusterLayout } from './layout';
import { FULL_DETAIL, fitView, levelOfDetail, sameDetail } from './levelOfDetail';
import type { LevelOfDetail } from './levelOfDetail';
import { ElementKind, toElements } from './toElements';
import { PALETTES } from './stylesheet';

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
}

export interface CanvasCallbacks {
  onSelect(id: string | null): void;
}

export interface ClusterCanvas {
  update(view: CanvasView): void;
  /** hop geometry for the animation */
  geometry(): Geometry;
  drawPackets(sprites: readonly PacketSprite[]): void;
  /** resolves once Cytoscape has drawn the latest cluster, with the time it did (performance.now()) */
  whenRendered(): Promise<number>;
  fit(): void;
  /** zooms by a factor about the centre of the view */
  zoomBy(factor: number): void;
  /** counts of drawn elements by kind (for tests and measurement) */
  drawnCounts(): Record<string, number>;
  /** centres the view on an element and zooms in enough to read it */
  focus(id: string): void;
  exportPng(): Promise<Blob>;
  /** the Cytoscape core, for measurement (the browser benchmark pans it) */
  core(): Core;
  /** an element's box in page coordinates */
  renderedBox(id: string): { x1: number; y1: number; x2: number; y2: number };
  /** the SVG exporter loads on demand */
  exportSvg(): Promise<string>;
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
  const packets = createPacketLayer(host, cy);
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
  let path = new Set<string>();
  let current: string | null = null;
  let selection: string | null = null;
  let userMoved = false;
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
  cy.on('dragpan scrollzoom pinchzoom', () => {
    userMoved = true;
  });
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
  cy.on('viewport', () => {
    tooltip.style.display = 'none';
    clearTimeout(settleTimer);
    settleTimer = setTimeout(followView, SETTLE_MS);
  });

  // Cytoscape measured the container when it was created: only a real change of size needs a
  // resize (and a refit), not the observer's first report.
  let size = { w: host.clientWidth, h: host.clientHeight };
  const observer = new ResizeObserver(() => {
    if (host.clientWidth === size.w && host.clientHeight === size.h) return;
    size = { w: host.clientWidth, h: host.clientHeight };
    cy.resize();
    if (!userMoved) fitAll();
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

  const zoomTo = (at: { x: number; y: number }, minZoom = 1): void => {
    userMoved = true;
    const zoom = Math.max(cy.zoom(), minZoom);
    cy.animate({ zoom, pan: { x: cy.width() / 2 - at.x * zoom, y: cy.height() / 2 - at.y * zoom } }, { duration: 250 });
  };

  const applyElements = (elements: ElementDefinition[]): void => {
    const next = new Map(elements.map((e) => [e.data.id as string, e]));
    cy.batch(() => {
      // gone, or changed between a summary and a drawing in full (a removed node takes its children)
      cy.elements().forEach((el) => {
        if (el.removed()) return;
        const def = next.get(el.id());
        if (!def || (def.data['lod'] ?? null) !== (el.data('lod') ?? null)) el.remove();
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
      cy.add(toAdd);
    });
  };

  const toggleClasses = (nextPath: Set<string>, nextCurrent: string | null, nextSelection: string | null): void => {
    cy.batch(() => {
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
    toggleClasses(new Set(), null, null);
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
    if (!sameDetail(next, detail)) draw(cluster, next);
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
        cy.style(stylesheet(theme));
        packets.setTheme(theme);
        overview.setTheme(theme);
      }
      asked = { path: view.path, current: view.current, selection: view.selection };
      if (view.cluster !== cluster || view.extras.join() !== extraIds.join()) {
        const first = cluster === null;
        // a new cluster, or outside hosts a trace adds at the edge, are fitted unless the user moved
        const refit = first || !userMoved;
        cluster = view.cluster;
        extraIds = view.extras;
        layout = layoutCluster(view.cluster, view.extras);
        geometry = createGeometry(layout);
        overview.setLayout(layout);
        // the detail for the view the diagram will have: the fitted one, or the user's
        const fit = fitted(layout.bounds);
        draw(
          view.cluster,
          refit ? levelOfDetail(layout, fit.extent, fit.zoom) : levelOfDetail(layout, cy.extent(), cy.zoom()),
        );
        if (refit) fitAll();
        return;
      }
      highlight();
    },
    geometry: () => geometry,
    drawPackets: (sprites) => packets.draw(sprites),
    whenRendered() {
      if (!renderPending) return Promise.resolve(renderedAt);
      return new Promise((resolve) => renderWaiters.push(resolve));
    },
    fit() {
      userMoved = false;
      fitAll();
    },
    zoomBy(factor) {
      userMoved = true;
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
      const box = layout.positions.get(detailedId(id)) ?? layout.positions.get(`dev/${id}/eth0`);
      const el = cy.getElementById(drawnId(id));
      if (box) zoomTo(box);
      else if (!el.empty()) zoomTo(el.position());
    },
    core: () => cy,
    renderedBox(id) {
      const bb = cy.getElementById(drawnId(id)).renderedBoundingBox({ includeLabels: false });
      const rect = host.getBoundingClientRect();
      return { x1: bb.x1 + rect.left, y1: bb.y1 + rect.top, x2: bb.x2 + rect.left, y2: bb.y2 + rect.top };
    },
    exportPng() {
      return cy.png({ output: 'blob-promise', full: true, scale: 2, bg: PALETTES[theme].nodeFill });
    },
    async exportSvg() {
      const { exportSvg } = await import('./exportSvg');
      return exportSvg(cy, PALETTES[theme].nodeFill);
    },
    destroy() {
      clearTimeout(settleTimer);
      observer.disconnect();
      tooltip.remove();
      packets.destroy();
      overview.destroy();
      cy.destroy();
      cyDiv.remove();
    },
  };
}

export type { PacketSprite, Theme, Geometry };
