import { describe, expect, it } from 'vitest';
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
  return { calls, renderer, cy: { renderer: () => renderer } as unknown as Core };
}

describe('drawFirstFrameDirectly', () => {
  it('draws the first frame with elements straight onto the canvas, and every later one through the caches', () => {
    const { calls, renderer, cy } = fakeRenderer();
    drawFirstFrameDirectly(cy);
    renderer.drawLayeredElements(null, []);
    renderer.drawLayeredElements(null, [1, 2, 3]);
    renderer.drawLayeredElements(null, [1, 2, 3]);
    renderer.drawLayeredElements(null, [1, 2]);
    expect(calls).toEqual(['direct 0', 'direct 3', 'cached 3', 'cached 2']);
  });

  it('changes nothing when the renderer lacks the methods it relies on', () => {
    const original = (): void => undefined;
    const only = { drawLayeredElements: original };
    drawFirstFrameDirectly({ renderer: () => only } as unknown as Core);
    expect(only.drawLayeredElements).toBe(original);
    expect(() => drawFirstFrameDirectly({ renderer: () => undefined } as unknown as Core)).not.toThrow();
  });
});
