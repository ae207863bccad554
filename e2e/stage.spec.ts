/**
 * Readable where people look: the presenter stage on a 1280x720 projector, the embed in a 720x450
 * blog column on another origin, the full app on a 390x844 phone, a landscape phone and a small
 * window. For every step of three scenarios, with the camera settled, the labels the camera frames
 * (the hop's, and its neighbours' where they fit) are measured (font size times zoom, in CSS px)
 * and must lie in the diagram, clear of the caption and the controls, and no two labels of the
 * hops around the step may cover one another; the caption's sentence is measured too. The numbers
 * are printed, not only checked.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Frame, Page } from '@playwright/test';
import { test, expect } from './fixtures';

const SCENARIOS = ['pod-to-pod-cross-node', 'pod-to-service', 'ingress'] as const;

interface Rect {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

interface StepReading {
  step: number;
  /** the labels of the hops before, at and after the step */
  labels: { id: string; fontPx: number; box: Rect | null }[];
  /** the hop the step is at, and the hops the camera framed with it */
  at: string;
  framed: string[];
  caption: number;
  /** where labels may be: the diagram, less the caption and the controls over it */
  stage: Rect;
  covers: Rect[];
}

/** Reads one step in a page or a frame: the labels of the hops around it, the caption, the overlays. */
async function readStep(target: Page | Frame, step: number): Promise<StepReading> {
  await target.evaluate((i) => window.__netviz!.stepTo(i), step);
  await target.evaluate(() => window.__netviz!.cameraSettled());
  return target.evaluate((i) => {
    const h = window.__netviz!;
    const steps = h.steps();
    const ids = [
      ...new Set([i - 1, i, i + 1].map((k) => steps[k]?.at as string | undefined).filter((x): x is string => !!x)),
    ];
    const box = (el: Element | null) => {
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 ? { x1: r.left, y1: r.top, x2: r.right, y2: r.bottom } : null;
    };
    const sentence = document.querySelector('[data-testid="stage.sentence"]');
    const covers = [...document.querySelectorAll('[data-stage-overlay]')]
      .filter((el) => getComputedStyle(el).opacity !== '0')
      .map((el) => box(el))
      .filter((r): r is NonNullable<typeof r> => r !== null);
    return {
      step: i,
      labels: h.labels(ids).map((l) => ({ id: l.id, fontPx: l.fontPx, box: l.box })),
      at: steps[i]!.at as string,
      framed: h.framed(),
      caption: sentence ? parseFloat(getComputedStyle(sentence).fontSize) : 0,
      stage: box(document.querySelector('[data-testid="stage"]'))!,
      covers,
    };
  }, step);
}

const inside = (a: Rect, b: Rect, slack = 1) =>
  a.x1 >= b.x1 - slack && a.y1 >= b.y1 - slack && a.x2 <= b.x2 + slack && a.y2 <= b.y2 + slack;
const meets = (a: Rect, b: Rect) => a.x1 < b.x2 - 1 && b.x1 < a.x2 - 1 && a.y1 < b.y2 - 1 && b.y1 < a.y2 - 1;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : 0;
};

/**
 * Walks every step of the scenario on screen. The camera frames the hop with its neighbours, or
 * fewer of them where their labels, grown to be readable, would cover one another: the hop is
 * always framed; every framed label lies in the diagram, clear of the overlays, and no two labels
 * of the three hops in view cover one another. Returns the smallest framed label and caption, how
 * many steps framed fewer than all three hops, and what failed.
 */
async function measure(target: Page | Frame, label: string) {
  const total = await target.evaluate(() => window.__netviz!.steps().length);
  const fonts: number[] = [];
  const captions: number[] = [];
  const problems: string[] = [];
  let narrowed = 0;
  for (let i = 0; i < total; i++) {
    const r = await readStep(target, i);
    captions.push(r.caption);
    if (!r.framed.includes(r.at)) problems.push(`step ${i}: the camera does not frame ${r.at}`);
    if (r.framed.length < r.labels.length) narrowed++;
    for (const l of r.labels) {
      if (!r.framed.includes(l.id)) continue;
      fonts.push(l.fontPx);
      if (!l.box) {
        problems.push(`step ${i}: ${l.id} is not drawn`);
        continue;
      }
      if (!inside(l.box, r.stage)) problems.push(`step ${i}: ${l.id}'s label is outside the diagram`);
      const under = r.covers.find((c) => meets(l.box!, c));
      if (under) problems.push(`step ${i}: ${l.id}'s label is under an overlay`);
    }
    const seen = r.labels.filter((l) => l.box && l.fontPx > 0 && meets(l.box, r.stage));
    for (const [k, a] of seen.entries())
      for (const b of seen.slice(k + 1))
        if (meets(a.box!, b.box!) && !inside(a.box!, b.box!, 0) && !inside(b.box!, a.box!, 0))
          problems.push(`step ${i}: the labels of ${a.id} and ${b.id} cover one another`);
  }
  const line = `${label}: ${total} steps, ${narrowed} framed without a neighbour; framed labels min ${Math.min(...fonts).toFixed(1)} px, median ${median(fonts).toFixed(1)} px; caption min ${Math.min(...captions).toFixed(1)} px, median ${median(captions).toFixed(1)} px`;
  console.log(line);
  return { minLabel: Math.min(...fonts), minCaption: Math.min(...captions), narrowed, problems };
}

test.describe('readable where people look', () => {
  test.describe.configure({ timeout: 240_000 });

  test('the presenter stage at 1280x720: path labels at least 16 px, the caption at least 24 px', async ({
    app,
  }, testInfo) => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    for (const id of SCENARIOS) {
      await app.goto(`/?present=1#example=${id}&step=0`);
      await expect(page.getByTestId('presenter')).toBeVisible();
      const m = await measure(page, `presenter 1280x720 ${id}`);
      expect(m.problems).toEqual([]);
      expect(m.minLabel).toBeGreaterThanOrEqual(16);
      expect(m.minCaption).toBeGreaterThanOrEqual(24);
      // a projector has the room: every step shows where the packet came from and goes
      expect(m.narrowed).toBe(0);
    }
    await page.evaluate(() => window.__netviz!.stepTo(9));
    await app.settled();
    await page.screenshot({ path: testInfo.outputPath('presenter-1280x720.png') });
  });

  test('the phone at 390x844 with touch: path labels and caption readable, no sideways scroll, 44 px Next', async ({
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
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    for (const id of SCENARIOS) {
      await page.goto(`/#example=${id}&step=0`);
      await page.waitForFunction(() => window.__netviz !== undefined);
      await page.evaluate(() => window.__netviz!.whenReady());
      await expect(page.getByTestId('phone')).toBeVisible();
      const m = await measure(page, `phone 390x844 ${id}`);
      expect(m.problems).toEqual([]);
      expect(m.minLabel).toBeGreaterThanOrEqual(12);
      expect(m.minCaption).toBeGreaterThanOrEqual(14);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const next = (await page.getByRole('button', { name: 'Next' }).boundingBox())!;
      expect(next.width).toBeGreaterThanOrEqual(44);
      expect(next.height).toBeGreaterThanOrEqual(44);
    }
    await page.evaluate(() => window.__netviz!.stepTo(9));
    await page.evaluate(() => window.__netviz!.cameraSettled());
    await page.screenshot({ path: testInfo.outputPath('phone-390x844.png') });
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const view of [
    { name: 'a landscape phone', width: 844, height: 390, touch: true },
    { name: 'a small window', width: 720, height: 450, touch: false },
  ])
    test(`${view.name} at ${view.width}x${view.height}: the one-column layout, path labels readable and apart`, async ({
      browser,
    }, testInfo) => {
      const context = await browser.newContext({
        viewport: { width: view.width, height: view.height },
        hasTouch: view.touch,
        isMobile: view.touch,
        reducedMotion: 'reduce',
        baseURL: testInfo.project.use.baseURL!,
      });
      const page = await context.newPage();
      for (const id of SCENARIOS) {
        await page.goto(`/#example=${id}&step=0`);
        await page.waitForFunction(() => window.__netviz !== undefined);
        await page.evaluate(() => window.__netviz!.whenReady());
        // the two-row header would leave the diagram a sliver: the phone's layout instead
        await expect(page.getByTestId('phone')).toBeVisible();
        const m = await measure(page, `${view.name} ${view.width}x${view.height} ${id}`);
        expect(m.problems).toEqual([]);
        expect(m.minLabel).toBeGreaterThanOrEqual(12);
        expect(m.minCaption).toBeGreaterThanOrEqual(14);
      }
      await page.evaluate(() => window.__netviz!.stepTo(5));
      await page.evaluate(() => window.__netviz!.cameraSettled());
      await page.screenshot({ path: testInfo.outputPath(`short-${view.width}x${view.height}.png`) });
      await context.close();
    });

  test.describe('in a blog column on another origin', () => {
    let host: Server;
    let HOST = '';
    test.beforeAll(async ({ browserName: _ }, testInfo) => {
      const app = testInfo.project.use.baseURL!;
      host = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (url.pathname !== '/post.html') {
          res.writeHead(204).end();
          return;
        }
        const id = url.searchParams.get('id') ?? 'pod-to-pod-cross-node';
        const theme = url.searchParams.get('theme') ?? 'light';
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>a post</title>
          <style>body{margin:0;font:16px Georgia,serif} p{max-width:720px;margin:1em auto}</style>
          <p>How a packet reaches a Service, step by step:</p>
          <iframe id="viz" src="${app}/?embed=1&theme=${theme}#example=${id}&step=0" width="720" height="450"
            style="display:block;margin:0 auto;border:0" sandbox="allow-scripts allow-same-origin allow-popups"></iframe>
          <p>${'Text after the embed. '.repeat(200)}</p>`);
      });
      HOST = await new Promise((resolve) =>
        host.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(host.address() as { port: number }).port}`)),
      );
    });
    test.afterAll(() => new Promise<void>((resolve) => host.close(() => resolve())));

    async function frameOf(page: Page): Promise<Frame> {
      const frame = (await (await page.locator('#viz').elementHandle())!.contentFrame())!;
      await frame.waitForFunction(() => window.__netviz !== undefined);
      await frame.evaluate(() => window.__netviz!.whenReady());
      return frame;
    }

    test('720x450: path labels at least 12 px, the caption at least 14 px, one row of controls', async ({
      app,
    }, testInfo) => {
      const { page } = app;
      await page.emulateMedia({ reducedMotion: 'reduce' });
      for (const id of SCENARIOS) {
        await page.goto(`${HOST}/post.html?id=${id}`);
        const frame = await frameOf(page);
        const m = await measure(frame, `embed 720x450 ${id}`);
        expect(m.problems).toEqual([]);
        expect(m.minLabel).toBeGreaterThanOrEqual(12);
        expect(m.minCaption).toBeGreaterThanOrEqual(14);
      }
      const frame = await frameOf(page);
      await frame.evaluate(() => window.__netviz!.stepTo(9));
      await frame.evaluate(() => window.__netviz!.cameraSettled());
      await page.locator('#viz').screenshot({ path: testInfo.outputPath('embed-720x450.png') });
    });

    test('the controls stay one row from 320 to 1200 px wide', async ({ app }) => {
      const { page } = app;
      await page.goto(`${HOST}/post.html`);
      for (const width of [320, 480, 720, 1200]) {
        await page.evaluate((w) => document.getElementById('viz')!.setAttribute('width', String(w)), width);
        const frame = await frameOf(page);
        await expect.poll(() => frame.evaluate(() => window.innerWidth)).toBe(width);
        const row = await frame.evaluate(() => {
          const bar = document.querySelector('[data-embed-chrome]')!;
          const kids = [...bar.children].map((c) => c.getBoundingClientRect());
          const top = Math.min(...kids.map((r) => r.top));
          return {
            rows: new Set(kids.map((r) => Math.round(r.top - top) > 8)).size,
            overflow: bar.scrollWidth - bar.clientWidth,
            right: Math.max(...kids.map((r) => r.right)),
          };
        });
        expect(row.rows, `one row at ${width} px`).toBe(1);
        expect(row.overflow, `nothing cut at ${width} px`).toBeLessThanOrEqual(0);
        expect(row.right).toBeLessThanOrEqual(width);
      }
    });
  });
});

/** The store's camera and playback flags, as the handle shows them. */
const flags = (target: Page | Frame) =>
  target.evaluate(() => {
    const s = window.__netviz!.getState() as { step: number; follow: boolean };
    return { step: s.step, follow: s.follow };
  });

test.describe('the presenter stage', () => {
  test('clicker keys step; B blanks; L and I open the panels; a drag stops following, . resumes; Esc leaves', async ({
    app,
  }) => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await app.goto('/?present=1#example=pod-to-pod-cross-node&step=2');
    await expect(page.getByTestId('presenter')).toBeVisible();
    await expect(page.getByRole('banner')).toHaveCount(0);
    const sentence = page.getByTestId('stage.sentence');
    const hopText = (i: number) => page.evaluate((k) => window.__netviz!.steps()[k]!.text, i);
    await expect(sentence).toHaveText(await hopText(2));
    await expect(page.getByTestId('stage.caption')).toContainText('step 3 of');

    await page.keyboard.press('PageDown');
    await expect.poll(async () => (await flags(page)).step).toBe(3);
    await expect(sentence).toHaveText(await hopText(3));

    // B blanks the screen; the next key only brings the picture back
    await page.keyboard.press('b');
    await expect(page.getByTestId('stage.blank')).toBeVisible();
    await page.keyboard.press('PageDown');
    await expect(page.getByTestId('stage.blank')).toHaveCount(0);
    expect((await flags(page)).step).toBe(3);

    // L: the event list over the right side, and the camera keeps the path clear of it
    await page.keyboard.press('l');
    const side = page.locator('[data-stage-overlay="side"]');
    await expect(side.getByTestId('hops.table')).toBeVisible();
    await app.settled();
    const sideBox = (await side.boundingBox())!;
    const labels = await page.evaluate(() => {
      const t = window.__netviz!.currentTrace()!;
      return window.__netviz!.labels([t.hops[3]!.at]);
    });
    expect(labels[0]!.box!.x2).toBeLessThanOrEqual(sideBox.x);
    await page.keyboard.press('i');
    await expect(side.getByTestId('hop.inspector')).toBeVisible();
    await page.keyboard.press('i');
    await expect(side).toHaveCount(0);

    // a drag by hand: the camera lets go; "." follows again
    const stage = (await page.getByTestId('stage').boundingBox())!;
    await page.mouse.move(stage.x + 400, stage.y + 300);
    await page.mouse.down();
    await page.mouse.move(stage.x + 250, stage.y + 200, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await flags(page)).follow).toBe(false);
    await expect(page.getByRole('button', { name: 'Follow', exact: true })).toHaveAttribute('aria-pressed', 'false');
    await page.keyboard.press('.');
    await expect.poll(async () => (await flags(page)).follow).toBe(true);

    // the controls fade when idle and come back with the pointer
    const controls = page.locator('[data-stage-overlay="controls"]');
    await expect(controls).toHaveCSS('opacity', '0', { timeout: 6000 });
    await page.mouse.move(stage.x + 500, stage.y + 100);
    await expect(controls).toHaveCSS('opacity', '1');

    await page.keyboard.press('Escape');
    await expect(page.getByTestId('presenter')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Present' })).toBeVisible();
    await page.keyboard.press('p');
    await expect(page.getByTestId('presenter')).toBeVisible();
  });
});

test('the first screen at 1280x720 shows the built-in cluster whole, node and pod names at least 12 px', async ({
  app,
}) => {
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 720 });
  await app.goto('/');
  await app.settled();
  const { names, stage } = await page.evaluate(() => {
    const h = window.__netviz!;
    const { cluster } = h.getState() as {
      cluster: { nodes: { name: string }[]; pods: { namespace: string; name: string }[] };
    };
    const nodes = cluster.nodes.map((n) => `node/${n.name}`);
    const pods = cluster.pods.map((p) => `pod/${p.namespace}/${p.name}`);
    const r = document.querySelector('[data-testid="canvas.root"]')!.getBoundingClientRect();
    return {
      names: { nodes: h.labels(nodes, true), pods: h.labels(pods, true) },
      stage: { x1: r.left, y1: r.top, x2: r.right, y2: r.bottom },
    };
  });
  const sizes = (xs: { fontPx: number }[]) => xs.map((x) => x.fontPx);
  console.log(
    `first screen 1280x720: ${names.nodes.length} node names min ${Math.min(...sizes(names.nodes)).toFixed(1)} px; ${names.pods.length} pod names min ${Math.min(...sizes(names.pods)).toFixed(1)} px`,
  );
  expect(names.nodes.length).toBe(3);
  expect(names.pods.length).toBeGreaterThanOrEqual(7);
  for (const l of [...names.nodes, ...names.pods]) {
    expect(l.fontPx, l.id).toBeGreaterThanOrEqual(12);
    // whole: every name is drawn inside the diagram
    expect(l.box, l.id).not.toBeNull();
    expect(inside(l.box!, stage), l.id).toBe(true);
  }
  // and the pod names do not run into each other
  const boxes = names.pods.map((l) => l.box!);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++)
      expect(meets(boxes[i]!, boxes[j]!), `${names.pods[i]!.id} and ${names.pods[j]!.id}`).toBe(false);
});

test("off the path, veths and pods' lo are chips without names; on it they keep theirs", async ({ app }) => {
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 720 });
  await app.goto('/');
  await app.settled();
  const ids = ['veth/node-a/default/client', 'veth/node-a/default/app-1', 'dev/pod/default/app-1/lo'];
  const read = () =>
    page.evaluate((xs) => Object.fromEntries(window.__netviz!.labels(xs, true).map((l) => [l.id, l.fontPx])), ids);
  // no packet yet: every one has its name
  for (const px of Object.values(await read())) expect(px).toBeGreaterThan(0);
  await app.goto('/#example=pod-to-pod-cross-node&step=3');
  await app.settled();
  const during = await read();
  expect(during['veth/node-a/default/client']).toBeGreaterThanOrEqual(12);
  expect(during['veth/node-a/default/app-1']).toBe(0);
  expect(during['dev/pod/default/app-1/lo']).toBe(0);
});

test('the scenario explanation takes two lines above the diagram; More opens the rest, Less closes it', async ({
  app,
}) => {
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 720 });
  await app.goto('/#example=ingress&step=3');
  const explanation = page.getByTestId('scenario.explanation');
  const more = page.getByTestId('scenario.more');
  const closed = (await explanation.boundingBox())!.height;
  expect(closed).toBeLessThanOrEqual(60);
  await expect(more).toHaveAttribute('aria-expanded', 'false');
  // the whole text is there for a screen reader even while it is clamped
  await expect(explanation).toContainText('X-Forwarded-For');
  await more.click();
  await expect(more).toHaveAttribute('aria-expanded', 'true');
  await expect(more).toHaveText('Less');
  expect((await explanation.boundingBox())!.height).toBeGreaterThan(closed + 20);
  await more.click();
  await expect(more).toHaveText('More');
  expect((await explanation.boundingBox())!.height).toBe(closed);
});

test('a selection never resizes the diagram under the pointer', async ({ app }) => {
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 720 });
  await app.goto('/');
  const before = (await page.getByTestId('canvas.root').boundingBox())!;
  const box = await page.evaluate(() => window.__netviz!.renderedBox('pod/default/client'));
  await page.mouse.click((box.x1 + box.x2) / 2, box.y1 + 4);
  await expect(page.getByTestId('selection.inspector')).toBeVisible();
  expect(await page.getByTestId('canvas.root').boundingBox()).toEqual(before);
  // and the first packet does not move it either
  await page.getByRole('button', { name: 'Send packet' }).click();
  await expect(page.getByTestId('hops.table')).toBeVisible();
  expect(await page.getByTestId('canvas.root').boundingBox()).toEqual(before);
});

test.describe('touch in a blog column', () => {
  let host: Server;
  let HOST = '';
  test.beforeAll(async ({ browserName: _ }, testInfo) => {
    const app = testInfo.project.use.baseURL!;
    host = createServer((req, res) => {
      if (!(req.url ?? '').startsWith('/post.html')) {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>a post</title>
        <meta name="viewport" content="width=device-width">
        <p style="height:300px">Before the embed.</p>
        <iframe id="viz" src="${app}/?embed=1#example=pod-to-pod-cross-node&step=2" width="380" height="420"
          style="display:block;border:0" sandbox="allow-scripts allow-same-origin"></iframe>
        <p style="height:2000px">After the embed.</p>`);
    });
    HOST = await new Promise((resolve) =>
      host.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(host.address() as { port: number }).port}`)),
    );
  });
  test.afterAll(() => new Promise<void>((resolve) => host.close(() => resolve())));

  test('a vertical swipe scrolls the page, a horizontal one steps, a tap or two fingers move the diagram', async ({
    browser,
  }) => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    await page.goto(`${HOST}/post.html`);
    const frame = (await (await page.locator('#viz').elementHandle())!.contentFrame())!;
    await frame.waitForFunction(() => window.__netviz !== undefined);
    await frame.evaluate(() => window.__netviz!.whenReady());
    await frame.evaluate(() => window.__netviz!.cameraSettled());
    const cdp = await context.newCDPSession(page);
    const touch = async (points: { x: number; y: number }[][]) => {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points[0]! });
      for (const p of points.slice(1))
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: p });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    };
    const line = (from: { x: number; y: number }, to: { x: number; y: number }, n = 8) =>
      Array.from({ length: n + 1 }, (_, i) => [
        { x: from.x + ((to.x - from.x) * i) / n, y: from.y + ((to.y - from.y) * i) / n },
      ]);
    const view = () =>
      frame.evaluate(() => {
        const cy = window.__netviz!.cy() as { zoom(): number; pan(): { x: number; y: number } };
        return { zoom: cy.zoom(), pan: cy.pan() };
      });
    const diagram = async () => {
      const r = (await page.locator('#viz').boundingBox())!;
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    };

    // a horizontal swipe to the left is "next"
    let c = await diagram();
    await touch(line({ x: c.x + 120, y: c.y }, { x: c.x - 120, y: c.y }));
    await expect.poll(async () => (await flags(frame)).step).toBe(3);

    // a vertical swipe scrolls the page; the diagram stays where it was
    const before = await view();
    await touch(line({ x: c.x, y: c.y + 120 }, { x: c.x, y: c.y - 120 }, 12));
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(50);
    expect(await view()).toEqual(before);
    await expect(frame.getByTestId('stage.touch-hint')).toBeVisible();

    // two fingers pinch the diagram (and the page does not move), once the page's fling has stopped
    let scrolled = -1;
    await expect
      .poll(async () => {
        const y = await page.evaluate(() => window.scrollY);
        const still = y === scrolled;
        scrolled = y;
        return still;
      })
      .toBe(true);
    c = await diagram();
    const pinch = Array.from({ length: 9 }, (_, i) => [
      { x: c.x - 30 - i * 10, y: c.y },
      { x: c.x + 30 + i * 10, y: c.y },
    ]);
    await touch(pinch);
    await expect.poll(async () => (await view()).zoom).toBeGreaterThan(before.zoom * 1.5);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    await expect.poll(async () => (await flags(frame)).follow).toBe(false);

    // a tap wakes the diagram: one finger then pans it, until "Done"
    await touch([[c]]);
    await expect(frame.getByTestId('stage.touch-done')).toBeVisible();
    const woke = await view();
    await touch(line({ x: c.x, y: c.y + 60 }, { x: c.x, y: c.y - 60 }));
    await expect.poll(async () => (await view()).pan.y).toBeLessThan(woke.pan.y - 40);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    await frame.getByTestId('stage.touch-done').tap();
    await expect(frame.getByTestId('stage.touch-done')).toHaveCount(0);
    await context.close();
  });
});

/**
 * What people see, compared with the approved pictures in stage.spec.ts-snapshots (regenerate with
 * `node scripts/e2e.mjs e2e/stage.spec.ts --grep pictures --update-snapshots=all`, then look at them).
 */
test.describe('pictures of the stage', () => {
  const CASES = [
    {
      name: 'presenter-light',
      size: [1280, 720],
      theme: 'light',
      url: '/?present=1&theme=light',
      id: 'pod-to-pod-cross-node',
      step: 9,
    },
    {
      name: 'presenter-dark',
      size: [1280, 720],
      theme: 'dark',
      url: '/?present=1&theme=dark',
      id: 'pod-to-service',
      step: 7,
    },
    { name: 'column-light', size: [720, 450], theme: 'light', url: '/?embed=1&theme=light', id: 'ingress', step: 12 },
    {
      name: 'column-dark',
      size: [720, 450],
      theme: 'dark',
      url: '/?embed=1&theme=dark',
      id: 'pod-to-pod-cross-node',
      step: 12,
    },
    { name: 'phone-light', size: [390, 844], theme: 'light', url: '/?theme=light', id: 'pod-to-service', step: 9 },
    { name: 'phone-dark', size: [390, 844], theme: 'dark', url: '/?theme=dark', id: 'ingress', step: 20 },
  ] as const;
  for (const c of CASES) {
    test(`${c.name}: ${c.id} at step ${c.step}, ${c.size.join('x')}`, async ({ browser }, testInfo) => {
      const context = await browser.newContext({
        viewport: { width: c.size[0], height: c.size[1] },
        hasTouch: c.name.startsWith('phone'),
        isMobile: c.name.startsWith('phone'),
        reducedMotion: 'reduce',
        baseURL: testInfo.project.use.baseURL!,
      });
      const page = await context.newPage();
      await page.goto(`${c.url}#example=${c.id}&step=${c.step}`);
      await page.waitForFunction(() => window.__netviz !== undefined);
      await page.evaluate(() => window.__netviz!.whenReady());
      await expect.poll(() => page.evaluate(() => (window.__netviz!.getState() as { step: number }).step)).toBe(c.step);
      await page.evaluate(() => window.__netviz!.cameraSettled());
      // the presenter's controls show while the pointer rests on them (and no tooltip opens)
      if (c.name.startsWith('presenter')) {
        const controls = (await page.getByTestId('presenter.controls').boundingBox())!;
        await page.mouse.move(controls.x + controls.width - 4, controls.y + controls.height / 2);
      }
      await page.screenshot({ path: testInfo.outputPath(`${c.name}.png`) });
      await expect(page).toHaveScreenshot(`${c.name}.png`, { maxDiffPixelRatio: 0.01, animations: 'disabled' });
      await context.close();
    });
  }
});

test('"Larger text" grows the path labels, the caption and the panels, and never shrinks the diagram', async ({
  app,
}) => {
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await app.goto('/#example=pod-to-pod-cross-node&step=5');
  await app.settled();
  const read = () =>
    page.evaluate(() => {
      const t = window.__netviz!.currentTrace()!;
      const fonts = window.__netviz!.labels([t.hops[4]!.at, t.hops[5]!.at, t.hops[6]!.at]).map((l) => l.fontPx);
      return { min: Math.min(...fonts), height: document.querySelector('[data-testid="canvas.root"]')!.clientHeight };
    });
  const before = await read();
  await page.getByLabel('Settings').click();
  await page.getByLabel('Larger text (projectors)').check();
  await app.settled();
  const after = await read();
  expect(after.height).toBe(before.height);
  expect(after.min).toBeGreaterThanOrEqual(before.min * 1.2);
  // the presenter's caption too
  await page.keyboard.press('Escape');
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await page.keyboard.press('p');
  await expect(page.getByTestId('stage.caption')).toHaveCSS('font-size', '32px');
});

test('keyboard and clicker: after a choice PageDown steps; dialogs and the menu close on Esc, focus back', async ({
  app,
}) => {
  const { page } = app;
  await app.goto('/');
  // a scenario picked from the drop-down: the clicker's PageDown then steps the packet
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption('pod-to-pod-cross-node');
  await expect(page.getByRole('button', { name: 'Next' })).toBeFocused();
  await page.getByRole('button', { name: 'Pause' }).click();
  const before = (await flags(page)).step;
  await page.getByRole('button', { name: 'Next' }).focus();
  await page.keyboard.press('PageDown');
  await expect.poll(async () => (await flags(page)).step).toBe(before + 1);
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('pod-to-pod-cross-node');
  // the same after a speed or a CNI choice
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('2');
  await expect(page.getByRole('button', { name: 'Next' })).toBeFocused();

  // Share: a modal dialog; Tab stays in it, Esc closes it and focus returns to the Share button
  const share = page.getByRole('button', { name: 'Share' });
  await share.click();
  const dialog = page.getByRole('dialog', { name: 'Share' });
  await expect(dialog).toBeVisible();
  for (let i = 0; i < 12; i++) await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(share).toBeFocused();

  // the shortcuts: ? opens them, Esc closes them
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toHaveCount(0);

  // the settings menu closes on Esc, leaving focus on its button
  await page.getByLabel('Settings').click();
  await expect(page.getByLabel('Larger text (projectors)')).toBeVisible();
  await page.getByLabel('Larger text (projectors)').focus();
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Larger text (projectors)')).toBeHidden();
  await expect(page.getByLabel('Settings')).toBeFocused();
});

test('the narration is a few words per hop while playing, the whole sentence when stepping', async ({ app }) => {
  const { page } = app;
  await app.goto('/#example=pod-to-pod-cross-node&step=0');
  await page.getByRole('button', { name: 'Play' }).click();
  const narration = page.getByTestId('narration');
  await expect(narration).toHaveText(/^[^:]+(: [^:]+)?: [a-zA-Z ()-]+( to [\d.:]+)?$/);
  expect((await narration.textContent())!.length).toBeLessThan(80);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(narration).toHaveText(/^Step \d+ of \d+: .{40,}/);
});

test('reduced motion follows the system setting live: the camera then cuts instead of gliding', async ({ app }) => {
  const { page } = app;
  await app.goto('/#example=pod-to-pod-cross-node&step=2');
  await app.settled();
  const reduced = () => page.evaluate(() => (window.__netviz!.getState() as { reducedMotion?: boolean }).reducedMotion);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await expect.poll(reduced).toBe(true);
  // a step's camera move is a cut: settled on the next frame, no animation running
  await page.evaluate(() => window.__netviz!.stepTo(9));
  const animating = await page.evaluate(() => (window.__netviz!.cy() as { animated(): boolean }).animated());
  expect(animating).toBe(false);
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await expect.poll(reduced).toBe(false);
  await page.evaluate(() => window.__netviz!.stepTo(2));
  expect(await page.evaluate(() => (window.__netviz!.cy() as { animated(): boolean }).animated())).toBe(true);
});
