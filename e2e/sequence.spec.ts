/**
 * #18: the sequence view draws the trace as a ladder diagram in step with playback: the arrow
 * highlighted is the one of the current step, in the app, the embed and on the presenter stage; it
 * exports as SVG and PNG, and says the same as text.
 */
import type { Page } from '@playwright/test';
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
