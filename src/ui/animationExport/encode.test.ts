import { describe, expect, it } from 'vitest';
import { bitrateFor, gifDelays } from './encode';
import { MAX_SIDE, pixelSize } from './frames';

describe('animation export sizes and timing', () => {
  it('keeps GIF delays on the video clock', () => {
    expect(gifDelays(30, 10)).toEqual(Array(30).fill(10));
    const at15 = gifDelays(15, 15);
    // hundredths of a second: 15 frames at 15 fps last exactly one second
    expect(at15.reduce((a, b) => a + b, 0)).toBe(100);
    expect(new Set(at15)).toEqual(new Set([6, 7]));
    expect(gifDelays(24, 24).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('gives even pixel sizes at the chosen width, never past the largest side', () => {
    expect(pixelSize(1000, 500, 960)).toEqual({ width: 960, height: 480 });
    const odd = pixelSize(1001, 333, 641);
    expect(odd.width % 2).toBe(0);
    expect(odd.height % 2).toBe(0);
    // a tall diagram is limited by its height
    const tall = pixelSize(500, 5000, 1280);
    expect(tall.height).toBeLessThanOrEqual(MAX_SIDE);
    expect(tall.width).toBe(192);
  });

  it('asks a bitrate that grows with the picture, within bounds', () => {
    expect(bitrateFor(640, 360, 10)).toBeGreaterThan(500_000);
    expect(bitrateFor(1280, 720, 30)).toBe(8_000_000);
    expect(bitrateFor(100, 100, 1)).toBe(500_000);
  });
});
