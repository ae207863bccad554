/**
 * The embed as a blog reader gets it: the production build served from a sub-path on one origin,
 * host pages on others (node:http servers started here), the iframe sandboxed as the snippet says.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { test, expect } from './fixtures';
import type { Frame, Page } from '@playwright/test';

const DIST = join(import.meta.dirname, '..', 'dist');
const SUB = '/sub/path/';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};
const SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-downloads';

let appServer: Server;
let hostServer: Server;
let strangerServer: Server;
let APP = '';
let HOST = '';
let STRANGER = '';

/** The host pages; each gets the app's origin and base, and its own origin, at request time. */
function hostPage(name: string, query: URLSearchParams): string {
  const base = `${APP}${SUB}`;
  const parentOrigin = query.get('parentOrigin') ?? HOST;
  const hash = query.get('hash') ?? '#example=pod-to-pod-cross-node';
  const opts = query.get('opts') ?? '';
  const collect = `
    <script>
      window.received = [];
      window.addEventListener('message', (e) => { if (e.data && e.data.ns === 'k8s-netviz') window.received.push({ origin: e.origin, data: e.data }); });
      window.send = (name, payload, id) => document.getElementById('viz').contentWindow.postMessage({ ns: 'k8s-netviz', v: 1, type: 'command', id, name, payload }, '*');
    </script>`;
  if (name === '/frame.html') {
    const src = `${base}?embed=1${parentOrigin ? `&parentOrigin=${encodeURIComponent(parentOrigin)}` : ''}${opts}${hash}`;
    return `<!doctype html><title>host</title>${collect}
      <iframe id="viz" src="${src}" width="900" height="520" style="border:0" sandbox="${SANDBOX}" allow="fullscreen; clipboard-write"></iframe>
      <iframe id="sibling" src="/sibling.html" width="10" height="10"></iframe>`;
  }
  if (name === '/sibling.html') {
    // another window of the same (allowed) origin: not the parent, so it may not command
    return `<!doctype html><title>sibling</title><script>
      window.sendToViz = (name, payload, id) => parent.frames[0].postMessage({ ns: 'k8s-netviz', v: 1, type: 'command', id, name, payload }, '*');
    </script>`;
  }
  if (name === '/element.html') {
    return `<!doctype html><title>element host</title>
      <script>window.events = []; for (const t of ['k8snetviz:ready', 'k8snetviz:step', 'k8snetviz:error', 'k8snetviz:resize']) document.addEventListener(t, (e) => window.events.push({ type: t, detail: e.detail }));</script>
      <script src="${base}embed.js"></script>
      <div id="box" style="width: 900px">
        <k8s-netviz id="el" example="pod-to-pod-cross-node" step="2" controls="minimal" theme="dark">
          <a href="${base}#example=pod-to-pod-cross-node&amp;step=2">Open the scenario in k8s-netviz</a>
          <img src="${base}favicon.svg" alt="the scenario">
        </k8s-netviz>
      </div>`;
  }
  return '';
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)),
  );
}

test.beforeAll(async () => {
  appServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(SUB)) {
      res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    let rel = normalize(decodeURIComponent(url.pathname.slice(SUB.length)));
    if (rel === '.' || rel === '' || rel.endsWith('/')) rel = join(rel, 'index.html');
    if (rel.startsWith('..')) {
      res.writeHead(403).end();
      return;
    }
    readFile(join(DIST, rel)).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  const hostHandler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // the browser asks every origin for a favicon; an empty answer keeps the console clean
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const body = hostPage(url.pathname, url.searchParams);
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'text/html' }).end(body);
  };
  hostServer = createServer(hostHandler);
  strangerServer = createServer(hostHandler);
  [APP, HOST, STRANGER] = await Promise.all([listen(appServer), listen(hostServer), listen(strangerServer)]);
});

test.afterAll(async () => {
  await Promise.all([appServer, hostServer, strangerServer].map((s) => new Promise((r) => s.close(r))));
});

async function vizFrame(page: Page): Promise<Frame> {
  const handle = await page.locator('#viz').elementHandle();
  const frame = await handle!.contentFrame();
  await frame!.waitForFunction(() => window.__netviz !== undefined);
  // settled: the trace engine has loaded and applied the scenario's step
  await frame!.evaluate(() => window.__netviz!.whenReady());
  return frame!;
}
const received = (page: Page) =>
  page.evaluate(
    () =>
      (
        window as unknown as {
          received: {
            origin: string;
            data: {
              type: string;
              name: string;
              id: unknown;
              ok?: boolean;
              error?: { code: string };
              result?: unknown;
              payload?: unknown;
            };
          }[];
        }
      ).received,
  );
const vizState = (frame: Frame) =>
  frame.evaluate(() => window.__netviz!.getState() as { step: number; selection: string | null; theme: string });

test.describe('the embed in a frame on another origin', () => {
  test('obeys commands from its parentOrigin and answers them', async ({ app }) => {
    const { page } = app;
    await page.goto(`${HOST}/frame.html`);
    const frame = await vizFrame(page);
    await expect.poll(async () => (await received(page)).some((m) => m.data.name === 'ready')).toBe(true);
    expect((await received(page)).find((m) => m.data.name === 'ready')!.origin).toBe(APP);
    // embed layout, chrome-less, with a way to the full app
    await expect(frame.getByTestId('embed.root')).toBeVisible();
    await expect(frame.getByRole('link', { name: /Open in full app/ })).toHaveAttribute(
      'href',
      new RegExp(`^${APP}${SUB}#example=pod-to-pod-cross-node`),
    );
    await expect(frame.getByRole('button', { name: 'Share' })).toHaveCount(0);
    // a sandbox without allow-forms blocks form submission: the embed has no form to submit
    await expect(frame.locator('form')).toHaveCount(0);
    // paused at the first step: an embed waits for its reader
    expect((await vizState(frame)).step).toBe(0);

    await page.evaluate(() =>
      (window as unknown as { send: (n: string, p: unknown, id: unknown) => void }).send('setStep', { step: 5 }, 'a'),
    );
    await expect.poll(async () => (await vizState(frame)).step).toBe(5);
    await page.evaluate(() =>
      (window as unknown as { send: (n: string, p: unknown, id: unknown) => void }).send(
        'select',
        { id: 'node/node-b' },
        'b',
      ),
    );
    await page.evaluate(() =>
      (window as unknown as { send: (n: string, p: unknown, id: unknown) => void }).send(
        'setOptions',
        { theme: 'dark', view: 'split' },
        'c',
      ),
    );
    await page.evaluate(() =>
      (window as unknown as { send: (n: string, p: unknown, id: unknown) => void }).send('selfDestruct', {}, 'd'),
    );
    await page.evaluate(() =>
      (window as unknown as { send: (n: string, p: unknown, id: unknown) => void }).send(
        'setStep',
        { step: 99999 },
        'e',
      ),
    );
    await page.evaluate(() =>
      (window as unknown as { send: (n: string, p: unknown, id: unknown) => void }).send('getState', undefined, 'f'),
    );
    await expect.poll(async () => (await received(page)).filter((m) => m.data.type === 'response').length).toBe(6);
    const responses = Object.fromEntries(
      (await received(page)).filter((m) => m.data.type === 'response').map((m) => [m.data.id as string, m.data]),
    );
    expect(responses['a']).toMatchObject({ ok: true, name: 'setStep', result: { step: 5 } });
    expect(responses['b']).toMatchObject({ ok: true, result: { selection: 'node/node-b' } });
    expect(responses['c']).toMatchObject({ ok: true, result: { theme: 'dark' } });
    expect(responses['d']).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    expect(responses['e']).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(responses['f']).toMatchObject({
      ok: true,
      result: { step: 5, selection: 'node/node-b', scenario: 'pod-to-pod-cross-node' },
    });
    const s = await vizState(frame);
    expect(s.selection).toBe('node/node-b');
    expect(s.theme).toBe('dark');
    // the view switch is behind "More" in the embed's one compact row
    await frame.getByTestId('embed.more').locator('summary').click();
    await expect(frame.getByRole('button', { name: 'Split' })).toHaveAttribute('aria-pressed', 'true');
    // events followed the changes, to the parent's origin only
    const events = (await received(page)).filter((m) => m.data.type === 'event');
    expect(events.some((m) => m.data.name === 'stepChange' && (m.data.payload as { step: number }).step === 5)).toBe(
      true,
    );
    expect(events.some((m) => m.data.name === 'selectionChange')).toBe(true);

    // a flood is cut off with error responses
    await page.evaluate(() => {
      for (let i = 0; i < 40; i++)
        (window as unknown as { send: (n: string, p: unknown, id: unknown) => void }).send(
          'getState',
          undefined,
          `flood-${i}`,
        );
    });
    await expect
      .poll(async () => (await received(page)).filter((m) => String(m.data.id).startsWith('flood-')).length)
      .toBe(40);
    expect((await received(page)).some((m) => m.data.error?.code === 'rate-limited')).toBe(true);

    // loadManifests: the host page's own cluster (once the rate limit's window has passed)
    await page.waitForTimeout(1100);
    const manifests = `apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: default}\nspec: {nodeName: node-a, containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: default}\nspec: {nodeName: node-b, containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}\n`;
    await page.evaluate(
      (m) =>
        (window as unknown as { send: (n: string, p: unknown, id: unknown) => void }).send(
          'loadManifests',
          { manifests: m, request: { from: 'pod/default/a', to: 'pod/default/b', port: 80 } },
          'g',
        ),
      manifests,
    );
    await expect
      .poll(async () => (await received(page)).find((m) => m.data.id === 'g')?.data)
      .toMatchObject({ ok: true, result: { counts: { pods: 4 } } }); // a and b, and the cluster DNS added as kubeadm would
    const trace = await frame.evaluate(() => window.__netviz!.currentTrace());
    expect(trace!.request.from).toBe('pod/default/a');
    expect(trace!.verdict).toBe('delivered');
  });

  test('ignores the same commands from another origin and from a window that is not its parent', async ({ app }) => {
    const { page } = app;
    // the stranger's page frames the app, but the app was told to obey HOST only
    await page.goto(`${STRANGER}/frame.html?parentOrigin=${encodeURIComponent(HOST)}`);
    const frame = await vizFrame(page);
    const before = await vizState(frame);
    await page.evaluate(() => {
      const w = window as unknown as { send: (n: string, p: unknown, id: unknown) => void };
      w.send('setStep', { step: 5 }, 'x1');
      w.send('select', { id: 'node/node-b' }, 'x2');
      w.send('setOptions', { theme: 'dark' }, 'x3');
      w.send('loadScenario', { example: 'container-to-container' }, 'x4');
    });
    // a sibling frame of the stranger's origin tries too
    const sibling = page.frameLocator('#sibling');
    await sibling.locator('body').waitFor({ state: 'attached' });
    await page.waitForTimeout(500);
    expect(await vizState(frame)).toEqual(before);
    // nothing answered, nothing carrying user data was sent to the stranger
    const got = await received(page);
    expect(got.filter((m) => m.data.type === 'response')).toEqual([]);
    expect(got.filter((m) => !['ready', 'resize'].includes(m.data.name))).toEqual([]);

    // now on the right origin, a sibling window (not the parent) is ignored as well
    await page.goto(`${HOST}/frame.html`);
    const frame2 = await vizFrame(page);
    await expect.poll(async () => (await received(page)).some((m) => m.data.name === 'ready')).toBe(true);
    const siblingFrame = page.frames().find((f) => f.url().endsWith('/sibling.html'))!;
    await siblingFrame.evaluate(() =>
      (window as unknown as { sendToViz: (n: string, p: unknown, id: unknown) => void }).sendToViz(
        'setStep',
        { step: 6 },
        's1',
      ),
    );
    await page.waitForTimeout(500);
    expect((await vizState(frame2)).step).toBe(0);
  });

  test('without parentOrigin it refuses every command and sends only ready and resize', async ({ app }) => {
    const { page } = app;
    await page.goto(`${HOST}/frame.html?parentOrigin=`);
    const frame = await vizFrame(page);
    await expect.poll(async () => (await received(page)).some((m) => m.data.name === 'ready')).toBe(true);
    await page.evaluate(() =>
      (window as unknown as { send: (n: string, p: unknown, id: unknown) => void }).send('setStep', { step: 4 }, 'n1'),
    );
    await frame.evaluate(() => window.__netviz!.stepTo(3));
    await page.waitForTimeout(400);
    expect((await vizState(frame)).step).toBe(3);
    const names = new Set((await received(page)).map((m) => m.data.name));
    expect([...names].sort()).toEqual(['ready', 'resize']);
  });

  test('export works inside the sandboxed frame', async ({ app }) => {
    const { page } = app;
    await page.goto(`${HOST}/frame.html?hash=${encodeURIComponent('#example=pod-to-service&step=2')}`);
    const frame = await vizFrame(page);
    await frame.getByTestId('embed.more').locator('summary').click();
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      frame.getByRole('button', { name: 'JSON' }).click(),
    ]);
    expect(json.suggestedFilename()).toBe('k8s-netviz-scenario.json');
    const [svg] = await Promise.all([
      page.waitForEvent('download'),
      frame.getByRole('button', { name: 'SVG' }).click(),
    ]);
    expect(svg.suggestedFilename()).toBe('k8s-netviz.svg');
  });

  test('a bad link inside the embed shows a message and the default cluster, and tells the parent', async ({ app }) => {
    const { page } = app;
    await page.goto(`${HOST}/frame.html?hash=${encodeURIComponent('#s=z1.broken!')}`);
    const frame = await vizFrame(page);
    await expect(frame.getByTestId('notice')).toContainText('could not be opened');
    expect(await frame.evaluate(() => window.__netviz!.elementCount())).toEqual({
      nodes: 3,
      pods: 7,
      containers: 8,
      services: 3,
    });
    await expect.poll(async () => (await received(page)).some((m) => m.data.name === 'error')).toBe(true);
  });
});

test('keyboard=off leaves the keys to the host page (slides); the default takes them', async ({ app }) => {
  const { page } = app;
  await page.goto(`${HOST}/frame.html?opts=${encodeURIComponent('&keyboard=off&controls=none')}`);
  const frame = await vizFrame(page);
  await expect(frame.getByRole('button', { name: 'Play' })).toHaveCount(0);
  await expect(frame.getByTestId('embed.open')).toBeVisible();
  // a click on the diagram, then keys meant for the deck
  await frame.locator('body').click({ position: { x: 300, y: 300 } });
  expect(await frame.evaluate(() => document.hasFocus())).toBe(false);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(300);
  expect((await vizState(frame)).step).toBe(0);

  await page.goto(`${HOST}/frame.html`);
  const frame2 = await vizFrame(page);
  await frame2.locator('body').click({ position: { x: 300, y: 300 } });
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await vizState(frame2)).step).toBe(1);
});

test.describe('<k8s-netviz>', () => {
  test('builds its sandboxed frame, re-emits events, and follows the width with its height', async ({ app }) => {
    const { page } = app;
    await page.goto(`${HOST}/element.html`);
    const iframe = page.locator('k8s-netviz iframe');
    await expect(iframe).toHaveAttribute('sandbox', SANDBOX);
    await expect(iframe).toHaveAttribute(
      'src',
      new RegExp(
        `^${APP}${SUB}\\?embed=1&theme=dark&controls=minimal&parentOrigin=${encodeURIComponent(HOST)}#example=pod-to-pod-cross-node&step=2$`,
      ),
    );
    // the fallback stays in the document for readers without JavaScript
    await expect(page.locator('k8s-netviz > a')).toHaveAttribute('href', /#example=pod-to-pod-cross-node/);
    const events = () =>
      page.evaluate(
        () => (window as unknown as { events: { type: string; detail: { height?: number; step?: number } }[] }).events,
      );
    await expect.poll(async () => (await events()).some((e) => e.type === 'k8snetviz:ready')).toBe(true);
    const heightAt = async () =>
      Number((await iframe.evaluate((f: HTMLIFrameElement) => f.style.height)).replace('px', ''));
    // minimal controls: a bar, then a 16:10 stage
    await expect.poll(heightAt).toBeGreaterThan(900 * 0.625);
    const wide = await heightAt();
    await page.locator('#box').evaluate((b: HTMLElement) => (b.style.width = '500px'));
    await expect.poll(heightAt).toBeLessThan(wide - 150);
    expect((await events()).filter((e) => e.type === 'k8snetviz:resize').length).toBeGreaterThan(1);

    // stepping from the host page (as a slide deck does) through the element
    await page.locator('#el').evaluate((el: HTMLElement & { step(n: number): Promise<unknown> }) => el.step(4));
    await expect
      .poll(async () => (await events()).some((e) => e.type === 'k8snetviz:step' && e.detail.step === 4))
      .toBe(true);
    await page.locator('#el').evaluate((el: HTMLElement) => el.setAttribute('step', '6'));
    await expect
      .poll(async () => (await events()).some((e) => e.type === 'k8snetviz:step' && e.detail.step === 6))
      .toBe(true);
    // a fixed height attribute wins over the app's reports
    await page.locator('#el').evaluate((el: HTMLElement) => el.setAttribute('height', '333'));
    await expect.poll(heightAt).toBe(333);
  });
});

test('the production build runs from a sub-path (the full app, its worker)', async ({ app }) => {
  const { page } = app;
  await page.goto(`${APP}${SUB}#example=pod-to-pod-cross-node&step=2`);
  await page.waitForFunction(() => window.__netviz !== undefined);
  // the step is applied once the trace engine has loaded (from the sub-path too)
  await expect
    .poll(async () => ((await page.evaluate(() => window.__netviz!.getState())) as { step: number }).step)
    .toBe(2);
  // the editor's worker loads from the sub-path too
  await page.getByRole('button', { name: 'Edit YAML' }).click();
  await expect(page.getByRole('textbox', { name: /Kubernetes manifests/ })).toBeVisible();
});
