import { describe, expect, it } from 'vitest';
import { MAX_PNG_PIXELS, MAX_PNG_SIDE, PNG_SCALE, planPng } from './exportPng';

describe('the PNG export of a large diagram', () => {
  it('draws a small diagram at full scale, saying nothing', () => {
    expect(planPng(1200, 800)).toEqual({ ok: true, scale: PNG_SCALE, note: null });
  });

  it('reduces the scale to what a canvas holds, and says so', () => {
    // a 10,000-pod cluster laid out is tens of thousands of units wide
    const plan = planPng(60_000, 9_000);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(60_000 * plan.scale).toBeLessThanOrEqual(MAX_PNG_SIDE);
    expect(60_000 * plan.scale * 9_000 * plan.scale).toBeLessThanOrEqual(MAX_PNG_PIXELS);
    expect(plan.note).toMatch(/120,000 × 18,000 pixels at full size.*saved at 13% of that size/);
  });

  it('refuses a diagram whose text would be unreadable, pointing to the SVG export', () => {
    expect(planPng(400_000, 200_000)).toEqual({
      ok: false,
      message:
        'The diagram is too large for a PNG (800,000 × 400,000 pixels at full size, more than a browser can draw); export it as SVG instead.',
    });
  });
});
