/**
 * `<k8s-netviz ctl>`: click to load. Until the reader presses the poster, a host page downloads only
 * embed.js and the scenario's small poster (budget: 30 kB, as a static host serves them, gzip for
 * text); the app loads on the click. The site is the one scripts/e2e.mjs built (with posters).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test, expect } from './fixtures';

const DIST = join(import.meta.dirname, '..', 'dist');
const SUB = '/k8s-netviz/';
const BUDGET = 30 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.webmanifest': 'application/manifest+json',
};
const TEXT = new Set(['.html', '.js', '.css', '.svg', '.webmanifest']);

let appServer: Server;
let hostServer: Server;
let APP = '';
let HOST = '';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)),
  );
}

test.beforeAll(async () => {
  // a static host as GitHub Pages is one: files under a sub-path, text gzipped when the browser
  // accepts it, `Access-Control-Allow-Origin: *` (embed.js is loaded as a module from other sites)
  appServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(SUB)) return void res.writeHead(404).end();
    let rel = normalize(decodeURIComponent(url.pathname.slice(SUB.length)));
    if (rel === '.' || rel === '' || rel.endsWith('/')) rel = join(rel, 'index.html');
    if (rel.startsWith('..')) return void res.writeHead(403).end();
    readFile(join(DIST, rel)).then(
      (body) => {
        const ext = extname(rel);
        const headers: Record<string, string> = {
          'content-type': TYPES[ext] ?? 'application/octet-stream',
          'access-control-allow-origin': '*',
        };
        if (TEXT.has(ext) && /gzip/.test(String(req.headers['accept-encoding']))) {
          headers['content-encoding'] = 'gzip';
          body = gzipSync(body);
        }
        res.writeHead(200, headers).end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  hostServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/post.html') return void res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>a blog post</title>
      <p>Some text before the diagram.</p>
      <script type="module" src="${APP}${SUB}embed.js"></script>
      <div style="width: 800px">
        <k8s-netviz ctl example="${url.searchParams.get('example')}" step="3">
          <a href="${APP}${SUB}#example=pod-to-service">Open the scenario in k8s-netviz</a>
        </k8s-netviz>
      </div>`);
  });
  [APP, HOST] = await Promise.all([listen(appServer), listen(hostServer)]);
});

test.afterAll(async () => {
  await Promise.all([appServer, hostServer].map((s) => new Promise((r) => s.close(r))));
});

test('ctl: a poster within 30 kB until the click, then the app at the scenario', async ({ app }) => {
  const { page } = app;
  const fromApp: { path: string; bytes: number }[] = [];
  page.on('requestfinished', (request) => {
    if (!request.url().startsWith(APP)) return;
    void request.sizes().then((sizes) =>
      fromApp.push({
        path: new URL(request.url()).pathname.slice(SUB.length),
        bytes: sizes.responseBodySize + sizes.responseHeadersSize,
      }),
    );
  });

  // the largest poster of all the scenarios: the budget holds for every one
  const posters = (await import('node:fs')).readdirSync(join(DIST, 'posters')).filter((f) => f.endsWith('-600.webp'));
  expect(posters.length).toBeGreaterThanOrEqual(13);
  const sizes = await Promise.all(
    posters.map(async (f) => ({ f, size: (await readFile(join(DIST, 'posters', f))).length })),
  );
  const largest = sizes.sort((a, b) => b.size - a.size)[0]!.f.replace(/-600\.webp$/, '');

  await page.goto(`${HOST}/post.html?example=${largest}`);
  const button = page.getByRole('button', { name: /^Load the interactive diagram/ });
  await expect(button).toBeVisible();
  const poster = page.locator('k8s-netviz').locator('img');
  await expect(poster).toHaveJSProperty('complete', true);
  expect(await poster.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(600);
  await page.waitForLoadState('networkidle');
  await expect.poll(() => fromApp.length).toBe(2);
  expect(fromApp.map((r) => r.path).sort()).toEqual(['embed.js', `posters/${largest}-600.webp`]);
  const before = fromApp.reduce((sum, r) => sum + r.bytes, 0);
  console.log(
    `click-to-load: ${before} bytes before the click (${fromApp.map((r) => `${r.path} ${r.bytes}`).join(', ')})`,
  );
  expect(before).toBeLessThanOrEqual(BUDGET);
  await expect(page.locator('k8s-netviz iframe')).toHaveCount(0);

  await button.click();
  const iframe = page.locator('k8s-netviz iframe');
  await expect(iframe).toHaveAttribute('src', new RegExp(`^${APP}${SUB}\\?embed=1&.*#example=${largest}&step=3$`));
  const frame = await (await iframe.elementHandle())!.contentFrame();
  await frame!.waitForFunction(() => window.__netviz !== undefined);
  await frame!.evaluate(() => window.__netviz!.whenReady());
  expect(((await frame!.evaluate(() => window.__netviz!.getState())) as { step: number }).step).toBe(3);
  await expect(button).toHaveCount(0);
  expect(fromApp.some((r) => r.path.startsWith('assets/'))).toBe(true);
});
