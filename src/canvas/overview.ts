/**
 * An overview of a large diagram: every node box in miniature, the Service rows above them, the
 * Internet and load balancers at the edge, and the part of the diagram on screen, in a corner.
 * Clicking or dragging in it moves the view. Drawn from the computed layout (a few hundred
 * rectangles), never from Cytoscape's elements, so it costs nothing per frame.
 */
import type { Core } from 'cytoscape';
import { INTERNET_ID } from '../sim';
import { LOAD_BALANCERS_ID } from './layout';
import type { Box, ClusterLayout } from './layout';
import type { Theme } from './stylesheet';

export interface Overview {
  setLayout(layout: ClusterLayout): void;
  setTheme(theme: Theme): void;
  destroy(): void;
}

const WIDTH = 200;
const HEIGHT = 130;
/** Shown only when the diagram is larger than this many nodes: small clusters fit the screen. */
const MIN_NODES = 9;

export function createOverview(host: HTMLElement, cy: Core): Overview {
  const canvas = document.createElement('canvas');
  canvas.dataset['testid'] = 'canvas.overview';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'Overview of the whole cluster; click to move the view there');
  const dpr = window.devicePixelRatio || 1;
  canvas.width = WIDTH * dpr;
  canvas.height = HEIGHT * dpr;
  Object.assign(canvas.style, {
    position: 'absolute',
    right: '8px',
    bottom: '8px',
    width: `${WIDTH}px`,
    height: `${HEIGHT}px`,
    zIndex: '4',
    border: '1px solid #94a3b8',
    borderRadius: '4px',
    cursor: 'pointer',
    display: 'none',
  });
  host.appendChild(canvas);
  const ctx = canvas.getContext('2d');
  let layout: ClusterLayout | null = null;
  /** the edge's boxes (Internet, load balancers, outside hosts), found once per layout */
  let edge: { box: Box; round: boolean }[] = [];
  let theme: Theme = 'light';
  let scale = 1;
  let ox = 0;
  let oy = 0;

  const draw = (): void => {
    if (!ctx || !layout || canvas.style.display === 'none') return;
    const b = layout.bounds;
    scale = Math.min(WIDTH / b.w, HEIGHT / b.h) * 0.95;
    ox = (WIDTH - b.w * scale) / 2 - b.x * scale;
    oy = (HEIGHT - b.h * scale) / 2 - b.y * scale;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = theme === 'dark' ? '#0f172aee' : '#ffffffee';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = theme === 'dark' ? '#334155' : '#cbd5e1';
    // in whole device pixels, so that a box thinner than a pixel is still drawn in its colour
    const snap = (v: number): number => Math.round(v * dpr) / dpr;
    const rect = (x: number, y: number, w: number, h: number): [number, number, number, number] => [
      snap(x),
      snap(y),
      Math.max(snap(w), 1 / dpr),
      Math.max(snap(h), 1 / dpr),
    ];
    for (const box of layout.nodeBoxes.values())
      ctx.fillRect(...rect(ox + box.x * scale, oy + box.y * scale, box.w * scale, box.h * scale));
    // the boxes below are centred on (x, y)
    const centred = (box: Box) =>
      rect(ox + (box.x - box.w / 2) * scale, oy + (box.y - box.h / 2) * scale, box.w * scale, box.h * scale);
    ctx.fillStyle = theme === 'dark' ? '#581c87' : '#e9d5ff';
    for (const row of layout.serviceRows) ctx.fillRect(...centred(row.box));
    ctx.fillStyle = theme === 'dark' ? '#0c4a6e' : '#bae6fd';
    for (const { box, round } of edge) {
      const [x, y, w, h] = centred(box);
      if (!round) ctx.fillRect(x, y, w, h);
      else {
        ctx.beginPath();
        ctx.ellipse(x + w / 2, y + h / 2, w / 2, h / 2, 0, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    // the part of the diagram on screen
    const ext = cy.extent();
    ctx.strokeStyle = '#ea580c';
    ctx.lineWidth = 1.5;
    ctx.strokeRect(ox + ext.x1 * scale, oy + ext.y1 * scale, ext.w * scale, ext.h * scale);
  };

  const moveTo = (event: PointerEvent): void => {
    const rect = canvas.getBoundingClientRect();
    const mx = (event.clientX - rect.left - ox) / scale;
    const my = (event.clientY - rect.top - oy) / scale;
    cy.center();
    const ext = cy.extent();
    cy.panBy({ x: ((ext.x1 + ext.x2) / 2 - mx) * cy.zoom(), y: ((ext.y1 + ext.y2) / 2 - my) * cy.zoom() });
  };
  let dragging = false;
  canvas.addEventListener('pointerdown', (e) => {
    dragging = true;
    canvas.setPointerCapture(e.pointerId);
    moveTo(e);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (dragging) moveTo(e);
  });
  canvas.addEventListener('pointerup', () => {
    dragging = false;
  });
  cy.on('viewport resize', draw);

  return {
    setLayout(next) {
      layout = next;
      edge = [];
      for (const [id, box] of next.positions) {
        if (id === INTERNET_ID || id.startsWith('lb/') || id === LOAD_BALANCERS_ID || id.startsWith('ext/'))
          edge.push({ box, round: id === INTERNET_ID });
      }
      canvas.style.display = next.nodeBoxes.size >= MIN_NODES ? 'block' : 'none';
      draw();
    },
    setTheme(next) {
      theme = next;
      draw();
    },
    destroy() {
      cy.off('viewport resize', draw);
      canvas.remove();
    },
  };
}
