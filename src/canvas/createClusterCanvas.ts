/**
 * The Cytoscape adapter: the only place that talks to Cytoscape. Plain TypeScript with
 * create / update / destroy; it owns its container's contents (Cytoscape's div and the packet
 * overlay), receives data through `update(view)` and reports through callbacks.
 */
import cytoscape from 'cytoscape';
import type { Core, ElementDefinition } from 'cytoscape';
import type { Cluster } from '../sim';
import { createGeometry } from './geometry';
import type { Geometry } from './geometry';
import { createPacketLayer } from './packetLayer';
import { createOverview } from './overview';
import type { PacketSprite } from './packetLayer';
import { CurrentHopClass, OnPathClass, SelectedClass, stylesheet } from './stylesheet';
import type { Theme } from './stylesheet';
import { kernelId } from './layout';
import { toElements } from './toElements';
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
  /** resolves once Cytoscape has drawn the latest cluster */
  whenRendered(): Promise<void>;
  fit(): void;
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

/** Where a hop id is drawn: `node/<n>` hops happen at the node's routing point. */
function drawnId(id: string): string {
  return id.startsWith('node/') ? kernelId(id.slice(5)) : id;
}

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
    minZoom: 0.05,
    maxZoom: 4,
  });
  const packets = createPacketLayer(host, cy);
  const overview = createOverview(host, cy);
  let cluster: Cluster | null = null;
  let extras = '';
  let geometry: Geometry = createGeometry({ positions: new Map(), nodeBoxes: new Map(), nodeRow: new Map(), compactPods: new Set(), bounds: { x: 0, y: 0, w: 0, h: 0 } });
  let theme: Theme = 'light';
  let path = new Set<string>();
  let current: string | null = null;
  let selection: string | null = null;
  let userMoved = false;
  let renderWaiters: (() => void)[] = [];
  let renderPending = false;

  cy.on('tap', (event) => {
    const target = event.target as Core | cytoscape.SingularElementReturnValue;
    if (target === cy) callbacks.onSelect(null);
    else if ((target as cytoscape.SingularElementReturnValue).isNode()) {
      callbacks.onSelect((target as cytoscape.SingularElementReturnValue).id());
    }
  });
  cy.on('render', () => {
    if (!renderPending) return;
    renderPending = false;
    const waiters = renderWaiters;
    renderWaiters = [];
    for (const resolve of waiters) resolve();
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
  cy.on('viewport', () => {
    tooltip.style.display = 'none';
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

  const fitAll = (): void => {
    cy.fit(undefined, 24);
  };

  const applyElements = (elements: ElementDefinition[]): void => {
    const next = new Map(elements.map((e) => [e.data.id as string, e]));
    cy.batch(() => {
      cy.elements().forEach((el) => {
        if (!next.has(el.id())) el.remove();
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
      if (!id.startsWith('wire/')) continue;
      const [, a, b] = id.split('/');
      for (const n of [a, b]) {
        const link = `link/dev/${n ?? ''}/eth0--underlay`;
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
      if (view.cluster !== cluster || view.extras.join() !== extras) {
        const first = cluster === null;
        const sameCluster = view.cluster === cluster;
        cluster = view.cluster;
        extras = view.extras.join();
        const { elements, layout } = toElements(view.cluster, view.extras);
        geometry = createGeometry(layout);
        overview.setLayout(layout);
        renderPending = true;
        // Large diagrams pan and zoom as a cached texture while the user drags, and are redrawn
        // sharp when they let go: per-frame redraws of thousands of boxes cannot keep 60 fps.
        const large = elements.length > LARGE_DIAGRAM;
        (cy as unknown as { renderer(): { textureOnViewport: boolean } }).renderer().textureOnViewport = large;
        applyElements(elements);
        if (first || (!userMoved && !sameCluster)) fitAll();
      }
      toggleClasses(pathWithEdges(view.path), view.current ? drawnId(view.current) : null, view.selection);
    },
    geometry: () => geometry,
    drawPackets: (sprites) => packets.draw(sprites),
    whenRendered() {
      if (!renderPending) return Promise.resolve();
      return new Promise((resolve) => renderWaiters.push(resolve));
    },
    fit() {
      userMoved = false;
      fitAll();
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
      const el = cy.getElementById(drawnId(id));
      if (el.empty()) return;
      userMoved = true;
      cy.animate({ center: { eles: el }, zoom: Math.max(cy.zoom(), 1) }, { duration: 250 });
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
