/**
 * #27: more contrast (`prefers-contrast: more`) and forced colours. With more contrast the app's
 * text and borders get stronger and the diagram draws with its strong palette and thicker lines;
 * in forced colours, where every packet is the system's highlight colour, request, reply, DNS and
 * dropped packets differ by shape, and the legend shows those shapes. Screenshots go to the test's
 * output folder to be looked at.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** Colours and widths that more contrast must change, read from the page and the diagram. */
function looks(page: Page) {
  return page.evaluate(() => {
    // Tailwind's colours compute as lab(): drawn on a canvas, read back as rgb
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const rgb = (c: string): string => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = c;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
      return `rgb(${r}, ${g}, ${b})`;
    };
    const color = (selector: string): string | null => {
      const el = document.querySelector(selector);
      return el ? rgb(getComputedStyle(el).color) : null;
    };
    const border = (selector: string): string | null => {
      const el = document.querySelector(selector);
      return el ? `${getComputedStyle(el).borderTopWidth} ${rgb(getComputedStyle(el).borderTopColor)}` : null;
    };
    const cy = window.__netviz!.cy() as {
      edges(s: string): { length: number; first(): { style(k: string): string } };
      nodes(s: string): { first(): { style(k: string): string } };
    };
    return {
      muted: color('[data-viz-root] .text-slate-600, [data-viz-root] .dark\\:text-slate-300'),
      button: border('[data-viz-root] button.border'),
      edge: cy.edges('.link').first().style('width'),
      pathEdge: cy.edges('.on-path').first().style('width'),
      label: cy.nodes('.pod').first().style('color'),
      border: cy.nodes('.pod').first().style('border-width'),
    };
  });
}

/** WCAG's contrast ratio of two `rgb(…)` colours. */
function ratio(a: string, b: string): number {
  const lum = (c: string): number => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

test.describe('more contrast', () => {
  for (const theme of ['light', 'dark'] as const)
    test(`the app and the diagram get stronger (${theme})`, async ({ app }, testInfo) => {
      const { page } = app;
      await app.goto(`/?theme=${theme}#example=pod-to-service&step=6`);
      await app.settled();
      const normal = await looks(page);
      await page.screenshot({ path: testInfo.outputPath(`normal-${theme}.png`) });
      await page.emulateMedia({ contrast: 'more' });
      await expect.poll(async () => (await looks(page)).edge).not.toBe(normal.edge);
      const strong = await looks(page);
      await page.screenshot({ path: testInfo.outputPath(`contrast-more-${theme}.png`) });
      console.log(`contrast more (${theme}): ${JSON.stringify(normal)} -> ${JSON.stringify(strong)}`);
      // thicker lines on the diagram, its words black or white
      expect(Number.parseFloat(strong.edge)).toBeGreaterThan(Number.parseFloat(normal.edge));
      expect(Number.parseFloat(strong.pathEdge)).toBeGreaterThan(Number.parseFloat(normal.pathEdge));
      expect(Number.parseFloat(strong.border)).toBeGreaterThan(Number.parseFloat(normal.border));
      expect(strong.label).toMatch(theme === 'dark' ? /255,\s*255,\s*255/ : /0,\s*0,\s*0/);
      // the page's secondary text at 7:1 or more against the theme's background; borders thicker
      const paper = theme === 'dark' ? 'rgb(15, 23, 42)' : 'rgb(255, 255, 255)';
      expect(ratio(normal.muted!, paper)).toBeLessThan(ratio(strong.muted!, paper));
      expect(ratio(strong.muted!, paper)).toBeGreaterThanOrEqual(7);
      expect(strong.button).not.toBe(normal.button);
      expect(Number.parseFloat(strong.button!)).toBe(2);
      // and back when the setting goes
      await page.emulateMedia({ contrast: 'no-preference' });
      await expect.poll(async () => (await looks(page)).edge).toBe(normal.edge);
      expect(app.errors).toEqual([]);
    });
});

test.describe('packets by shape', () => {
  /** The shapes the packet layer draws now. */
  const shapes = (page: Page) => page.getByTestId('canvas.packets').getAttribute('data-shapes');

  for (const forced of [false, true])
    test(`request, reply, DNS and a dropped packet each have their shape${forced ? ' in forced colours' : ''}`, async ({
      app,
    }, testInfo) => {
      const { page } = app;
      if (forced) await page.emulateMedia({ forcedColors: 'active' });
      await app.goto('/?theme=light#example=pod-to-service-dns&step=0');
      const [dns, request] = await page.evaluate(() => {
        const t = window.__netviz!.currentTrace()!;
        return [t.dns?.hops.length ?? 0, t.hops.length];
      });
      const seen: Record<string, string | null> = {};
      for (const [name, step] of [
        ['dns', 1],
        ['request', dns + 2],
        ['reply', dns + request + 1],
      ] as const) {
        await page.evaluate((n) => window.__netviz!.stepTo(n), step);
        await app.settled();
        await expect.poll(() => shapes(page)).not.toBe('');
        seen[name] = await shapes(page);
        await page
          .getByTestId('canvas.root')
          .screenshot({ path: testInfo.outputPath(`${name}${forced ? '-forced' : ''}.png`) });
      }
      await app.goto('/?theme=light#example=network-policy-deny');
      const last = await page.evaluate(() => window.__netviz!.steps().length - 1);
      await page.evaluate((n) => window.__netviz!.stepTo(n), last);
      await app.settled();
      await expect.poll(() => shapes(page)).toBe('cross');
      seen['drop'] = await shapes(page);
      await page
        .getByTestId('canvas.root')
        .screenshot({ path: testInfo.outputPath(`drop${forced ? '-forced' : ''}.png`) });
      expect(seen).toEqual({ dns: 'diamond', request: 'circle', reply: 'square', drop: 'cross' });
      // the legend shows the four shapes, with their names
      await page.getByRole('button', { name: /Legend/ }).click();
      const legend = page.getByTestId('legend.packets');
      await expect(legend).toContainText('request (circle)');
      await expect(legend).toContainText('dropped / refused (cross)');
      expect(
        await legend.locator('[data-shape]').evaluateAll((els) => els.map((e) => e.getAttribute('data-shape'))),
      ).toEqual(['circle', 'square', 'diamond', 'cross']);
      if (forced) {
        // drawn in the system's highlight colour, as the packets on the diagram are
        const fills = await legend.locator('svg path').evaluateAll((els) => els.map((e) => e.getAttribute('fill')));
        const highlight = await page.evaluate(() => {
          const probe = document.createElement('span');
          probe.style.color = 'Highlight';
          probe.style.forcedColorAdjust = 'none';
          document.body.append(probe);
          const c = getComputedStyle(probe).color;
          probe.remove();
          return c;
        });
        expect(new Set(fills)).toEqual(new Set([highlight]));
      }
      await page.screenshot({ path: testInfo.outputPath(`legend${forced ? '-forced' : ''}.png`) });
      expect(app.errors).toEqual([]);
    });
});
