/**
 * The one stylesheet of the diagram. Visual state is driven by element data and by the class names
 * exported here (never inline styles), in the Kiali GraphStyles manner.
 */
import type { StylesheetJson } from 'cytoscape';
import { ElementKind } from './toElements';
import { SIZES } from './layout';
import { GATEWAY_FONT } from './gatewayDrawing';

export const OnPathClass = 'on-path';
export const CurrentHopClass = 'current-hop';
export const SelectedClass = 'selected-el';
/** A veth or a pod's lo off a packet's path, drawn as a small chip without its name. */
export const ChipClass = 'chip';
const CHIP = { w: 22, h: 10 };
export const KeyboardFocusClass = 'keyboard-focus';

export type Theme = 'light' | 'dark';

export interface Palette {
  text: string;
  muted: string;
  nodeFill: string;
  nodeBorder: string;
  podFill: string;
  systemPodFill: string;
  podBorder: string;
  container: string;
  containerBorder: string;
  eth: string;
  ethBorder: string;
  veth: string;
  vethBorder: string;
  bridge: string;
  bridgeBorder: string;
  kernel: string;
  kernelBorder: string;
  root: string;
  rootBorder: string;
  underlay: string;
  service: string;
  serviceBorder: string;
  link: string;
  path: string;
  policy: string;
  policyBorder: string;
  gateway: string;
  gatewayBorder: string;
  /** the keyboard focus ring (the page's focus colour) */
  focus: string;
  internet: string;
}

export const PALETTES: Record<Theme, Palette> = {
  light: {
    text: '#0f172a',
    muted: '#475569',
    nodeFill: '#f8fafc',
    nodeBorder: '#64748b',
    podFill: '#e0f2fe',
    systemPodFill: '#f1f5f9',
    podBorder: '#0369a1',
    container: '#ffffff',
    containerBorder: '#0284c7',
    eth: '#fef3c7',
    ethBorder: '#b45309',
    veth: '#fef9c3',
    vethBorder: '#a16207',
    bridge: '#dcfce7',
    bridgeBorder: '#15803d',
    kernel: '#ede9fe',
    kernelBorder: '#6d28d9',
    root: '#ffedd5',
    rootBorder: '#c2410c',
    underlay: '#334155',
    service: '#faf5ff',
    serviceBorder: '#7e22ce',
    link: '#94a3b8',
    path: '#ea580c',
    policy: '#fee2e2',
    policyBorder: '#b91c1c',
    gateway: '#ecfeff',
    gatewayBorder: '#0e7490',
    focus: '#1d4ed8',
    internet: '#e0f2fe',
  },
  dark: {
    text: '#e2e8f0',
    muted: '#94a3b8',
    nodeFill: '#0f172a',
    nodeBorder: '#64748b',
    podFill: '#0c4a6e',
    systemPodFill: '#1e293b',
    podBorder: '#38bdf8',
    container: '#082f49',
    containerBorder: '#7dd3fc',
    eth: '#422006',
    ethBorder: '#fbbf24',
    veth: '#3f3f1a',
    vethBorder: '#facc15',
    bridge: '#052e16',
    bridgeBorder: '#4ade80',
    kernel: '#2e1065',
    kernelBorder: '#a78bfa',
    root: '#431407',
    rootBorder: '#fb923c',
    underlay: '#94a3b8',
    service: '#2e1065',
    serviceBorder: '#c084fc',
    link: '#64748b',
    path: '#fb923c',
    policy: '#450a0a',
    policyBorder: '#f87171',
    gateway: '#083344',
    gatewayBorder: '#22d3ee',
    focus: '#7dd3fc',
    internet: '#1e3a5f',
  },
};

/**
 * The palette in forced colours: every fill the system's background, every line and word its text
 * colour, the packet's path and the keyboard focus its highlight, Services and policies its link
 * colour. Kinds stay apart by shape and line style (dashed, double, octagon), not by hue.
 */
export function forcedPalette(system: (name: string) => string): Palette {
  const canvas = system('Canvas');
  const text = system('CanvasText');
  const highlight = system('Highlight');
  const link = system('LinkText');
  return {
    text,
    muted: text,
    nodeFill: canvas,
    nodeBorder: text,
    podFill: canvas,
    systemPodFill: canvas,
    podBorder: text,
    container: canvas,
    containerBorder: text,
    eth: canvas,
    ethBorder: text,
    veth: canvas,
    vethBorder: text,
    bridge: canvas,
    bridgeBorder: text,
    kernel: canvas,
    kernelBorder: text,
    root: canvas,
    rootBorder: text,
    underlay: text,
    service: canvas,
    serviceBorder: link,
    link: text,
    path: highlight,
    policy: canvas,
    policyBorder: link,
    gateway: canvas,
    gatewayBorder: link,
    focus: highlight,
    internet: canvas,
  };
}

/**
 * The palette for `prefers-contrast: more`: the theme's hues kept (a pod is still blue, a bridge
 * green) but every line and word darker in light and lighter in dark, text black or white.
 */
export function contrastPalette(theme: Theme): Palette {
  const base = PALETTES[theme];
  if (theme === 'dark')
    return {
      ...base,
      text: '#ffffff',
      muted: '#e2e8f0',
      nodeBorder: '#cbd5e1',
      podBorder: '#7dd3fc',
      containerBorder: '#bae6fd',
      ethBorder: '#fde68a',
      vethBorder: '#fef08a',
      bridgeBorder: '#86efac',
      kernelBorder: '#c4b5fd',
      rootBorder: '#fdba74',
      underlay: '#cbd5e1',
      serviceBorder: '#d8b4fe',
      link: '#cbd5e1',
      path: '#fdba74',
      policyBorder: '#fca5a5',
      focus: '#bae6fd',
    };
  return {
    ...base,
    text: '#000000',
    muted: '#1e293b',
    nodeBorder: '#1e293b',
    podBorder: '#075985',
    containerBorder: '#075985',
    ethBorder: '#78350f',
    vethBorder: '#713f12',
    bridgeBorder: '#14532d',
    kernelBorder: '#4c1d95',
    rootBorder: '#7c2d12',
    underlay: '#0f172a',
    serviceBorder: '#581c87',
    link: '#334155',
    path: '#c2410c',
    policyBorder: '#7f1d1d',
    focus: '#1e3a8a',
  };
}

export interface StyleOptions {
  /** `prefers-contrast: more`: thicker borders and edges (with `contrastPalette`) */
  strong?: boolean;
}

/** The rules added in `strong` mode, after the others so that they win: every line thicker. */
function strongRules(): StylesheetJson {
  return [
    { selector: 'node', style: { 'border-width': 2.5 } },
    { selector: `node.${ElementKind.node}`, style: { 'border-width': 3 } },
    { selector: `node.${ElementKind.underlay}`, style: { 'border-width': 0 } },
    { selector: `node.${ChipClass}`, style: { 'border-width': 2 } },
    { selector: 'node.pod.isolated', style: { 'border-width': 5 } },
    { selector: `edge.${ElementKind.link}`, style: { width: 3 } },
    { selector: `.${OnPathClass}`, style: { 'border-width': 4 } },
    { selector: `edge.${OnPathClass}`, style: { width: 6 } },
    { selector: `node.${CurrentHopClass}`, style: { 'border-width': 5, 'underlay-opacity': 0.35 } },
  ] as StylesheetJson;
}

const FONT = 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

export function stylesheet(
  theme: Theme,
  p: Palette = PALETTES[theme],
  { strong = false }: StyleOptions = {},
): StylesheetJson {
  const box = (fill: string, border: string, fontSize: number | string, extra: Record<string, unknown> = {}) => ({
    shape: 'round-rectangle',
    width: 'data(w)',
    height: 'data(h)',
    'background-color': fill,
    'border-color': border,
    'border-width': 1.5,
    label: 'data(label)',
    color: p.text,
    'font-size': fontSize,
    'font-family': MONO,
    'text-valign': 'center',
    'text-halign': 'center',
    'text-wrap': 'wrap',
    'text-max-width': '400px',
    // level of detail: labels too small to read on screen are not drawn at all
    'min-zoomed-font-size': 5,
    ...extra,
  });
  return [
    {
      selector: `node.${ElementKind.node}`,
      style: {
        shape: 'round-rectangle',
        'background-color': p.nodeFill,
        'border-color': p.nodeBorder,
        'border-width': 2,
        padding: '16px',
        label: 'data(label)',
        'font-family': FONT,
        'font-size': 17,
        'font-weight': 'bold',
        color: p.text,
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -6,
        'corner-radius': 10,
      },
    },
    {
      // level of detail: a node zoomed out is one box with its name and what it holds, in a font
      // sized to be read at that zoom
      selector: `node.${ElementKind.node}.summary`,
      style: {
        width: 'data(w)',
        height: 'data(h)',
        'font-size': 'data(fs)',
        'text-valign': 'center',
        'text-wrap': 'wrap',
        'text-max-width': 'data(w)',
        'text-margin-y': 0,
        color: p.muted,
        'background-color': p.podFill,
        'background-opacity': 0.35,
      },
    },
    {
      selector: `node.${ElementKind.serviceGroup}`,
      style: box(p.service, p.serviceBorder, 12, {
        'font-size': 'data(fs)',
        'font-family': FONT,
        'border-style': 'dashed',
        'border-width': 2,
        'corner-radius': 16,
        color: p.muted,
        'text-max-width': 'data(w)',
      }),
    },
    {
      selector: `node.${ElementKind.pod}`,
      style: {
        shape: 'round-rectangle',
        'background-color': p.podFill,
        'border-color': p.podBorder,
        'border-width': 1.5,
        padding: '8px',
        label: 'data(label)',
        'font-family': FONT,
        'font-size': SIZES.podFont,
        // names wrap only where the layout broke them, which is where it made room for two lines
        'text-wrap': 'wrap',
        'text-max-width': '2000px',
        'line-height': SIZES.podLine / SIZES.podFont,
        'font-weight': 'bold',
        color: p.text,
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -3,
      },
    },
    {
      selector: 'node.pod.tile',
      style: {
        width: 'data(w)',
        height: 'data(h)',
        'font-size': 11,
        'font-weight': 'normal',
        'font-family': MONO,
        'text-valign': 'center',
        'text-wrap': 'wrap',
        'text-margin-y': 0,
      },
    },
    { selector: 'node.pod.ns-system', style: { 'background-color': p.systemPodFill, 'border-style': 'dashed' } },
    {
      selector: 'node.pod.host-network',
      style: { 'border-color': p.rootBorder, 'border-style': 'dashed', 'border-width': 2 },
    },
    { selector: 'node.pod.not-ready', style: { 'border-color': '#dc2626', 'border-style': 'dotted' } },
    // isolated by a NetworkPolicy: a double border in the policy's colour
    {
      selector: 'node.pod.isolated',
      style: { 'border-color': p.policyBorder, 'border-style': 'double', 'border-width': 4 },
    },
    {
      selector: `node.${ElementKind.policy}`,
      style: box(p.policy, p.policyBorder, 12, { shape: 'round-octagon', 'font-family': FONT, 'border-width': 2 }),
    },
    { selector: `node.${ElementKind.policy}[!enforced]`, style: { 'border-style': 'dashed', color: p.muted } },
    {
      // a Gateway: a solid box with its listeners, one a line, left-aligned as a listing
      selector: `node.${ElementKind.gateway}`,
      style: box(p.gateway, p.gatewayBorder, GATEWAY_FONT, {
        'border-width': 2.5,
        'text-justification': 'left',
        'text-max-width': 'data(w)',
        'line-height': 1.25,
      }),
    },
    {
      // an HTTPRoute: a thinner box of the same colour, its rules one a line
      selector: `node.${ElementKind.httpRoute}`,
      style: box(p.service, p.gatewayBorder, GATEWAY_FONT, {
        'text-justification': 'left',
        'text-max-width': 'data(w)',
        'line-height': 1.25,
      }),
    },
    // not accepted or not programmed: dashed and muted, as a policy nothing enforces
    {
      selector: `node.${ElementKind.gateway}[!ok], node.${ElementKind.httpRoute}[!ok]`,
      style: { 'border-style': 'dashed', color: p.muted },
    },
    {
      selector: `node.${ElementKind.container}`,
      style: box(p.container, p.containerBorder, 12, { 'font-family': FONT }),
    },
    { selector: `node.${ElementKind.podDevice}`, style: box(p.eth, p.ethBorder, 11) },
    { selector: `node.${ElementKind.veth}`, style: box(p.veth, p.vethBorder, 11) },
    { selector: `node.${ElementKind.bridge}`, style: box(p.bridge, p.bridgeBorder, 13, { 'font-weight': 'bold' }) },
    { selector: `node.${ElementKind.kernel}`, style: box(p.kernel, p.kernelBorder, 12, { 'font-family': FONT }) },
    { selector: `node.${ElementKind.rootDevice}`, style: box(p.root, p.rootBorder, 12) },
    {
      selector: `node.${ElementKind.underlay}`,
      style: {
        shape: 'rectangle',
        width: 'data(w)',
        height: 'data(h)',
        'background-color': p.underlay,
        'border-width': 0,
        label: 'data(label)',
        color: p.muted,
        'font-family': MONO,
        'font-size': 13,
        'text-valign': 'bottom',
        'text-margin-y': 6,
        // zoomed out its label is a smear under the bar: dropped, the tooltip still says it
        'min-zoomed-font-size': 5,
      },
    },
    {
      selector: `node.${ElementKind.service}`,
      style: box(p.service, p.serviceBorder, 12, { 'border-style': 'dashed', 'border-width': 2, 'corner-radius': 16 }),
    },
    {
      selector: `node.${ElementKind.internet}`,
      // the edge's fonts grow with it on large diagrams (layout.edgeScale, toElements)
      style: box(p.internet, p.podBorder, 'data(fs)', {
        shape: 'ellipse',
        'font-family': FONT,
        'font-weight': 'bold',
      }),
    },
    {
      selector: `node.${ElementKind.loadBalancer}`,
      style: box(p.service, p.serviceBorder, 'data(fs)', {
        shape: 'hexagon',
        'font-family': FONT,
        'text-max-width': 'data(w)',
      }),
    },
    {
      selector: `node.${ElementKind.external}`,
      style: box(p.container, p.nodeBorder, 'data(fs)', { 'font-family': FONT, 'text-max-width': 'data(w)' }),
    },
    {
      selector: `node.${ElementKind.nodePort}`,
      style: box(p.service, p.serviceBorder, 11, { 'border-style': 'dashed' }),
    },
    {
      selector: `edge.${ElementKind.link}`,
      style: { width: 2, 'line-color': p.link, 'curve-style': 'straight', events: 'no' },
    },
    { selector: 'edge.gateway-link', style: { 'line-color': p.gatewayBorder, width: 1.5 } },
    { selector: 'edge.gateway-link.broken', style: { 'line-style': 'dashed', 'line-color': p.muted } },
    {
      selector: 'edge[bar = "target"]',
      style: { 'target-endpoint': (ele: { data: (k: string) => string }) => ele.data('barEndpoint') },
    },
    {
      selector: 'edge[bar = "source"]',
      style: { 'source-endpoint': (ele: { data: (k: string) => string }) => ele.data('barEndpoint') },
    },
    {
      selector: `node.${ChipClass}`,
      style: {
        width: CHIP.w,
        height: CHIP.h,
        'text-opacity': 0,
        'border-width': 1,
      },
    },
    { selector: `.${OnPathClass}`, style: { 'border-color': p.path, 'border-width': 3, 'line-color': p.path } },
    { selector: `edge.${OnPathClass}`, style: { width: 4 } },
    {
      selector: `node.${CurrentHopClass}`,
      style: {
        'border-color': p.path,
        'border-width': 4,
        'underlay-color': p.path,
        'underlay-opacity': 0.25,
        'underlay-padding': 6,
      },
    },
    {
      // the camera's frame: labels on the path grown to be read at the frame's zoom, on a plate so
      // that a label wider than its box stays legible over its neighbours
      selector: 'node[rfs]',
      style: {
        'font-size': 'data(rfs)',
        'text-max-width': 'data(rmw)',
        'text-background-color': p.nodeFill,
        'text-background-opacity': 0.88,
        'text-background-padding': '2px',
        'text-background-shape': 'roundrectangle',
        'z-index': 10,
      },
    },
    // the node network's label moves under the stretch of wire the camera frames
    { selector: 'node[lx]', style: { 'text-margin-x': 'data(lx)' } },
    // a grown label moved off a framed neighbour's (createClusterCanvas, separateLabels)
    { selector: 'node[lmy]', style: { 'text-margin-y': 'data(lmy)' } },
    {
      selector: `node.${SelectedClass}`,
      style: { 'overlay-color': '#2563eb', 'overlay-opacity': 0.12, 'overlay-padding': 4 },
    },
    { selector: 'node:active', style: { 'overlay-opacity': 0 } },
    {
      // the diagram's keyboard focus: a thick outline, as the page's own focus rings are
      selector: `node.${KeyboardFocusClass}`,
      style: { 'outline-width': 4, 'outline-color': p.focus, 'outline-offset': 3, 'outline-opacity': 1 },
    },
    ...(strong ? strongRules() : []),
  ] as StylesheetJson;
}
