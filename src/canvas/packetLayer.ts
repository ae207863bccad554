/**
 * Packets on a transparent overlay canvas above Cytoscape, kept in step with pan and zoom. Moving a
 * Cytoscape element redraws the whole graph; this layer redraws only itself, so packets stay smooth
 * on large clusters. It ignores the pointer.
 */
import type { Core } from 'cytoscape';
import type { Theme } from './stylesheet';

export interface PacketSprite {
  /** model coordinates (the diagram's own, before pan and zoom) */
  x: number;
  y: number;
  /** lines of the label drawn beside the packet: the inner header first */
  label: string[];
  /** an outer (tunnel) header drawn as a second box wrapped around the first */
  outer?: string | undefined;
  tone: 'request' | 'reply' | 'dns' | 'drop';
}

export interface PacketLayer {
  draw(sprites: readonly PacketSprite[]): void;
  setTheme(theme: Theme): void;
  destroy(): void;
}

const TONES: Record<PacketSprite['tone'], string> = {
  request: '#ea580c',
  reply: '#2563eb',
  dns: '#9333ea',
  drop: '#dc2626',
};

export function createPacketLayer(host: HTMLElement, cy: Core): PacketLayer {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('aria-hidden', 'true');
  canvas.dataset['testid'] = 'canvas.packets';
  Object.assign(canvas.style, { position: 'absolute', inset: '0', pointerEvents: 'none', zIndex: '2' });
  host.appendChild(canvas);
  const ctx = canvas.getContext('2d');
  let sprites: readonly PacketSprite[] = [];
  let theme: Theme = 'light';
  // whether the canvas holds anything: an empty layer is not sized, cleared or redrawn at all, so
  // that the first frame and every pan without packets cost nothing here
  let drawn = false;

  const size = (): void => {
    const dpr = window.devicePixelRatio || 1;
    const w = host.clientWidth;
    const h = host.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
    }
  };

  const render = (): void => {
    if (!ctx || (!drawn && sprites.length === 0)) return;
    drawn = sprites.length > 0;
    size();
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const zoom = cy.zoom();
    const pan = cy.pan();
    for (const s of sprites) {
      const x = s.x * zoom + pan.x;
      const y = s.y * zoom + pan.y;
      drawSprite(ctx, s, x, y, theme);
    }
  };

  const onViewport = (): void => render();
  cy.on('viewport resize', onViewport);
  const observer = new ResizeObserver(() => render());
  observer.observe(host);

  return {
    draw(next) {
      sprites = next;
      render();
    },
    setTheme(next) {
      theme = next;
      render();
    },
    destroy() {
      cy.off('viewport resize', onViewport);
      observer.disconnect();
      canvas.remove();
    },
  };
}

function drawSprite(ctx: CanvasRenderingContext2D, s: PacketSprite, x: number, y: number, theme: Theme): void {
  const color = TONES[s.tone];
  ctx.save();
  // the packet itself
  ctx.beginPath();
  ctx.arc(x, y, s.label.length === 0 ? 6 : 9, 0, Math.PI * 2);
  ctx.fillStyle = color;
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.strokeStyle = theme === 'dark' ? '#0f172a' : '#ffffff';
  ctx.stroke();
  // its headers, in a label box that wraps an outer header when the packet is encapsulated (a
  // burst of many packets draws them as dots, without labels)
  if (s.label.length === 0) {
    ctx.restore();
    return;
  }
  ctx.font = '600 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
  const lines = s.label;
  const lineH = 17;
  const innerW = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 14;
  const innerH = lines.length * lineH + 8;
  const outerH = s.outer ? lineH + 10 : 0;
  const outerW = s.outer ? Math.max(innerW + 12, ctx.measureText(s.outer).width + 14) : innerW;
  // beside the packet, flipped to stay inside the canvas near its right and top edges
  const canvasW = ctx.canvas.width / (window.devicePixelRatio || 1);
  const boxW = s.outer ? outerW : innerW;
  const bx = x + 14 + boxW > canvasW - 4 ? Math.max(4, x - 14 - boxW) : x + 14;
  const by = Math.max(4, y - (innerH + outerH) - 8);
  if (s.outer) {
    roundRect(ctx, bx, by, outerW, innerH + outerH + 6, 6);
    ctx.fillStyle = theme === 'dark' ? '#164e63' : '#cffafe';
    ctx.fill();
    ctx.strokeStyle = '#0891b2';
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.fillStyle = theme === 'dark' ? '#e0f2fe' : '#0e7490';
    ctx.fillText(s.outer, bx + 7, by + lineH);
  }
  const ix = s.outer ? bx + 6 : bx;
  const iy = by + outerH;
  roundRect(ctx, ix, iy, innerW, innerH, 6);
  ctx.fillStyle = theme === 'dark' ? '#1e293b' : '#ffffff';
  ctx.fill();
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.stroke();
  ctx.fillStyle = theme === 'dark' ? '#f8fafc' : '#0f172a';
  lines.forEach((line, i) => ctx.fillText(line, ix + 7, iy + 4 + (i + 1) * lineH - 4));
  ctx.restore();
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}
