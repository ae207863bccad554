import { describe, expect, it } from 'vitest';
import { packetDash, packetOutline, packetPath, packetShape } from './packetShape';
import type { PacketTone } from './packetShape';

const TONES: PacketTone[] = ['request', 'reply', 'dns', 'drop'];

/** The area of a polygon (shoelace). */
const area = (points: [number, number][]): number =>
  Math.abs(
    points.reduce((sum, [x1, y1], i) => {
      const [x2, y2] = points[(i + 1) % points.length]!;
      return sum + x1 * y2 - x2 * y1;
    }, 0),
  ) / 2;

describe('the shape of a packet', () => {
  it('tells request, reply, DNS and dropped apart by shape, not only by colour', () => {
    expect(TONES.map(packetShape)).toEqual(['circle', 'square', 'diamond', 'cross']);
    expect(new Set(TONES.map(packetShape)).size).toBe(4);
  });

  it('a dropped packet is a cross: twelve corners, symmetric about its centre', () => {
    const cross = packetOutline('cross', 100, 50, 9)!;
    expect(cross).toHaveLength(12);
    for (const [x, y] of cross) {
      expect(cross.some(([x2, y2]) => Math.abs(x2 - (200 - x)) < 1e-9 && Math.abs(y2 - (100 - y)) < 1e-9)).toBe(true);
      // turned 45 degrees: its arms point to the corners, inside a box of the packet's size
      expect(Math.abs(x - 100)).toBeLessThanOrEqual(9 * 1.2);
      expect(Math.abs(y - 50)).toBeLessThanOrEqual(9 * 1.2);
    }
  });

  it('shapes of one radius cover about the same area as the circle (none stands out by size)', () => {
    const circle = Math.PI * 9 * 9;
    for (const shape of ['square', 'diamond', 'cross'] as const) {
      const a = area(packetOutline(shape, 0, 0, 9)!);
      expect(a / circle, shape).toBeGreaterThan(0.6);
      expect(a / circle, shape).toBeLessThan(1.3);
    }
    expect(packetOutline('circle', 0, 0, 9)).toBeNull();
  });

  it('draws as SVG path data, closed', () => {
    for (const tone of TONES) expect(packetPath(packetShape(tone), 10, 10, 6)).toMatch(/^M[\d.]+ [\d.]+.*Z$/);
  });

  it('the labels’ borders: a reply dashed, DNS dotted, the others solid', () => {
    expect(TONES.map((t) => packetDash(t).length > 0)).toEqual([false, true, true, false]);
    expect(packetDash('reply')).not.toEqual(packetDash('dns'));
  });
});
