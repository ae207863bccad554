import { describe, expect, it, vi } from 'vitest';
import type { Core } from 'cytoscape';
import { drawFirstFrameDirectly } from './firstFrame';

/** A stand-in for Cytoscape's canvas renderer that records how each frame drew its elements. */
function fakeRenderer() {
  const calls: string[] = [];
  const renderer = {
    drawLayeredElements(_context: unknown, elements: unknown[]) {
      calls.push(`cached ${elements.length}`);
    },
    drawElements(_context: unknown, elements: unknown[]) {
      calls.push(`direct ${elements.length}`);
    },
  };
  const cy = {
    renderer: () => renderer,
    destroyed: () => false,
    forceRender: () => calls.push('redraw'),
  } as unknown as Core;
  return { calls, renderer, cy };
}

describe('drawFirstFrameDirectly', () => {
  it('draws the first frame with elements straight onto the canvas, and every later one through the caches', () => {
    vi.useFakeTimers();
    const { calls, renderer, cy } = fakeRenderer();
    drawFirstFrameDirectly(cy);
    renderer.drawLayeredElements(null, []);
    renderer.drawLayeredElements(null, [1, 2, 3]);
    expect(calls).toEqual(['direct 0', 'direct 3']);
    // a frame is asked for at once, to build the caches before the user pans
    vi.runAllTimers();
    vi.useRealTimers();
    renderer.drawLayeredElements(null, [1, 2, 3]);
    renderer.drawLayeredElements(null, [1, 2]);
    expect(calls).toEqual(['direct 0', 'direct 3', 'redraw', 'cached 3', 'cached 2']);
  });

  it('changes nothing when the renderer lacks the methods it relies on', () => {
    const original = (): void => undefined;
    const only = { drawLayeredElements: original };
    drawFirstFrameDirectly({ renderer: () => only } as unknown as Core);
    expect(only.drawLayeredElements).toBe(original);
    expect(() => drawFirstFrameDirectly({ renderer: () => undefined } as unknown as Core)).not.toThrow();
  });
});
