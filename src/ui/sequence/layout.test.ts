import { describe, expect, it } from 'vitest';
import { buildCluster } from '../../sim/model/build';
import { trace } from '../../sim/resolve/trace';
import { findScenario } from '../../sim/scenarios/catalog';
import { sequenceOf } from '../../sim/sequence/sequence';
import { MIN_FONT, estimateWidth, fitLaneName, keepInView, layoutSequence, wrapText } from './layout';

const run = (id: string) => {
  const s = findScenario(id)!;
  return trace(buildCluster(s.spec), s.request, { seed: s.seed ?? 1, pick: s.pick ?? [] });
};

describe('lane names fit their boxes', () => {
  it('an address too wide for its box in the largest type is drawn smaller, whole, on one line', () => {
    const width = 110;
    expect(estimateWidth('203.0.113.10', 14, true)).toBeGreaterThan(width);
    const name = fitLaneName('203.0.113.10', width, 14);
    expect(name.lines).toEqual(['203.0.113.10']);
    expect(name.size).toBeLessThan(14);
    expect(name.size).toBeGreaterThanOrEqual(MIN_FONT);
    expect(estimateWidth('203.0.113.10', name.size, true)).toBeLessThanOrEqual(width);
    // narrower still: two lines, broken after a dot, rather than type under 12 px
    const two = fitLaneName('203.0.113.10', 70, 14);
    expect(two.lines).toEqual(['203.0.', '113.10']);
    expect(two.size).toBe(14);
  });

  it('a long pod name breaks after its dashes, never cut short and never wider than the box', () => {
    const text = 'ingress-nginx-controller-5d8f9c7b6-x2kfq';
    for (const width of [70, 84, 120, 200]) {
      const name = fitLaneName(text, width, 14);
      expect(name.lines.join('')).toBe(text);
      expect(name.size).toBeGreaterThanOrEqual(MIN_FONT);
      for (const line of name.lines)
        expect(estimateWidth(line, name.size, true), `${width}: ${line}`).toBeLessThanOrEqual(width);
    }
    // with room, one line in the largest type
    expect(fitLaneName('node-a', 120, 14)).toEqual({ lines: ['node-a'], size: 14 });
  });

  it('a piece wider than a whole line is cut where it must be', () => {
    const name = fitLaneName('abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz', 60, 14);
    expect(name.lines.join('')).toBe('abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz');
    for (const line of name.lines) expect(estimateWidth(line, name.size, true)).toBeLessThanOrEqual(60);
  });

  it('sentences break at spaces', () => {
    expect(wrapText('DNAT → 10.244.2.4:80, MASQUERADE from 10.244.1.0:32845', 200, 13, true, estimateWidth)).toEqual([
      'DNAT → 10.244.2.4:80,',
      'MASQUERADE from',
      '10.244.1.0:32845',
    ]);
  });
});

describe('the layout in the embed and on a phone', () => {
  for (const [view, width] of [
    ['embed', 718],
    ['phone', 388],
    ['app', 1000],
  ] as const)
    it(`${view}: every lane name inside its box, every label and title no wider than the view`, () => {
      for (const id of ['ingress', 'nodeport-cluster', 'pod-to-service-dns', 'egress']) {
        const layout = layoutSequence(sequenceOf(run(id)), { width, font: 13 });
        const box = layout.laneWidth - 8;
        layout.laneNames.forEach((name, i) => {
          const x = layout.laneX[i]!;
          // the box inside the drawing, the name inside the box
          expect(x - box / 2, `${id} lane ${i}`).toBeGreaterThanOrEqual(0);
          expect(x + box / 2, `${id} lane ${i}`).toBeLessThanOrEqual(layout.width);
          for (const line of name.lines) expect(estimateWidth(line, name.size, true)).toBeLessThanOrEqual(box - 8);
          for (const line of name.role ?? []) expect(estimateWidth(line, 12, false), line).toBeLessThanOrEqual(box - 8);
          expect(name.size).toBeGreaterThanOrEqual(MIN_FONT);
        });
        // the header holds the most lines of any name, and the role under them
        const most = Math.max(...layout.laneNames.map((n) => n.lines.length + (n.role?.length ?? 0)));
        expect(layout.header).toBeGreaterThanOrEqual(most * layout.headerLine);
        for (const a of layout.arrows)
          for (const line of a.labelLines) expect(estimateWidth(line, 13, true)).toBeLessThanOrEqual(width - 16);
        for (const p of layout.packets)
          for (const line of p.titleLines) expect(estimateWidth(line, 13, true)).toBeLessThanOrEqual(width - 16);
        // rows never overlap: each arrow below the one before, with room for its label's lines
        layout.arrows.forEach((a, i) => {
          const before = layout.arrows[i - 1];
          if (before) expect(a.y - before.y).toBeGreaterThanOrEqual(a.labelLines.length * 16);
        });
      }
    });

  it('on a phone the drawing is wider than the view (it scrolls sideways); in the embed it fits', () => {
    const seq = sequenceOf(run('ingress'));
    expect(seq.lanes.length).toBe(7);
    expect(layoutSequence(seq, { width: 388, font: 13 }).width).toBeGreaterThan(388);
    expect(layoutSequence(seq, { width: 718, font: 13 }).width).toBe(718);
  });
});

describe('keepInView', () => {
  it('moves a label into the part on screen, not past it, and leaves one that is there', () => {
    // 100 wide, centred at 60; the view is 300 to 690
    expect(60 + keepInView(60, 100, 300, 390)).toBe(300 + 54);
    expect(900 + keepInView(900, 100, 300, 390)).toBe(690 - 54);
    expect(keepInView(500, 100, 300, 390)).toBe(0);
    // wider than the view: left where it is
    expect(keepInView(500, 400, 300, 390)).toBe(0);
  });
});
