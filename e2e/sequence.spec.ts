/**
 * #18: the sequence view draws the trace as a ladder diagram in step with playback: the arrow
 * highlighted is the one of the current step, in the app, the embed and on the presenter stage; it
 * exports as SVG and PNG, and says the same as text.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Frame, Page } from '@playwright/test';
import { expect, test } from './fixtures';

interface Snapshot {
  step: number;
}

const state = (page: Page) => page.evaluate(() => window.__netviz!.getState() as unknown as Snapshot);

/** The number of playback steps of the trace on screen: DNS, request and reply hops. */
const stepCount = (page: Page) =>
  page.evaluate(() => {
    const t = window.__netviz!.currentTrace()!;
    return (t.dns?.hops.length ?? 0) + t.hops.length + (t.reply?.hops.length ?? 0);
  });

/** The presenter's controls fade when idle; a focused button shows them and takes Enter. */
async function pressPresenterButton(page: Page, name: string): Promise<void> {
  await page.getByTestId('presenter.controls').getByRole('button', { name }).focus();
  await page.keyboard.press('Enter');
}

/** The highlighted arrow's step range; exactly one arrow is highlighted. */
async function currentArrow(page: Page): Promise<[number, number]> {
  const current = page.locator('[data-testid="sequence.arrow"][data-current="true"]');
  await expect(current).toHaveCount(1);
  return [Number(await current.getAttribute('data-first-step')), Number(await current.getAttribute('data-last-step'))];
}

async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.waitForFunction(() => window.__netviz !== undefined);
  await page.evaluate(() => window.__netviz!.whenReady());
  await expect(page.getByTestId('sequence.svg')).toBeVisible();
}

test.describe('the sequence view', () => {
  for (const id of ['pod-to-service-dns', 'ingress', 'nodeport-cluster', 'egress', 'container-to-container']) {
    test(`${id}: the highlighted arrow follows playback, step by step`, async ({ page }) => {
      await open(page, `/?view=sequence#example=${id}&step=0`);
      const steps = await stepCount(page);
      expect(steps).toBeGreaterThan(1);
      for (let step = 0; step < steps; step++) {
        await page.evaluate((n) => window.__netviz!.stepTo(n), step);
        await expect.poll(async () => (await state(page)).step).toBe(step);
        const [first, last] = await currentArrow(page);
        expect(first, `step ${step}`).toBeLessThanOrEqual(step);
        expect(last, `step ${step}`).toBeGreaterThanOrEqual(step);
      }
    });
  }

  test('DNS first, NAT on the arrows, and the same as text', async ({ page }) => {
    await open(page, '/?view=sequence#example=pod-to-service-dns&step=0');
    const titles = await page.getByTestId('sequence.packet').allTextContents();
    expect(titles[0]).toMatch(/^DNS query: A web\.default\.svc\.cluster\.local/);
    expect(titles.slice(1).map((t) => t.split(':')[0])).toEqual(['DNS answer', 'request', 'reply']);
    await expect(page.getByTestId('sequence.svg')).toContainText('DNAT → ');
    await expect(page.getByTestId('sequence.svg')).toContainText('in VXLAN');
    const text = page.getByTestId('sequence.text');
    await expect(text).toContainText('client to node-a');
    await expect(text.locator('[aria-current="step"]')).toHaveCount(1);
  });

  test('the view switch shows it; Up and Down move between arrows; a click plays to one', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service&step=0');
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Sequence' }).click();
    const view = page.getByTestId('sequence.scroll');
    await view.focus();
    await page.keyboard.press('ArrowDown');
    const [first] = await currentArrow(page);
    expect(first).toBeGreaterThan(0);
    expect((await state(page)).step).toBe(first);
    await page.keyboard.press('ArrowUp');
    await expect.poll(async () => (await state(page)).step).toBe(0);
    // a click on the last arrow plays to its first step
    const last = page.getByTestId('sequence.arrow').last();
    const lastFirst = Number(await last.getAttribute('data-first-step'));
    await last.locator('path').first().dispatchEvent('click');
    await expect.poll(async () => (await state(page)).step).toBe(lastFirst);
    expect(app.errors).toEqual([]);
  });

  test('exports the drawing as SVG and as PNG', async ({ page }, testInfo) => {
    await open(page, '/?view=sequence#example=ingress&step=5');
    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('sequence.export.svg').click(),
    ]);
    expect(svgDownload.suggestedFilename()).toBe('k8s-netviz-sequence.svg');
    const svg = Buffer.concat(await (await svgDownload.createReadStream()).toArray()).toString('utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.localName,
        arrows: doc.querySelectorAll('path[marker-end]').length,
        text: doc.documentElement.textContent ?? '',
        data: doc.querySelectorAll('[data-testid], [data-current]').length,
      };
    }, svg);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('svg');
    expect(parsed.arrows).toBeGreaterThan(6);
    expect(parsed.text).toContain('ACK + request: GET /cart');
    expect(parsed.text).toContain('response: HTTP 200');
    expect(parsed.data).toBe(0);
    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('sequence.export.png').click(),
    ]);
    expect(pngDownload.suggestedFilename()).toBe('k8s-netviz-sequence.png');
    const png = Buffer.concat(await (await pngDownload.createReadStream()).toArray());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // the PNG is drawn at twice the SVG's size
    const svgWidth = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
    expect(png.readUInt32BE(16)).toBe(Math.round(svgWidth * 2));
    await testInfo.attach('sequence.png', { body: png, contentType: 'image/png' });
  });

  test('in the embed and on the presenter stage', async ({ page }) => {
    await open(page, '/?embed=1&view=sequence#example=nodeport-cluster&step=3');
    await expect(page.getByTestId('embed.sequence')).toBeVisible();
    expect((await currentArrow(page))[0]).toBeLessThanOrEqual(3);

    await page.goto('/?present=1#example=pod-to-service&step=4');
    await page.waitForFunction(() => window.__netviz !== undefined);
    await pressPresenterButton(page, 'Sequence');
    await expect(page.getByTestId('sequence.svg')).toBeVisible();
    const [first, last] = await currentArrow(page);
    expect(first).toBeLessThanOrEqual(4);
    expect(last).toBeGreaterThanOrEqual(4);
    // the caption still tells the step
    await expect(page.getByTestId('stage.caption')).toContainText('step 5 of');
  });

  test('S brings the sequence sheet onto the presenter stage and takes it away', async ({ page }) => {
    await page.goto('/?present=1#example=pod-to-service&step=4');
    await page.waitForFunction(() => window.__netviz !== undefined);
    await page.evaluate(() => window.__netviz!.whenReady());
    const toggle = page.getByTestId('presenter.controls').getByRole('button', { name: 'Sequence' });
    await expect(page.getByTestId('sequence.svg')).toHaveCount(0);
    await page.locator('body').press('s');
    await expect(page.getByTestId('sequence.svg')).toBeVisible();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const [first, last] = await currentArrow(page);
    expect(first).toBeLessThanOrEqual(4);
    expect(last).toBeGreaterThanOrEqual(4);
    // the stepping keys still play while the sheet is up
    await page.keyboard.press('PageDown');
    await expect.poll(async () => (await state(page)).step).toBe(5);
    await page.keyboard.press('S');
    await expect(page.getByTestId('sequence.svg')).toHaveCount(0);
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    // the help lists the key
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText(
      'sequence diagram (presenter stage)',
    );
  });

  test('looks as approved', async ({ browser }, testInfo) => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 720 },
      reducedMotion: 'reduce',
      baseURL: testInfo.project.use.baseURL!,
    });
    const page = await context.newPage();
    await open(page, '/?view=sequence&theme=light#example=pod-to-service-dns&step=50');
    await expect.poll(async () => (await state(page)).step).toBe(50);
    // the view's box (fixed by the layout), not the SVG inside it, which scrolls
    await expect(page.getByTestId('sequence')).toHaveScreenshot('pod-to-service-dns-step-50.png', {
      maxDiffPixelRatio: 0.01,
      animations: 'disabled',
    });
    await context.close();
  });
});

/** Boxes on screen of what a reader must see whole, measured in the page (or frame) itself. */
function textBoxes(target: Page | Frame) {
  return target.evaluate(() => {
    const rect = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { x1: r.left, y1: r.top, x2: r.right, y2: r.bottom };
    };
    const view = rect(document.querySelector('[data-testid="sequence.scroll"]')!);
    const lanes = [...document.querySelectorAll('[data-lane]')].map((g) => ({
      box: rect(g.querySelector('rect')!),
      texts: [...g.querySelectorAll('text')].map((t) => ({
        text: t.textContent ?? '',
        size: Number.parseFloat(getComputedStyle(t).fontSize),
        ...rect(t),
      })),
    }));
    const titles = [...document.querySelectorAll('[data-testid="sequence.packet"]')].map((t) => ({
      text: t.textContent ?? '',
      size: Number.parseFloat(getComputedStyle(t).fontSize),
      ...rect(t),
    }));
    const labels = [...document.querySelectorAll('[data-testid="sequence.arrow"] text')].map((t) => ({
      text: t.textContent ?? '',
      size: Number.parseFloat(getComputedStyle(t).fontSize),
      ...rect(t),
    }));
    return { view, lanes, titles, labels };
  });
}

test.describe('every word readable in the embed and on a phone', () => {
  let host: Server;
  let HOST = '';
  test.beforeAll(async () => {
    // a host page on another origin (another port) that frames the app at the embed's size
    host = createServer((req, res) => {
      const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '';
      if (!src.startsWith('http://127.0.0.1:')) {
        res.writeHead(404).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<!doctype html><title>host</title><body style="margin:0"><iframe id="viz" src="${src.replace(/"/g, '&quot;')}" width="720" height="450" style="border:0"></iframe>`,
        );
    });
    HOST = await new Promise((resolve) =>
      host.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(host.address() as { port: number }).port}`)),
    );
  });
  test.afterAll(() => new Promise<void>((resolve) => host.close(() => resolve())));

  for (const theme of ['light', 'dark'] as const)
    test(`720x450 embed on another origin (${theme}): every lane name whole inside its box and on screen`, async ({
      page,
    }, testInfo) => {
      await page.setViewportSize({ width: 720, height: 450 });
      const app = testInfo.project.use.baseURL!;
      for (const id of ['ingress', 'nodeport-cluster']) {
        const src = `${app}/?embed=1&view=sequence&theme=${theme}#example=${id}&step=3`;
        await page.goto(`${HOST}/?src=${encodeURIComponent(src)}`);
        const frame = (await (await page.locator('#viz').elementHandle())!.contentFrame())!;
        await frame.waitForFunction(() => window.__netviz !== undefined);
        await frame.evaluate(() => window.__netviz!.whenReady());
        await expect(frame.getByTestId('sequence.svg')).toBeVisible();
        expect(new URL(frame.url()).origin).not.toBe(new URL(page.url()).origin);
        const { view, lanes } = await textBoxes(frame);
        expect(lanes.length, id).toBeGreaterThanOrEqual(4);
        const names = lanes.map((l) => l.texts.map((t) => t.text).join(''));
        if (id === 'ingress') expect(names[0]).toContain('203.0.113.10');
        for (const lane of lanes) {
          // the box on screen without scrolling sideways, each line inside it
          expect(lane.box.x1, names.join(' | ')).toBeGreaterThanOrEqual(view.x1);
          expect(lane.box.x2, names.join(' | ')).toBeLessThanOrEqual(view.x2);
          for (const t of lane.texts) {
            expect(t.x1, t.text).toBeGreaterThanOrEqual(lane.box.x1);
            expect(t.x2, t.text).toBeLessThanOrEqual(lane.box.x2);
            expect(t.size, t.text).toBeGreaterThanOrEqual(12);
          }
        }
        // the names are the lanes' whole names (no ellipsis)
        expect(names.join(' ')).not.toContain('…');
        await page.screenshot({ path: testInfo.outputPath(`embed-${id}-${theme}.png`) });
      }
    });

  test('390x844 phone: scrolled sideways, the packets’ titles and the arrows’ labels stay on screen', async ({
    browser,
  }, testInfo) => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
      reducedMotion: 'reduce',
      baseURL: testInfo.project.use.baseURL!,
    });
    const page = await context.newPage();
    await page.goto('/?theme=light#example=ingress&step=14');
    await page.waitForFunction(() => window.__netviz !== undefined);
    await page.evaluate(() => window.__netviz!.whenReady());
    await page.getByRole('button', { name: 'Sequence diagram' }).click();
    await expect(page.getByTestId('sequence.svg')).toBeVisible();
    const scroll = page.getByTestId('sequence.scroll');
    const wide = await scroll.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(wide, 'the ladder is wider than the phone').toBeGreaterThan(50);
    for (const left of [0, Math.round(wide / 2), wide]) {
      await scroll.evaluate((el, x) => {
        el.scrollTop = 0;
        el.scrollLeft = x;
      }, left);
      // the titles follow on the next frame
      await expect
        .poll(async () => {
          const { view, titles } = await textBoxes(page);
          return titles.filter((t) => t.x1 < view.x1 || t.x2 > view.x2).map((t) => t.text);
        })
        .toEqual([]);
      const { view, titles, labels } = await textBoxes(page);
      for (const t of [...titles, ...labels]) expect(t.size, t.text).toBeGreaterThanOrEqual(12);
      // every label of a row on screen is inside the view, whichever part of the ladder is shown
      const shown = labels.filter((t) => t.y1 >= view.y1 && t.y2 <= view.y2);
      expect(shown.length).toBeGreaterThan(3);
      for (const t of shown) {
        expect(t.x1, `${left}: ${t.text}`).toBeGreaterThanOrEqual(view.x1);
        expect(t.x2, `${left}: ${t.text}`).toBeLessThanOrEqual(view.x2);
      }
      await page.screenshot({ path: testInfo.outputPath(`phone-scrolled-${left}.png`) });
    }
    await context.close();
  });
});

test.describe('screenshots', () => {
  const SIZES = [
    { name: 'app', size: [1280, 720], url: '/?view=sequence' },
    { name: 'embed', size: [720, 450], url: '/?embed=1&view=sequence' },
    { name: 'phone', size: [390, 844], url: '/' },
    { name: 'presenter', size: [1280, 720], url: '/?present=1' },
  ] as const;
  for (const s of SIZES)
    for (const theme of ['light', 'dark'] as const)
      test(`${s.name} ${theme}`, async ({ browser }, testInfo) => {
        const context = await browser.newContext({
          viewport: { width: s.size[0], height: s.size[1] },
          hasTouch: s.name === 'phone',
          isMobile: s.name === 'phone',
          reducedMotion: 'reduce',
          baseURL: testInfo.project.use.baseURL!,
        });
        const page = await context.newPage();
        const sep = s.url.includes('?') ? '&' : '?';
        await page.goto(`${s.url}${sep}theme=${theme}#example=ingress&step=14`);
        await page.waitForFunction(() => window.__netviz !== undefined);
        await page.evaluate(() => window.__netviz!.whenReady());
        if (s.name === 'phone') await page.getByRole('button', { name: 'Sequence diagram' }).click();
        if (s.name === 'presenter') await pressPresenterButton(page, 'Sequence');
        await expect(page.getByTestId('sequence.svg')).toBeVisible();
        await page.waitForTimeout(300);
        await page.screenshot({ path: testInfo.outputPath(`sequence-${s.name}-${theme}.png`) });
      });
});
