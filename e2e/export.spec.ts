/**
 * #26: the SVG export is the diagram as drawn (shapes, wrapped labels, theme, the packet and the
 * step's caption), and printing gives a handout without the app's chrome.
 */
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function exportSvgText(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('group', { name: 'Export the diagram' }).getByRole('button', { name: 'SVG' }).click(),
  ]);
  return Buffer.concat(await (await download.createReadStream()).toArray()).toString('utf8');
}

/** What Chromium's own XML parser makes of the file. */
function parse(page: Page, svg: string) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const shape = (id: string) =>
      [...(doc.querySelector(`[data-id="${CSS.escape(id)}"]`)?.querySelectorAll('[data-shape]') ?? [])].map(
        (e) => `${e.localName}:${e.getAttribute('data-shape')}`,
      );
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      theme: doc.documentElement.getAttribute('data-theme'),
      internet: shape('internet'),
      shapes: [...new Set([...doc.querySelectorAll('[data-shape]')].map((e) => e.getAttribute('data-shape')))].sort(),
      dashed: doc.querySelectorAll('[stroke-dasharray]').length,
      packets: [...doc.querySelectorAll('[data-packet]')].map((e) => e.getAttribute('data-packet')),
      packetLabel: doc.querySelector('[data-packet-label]')?.textContent ?? null,
      caption: doc.querySelector('[data-caption]')?.textContent ?? null,
      multiLine: [...doc.querySelectorAll('text')].filter((t) => t.querySelectorAll('tspan').length > 1).length,
      // the largest text: the stylesheet's sizes, not the camera's labels grown for the view
      width: Number(doc.documentElement.getAttribute('viewBox')?.split(' ')[2]),
      maxFont: Math.max(...[...doc.querySelectorAll('text')].map((t) => Number(t.getAttribute('font-size')))),
      inert: doc.querySelectorAll('script, foreignObject, [onload], [onerror], [onclick]').length,
    };
  }, svg);
}

/** Draws the exported file in the browser, as a viewer would, and keeps a picture of it. */
async function look(page: Page, svg: string, path: string): Promise<void> {
  const viewer = await page.context().newPage();
  await viewer.setViewportSize({ width: 1600, height: 1000 });
  await viewer.setContent('<body style="margin:0"></body>');
  await viewer.evaluate((text) => {
    const img = document.createElement('img');
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
    img.style.maxWidth = '100%';
    document.body.append(img);
    return img.decode();
  }, svg);
  await viewer.screenshot({ path, fullPage: true });
  await viewer.close();
}

test.describe('SVG export (#26)', () => {
  test('a LoadBalancer from the Internet: ellipse, hexagon, the packet and the caption', async ({ app }, testInfo) => {
    const { page } = app;
    await app.goto('/#example=loadbalancer&step=2');
    await app.settled();
    const caption = await page.getByTestId('stage.sentence').or(page.getByTestId('narration')).first().textContent();
    const svg = await exportSvgText(page);
    writeFileSync(testInfo.outputPath('loadbalancer.svg'), svg);
    await look(page, svg, testInfo.outputPath('loadbalancer.png'));
    const doc = await parse(page, svg);
    expect(doc.error).toBeNull();
    expect(doc.inert).toBe(0);
    expect(doc.theme).toBe('light');
    expect(doc.internet).toEqual(['ellipse:ellipse']);
    expect(doc.maxFont).toBeLessThanOrEqual(24);
    expect(doc.shapes).toEqual(expect.arrayContaining(['ellipse', 'hexagon', 'rectangle', 'round-rectangle']));
    expect(doc.dashed).toBeGreaterThan(0);
    expect(doc.multiLine).toBeGreaterThan(0);
    expect(doc.packets).toEqual(['request']);
    expect(doc.packetLabel).toMatch(/→/);
    expect(doc.caption).toMatch(/^Step 3 of \d+: /);
    expect(caption).toBeTruthy();
  });

  test('a NetworkPolicy, in the dark theme: the octagon and the dark palette', async ({ app }, testInfo) => {
    const { page } = app;
    await app.goto('/#example=network-policy-deny&step=0');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await app.settled();
    const svg = await exportSvgText(page);
    writeFileSync(testInfo.outputPath('policy-dark.svg'), svg);
    await look(page, svg, testInfo.outputPath('policy-dark.png'));
    const doc = await parse(page, svg);
    expect(doc.error).toBeNull();
    expect(doc.inert).toBe(0);
    expect(doc.theme).toBe('dark');
    expect(doc.shapes).toContain('round-octagon');
    expect(doc.caption).toMatch(/^Step 1 of \d+: /);
    // the dark page colour behind the diagram (stylesheet.ts PALETTES.dark.nodeFill)
    expect(svg).toContain('fill="#0f172a"');
  });
});

test.describe('printing (#26)', () => {
  test('a handout: the diagram at the step, the explanation and the events, no chrome', async ({ app }, testInfo) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service&step=2');
    await app.settled();
    // the event list on screen: a row per hop
    const steps = await page.getByTestId('hops.where').count();
    expect(steps).toBeGreaterThan(3);
    await expect(page.getByTestId('print.handout')).toBeHidden();

    await page.emulateMedia({ media: 'print' });
    // the chrome is gone: toolbar, playback, export buttons, the live canvas
    await expect(page.locator('header')).toBeHidden();
    await expect(page.getByRole('group', { name: 'Export the diagram' })).toBeHidden();
    await expect(page.getByRole('button', { name: 'Send packet' })).toBeHidden();
    await expect(page.locator('[data-viz-root] canvas').first()).toBeHidden();
    expect(await page.locator('button').filter({ visible: true }).count()).toBe(0);
    // the handout is there
    const handout = page.getByTestId('print.handout');
    await expect(handout).toBeVisible();
    await expect(page.getByTestId('print.explanation')).toContainText('Service');
    await expect(page.getByTestId('print.events').locator('tbody tr')).toHaveCount(steps);
    // the diagram, as an image of the SVG export at step 3 (of the caption)
    const img = page.getByTestId('print.diagram');
    await expect(img).toBeVisible();
    await expect
      .poll(() => img.evaluate((e: HTMLImageElement) => (e.complete ? e.naturalWidth : 0)), { timeout: 10_000 })
      .toBeGreaterThan(100);
    const src = decodeURIComponent((await img.getAttribute('src')) ?? '');
    expect(src).toMatch(/^data:image\/svg\+xml/);
    expect(src).toContain('Step 3 of');
    // the canvas is hidden in print, so the camera's grown labels would be huge: drawn at their size
    const picture = await parse(page, src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''));
    expect(picture.maxFont).toBeLessThanOrEqual(24);
    // the diagram as on screen (about 1,400 units wide), not as the canvas refitted to nothing
    expect(picture.width).toBeLessThan(2000);
    await page.screenshot({ path: testInfo.outputPath('print.png'), fullPage: true });

    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(testInfo.outputPath('handout.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    await page.emulateMedia({ media: 'screen' });
    await expect(handout).toBeHidden();
    await expect(page.locator('header')).toBeVisible();
  });
  test('dark, 720 px wide: the SVG keeps the theme; the handout prints light', async ({ app }, testInfo) => {
    const { page } = app;
    await page.setViewportSize({ width: 720, height: 900 });
    await app.goto('/?theme=dark#example=pod-to-service&step=4');
    await app.settled();
    const svg = await exportSvgText(page);
    const doc = await parse(page, svg);
    expect(doc.error).toBeNull();
    expect(doc.theme).toBe('dark');
    expect(doc.caption).toMatch(/^Step 5 of \d+: /);
    // the diagram at its own size (about 1,400 units wide), not blown up by the screen's camera
    expect(doc.width).toBeLessThan(2000);
    await look(page, svg, testInfo.outputPath('svg-dark-720.png'));
    await page.emulateMedia({ media: 'print' });
    const handout = page.getByTestId('print.handout');
    await expect(handout).toBeVisible();
    const img = page.getByTestId('print.diagram');
    await expect
      .poll(() => img.evaluate((e: HTMLImageElement) => (e.complete ? e.naturalWidth : 0)), { timeout: 10_000 })
      .toBeGreaterThan(100);
    // the picture fits the page's width: nothing cut at the right
    const box = (await img.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(720);
    // paper is white: the diagram prints in the light palette whatever the screen's theme
    const printed = await parse(
      page,
      decodeURIComponent((await img.getAttribute('src')) ?? '').replace(/^data:image\/svg\+xml;charset=utf-8,/, ''),
    );
    expect(printed.error).toBeNull();
    expect(printed.theme).toBe('light');
    await page.screenshot({ path: testInfo.outputPath('print-dark-720.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    // and the screen keeps its dark diagram: the SVG exported after printing is dark again
    expect((await parse(page, await exportSvgText(page))).theme).toBe('dark');
  });
});
