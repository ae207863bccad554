// `npm run build:site`: the site to publish (GitHub Pages or any static host), in dist/:
//   - the app (vite build), with its offline service worker and manifest;
//   - a link-preview page per built-in scenario, s/<id>/index.html (src/app/site/previewPages.ts),
//     and s/open.js, which sends a person on to the app at that scenario;
//   - a poster per scenario, posters/<id>.png (1200x630), rendered from the built app in headless
//     Chromium (scripts/browser.mjs finds one) and checked for not being blank.
// Environment: SITE_URL, the site's absolute URL (the previews' og:image and og:url must be
// absolute; default http://localhost:4173/ with a warning), and BASE_PATH, an absolute base for
// the app's files (default: relative, which works from any sub-path). Runs offline.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import { findChromium } from './browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const started = Date.now();
const log = (message) => console.log(`build:site: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

const basePath = process.env.BASE_PATH || '';
if (basePath && !/^\/([^/?#]+\/)*$/.test(basePath)) {
  console.error(`build:site: BASE_PATH must start and end with a slash, as /k8s-netviz/ (got ${basePath})`);
  process.exit(2);
}
let siteUrl = process.env.SITE_URL || '';
if (!siteUrl) {
  siteUrl = `http://localhost:4173${basePath || '/'}`;
  console.warn(`build:site: no SITE_URL; the link previews point at ${siteUrl}`);
}
if (!/^https?:\/\//.test(siteUrl)) {
  console.error(`build:site: SITE_URL must be an http(s) URL (got ${siteUrl})`);
  process.exit(2);
}
if (!siteUrl.endsWith('/')) siteUrl += '/';

// 1. The app. (vite.config.ts reads BASE_PATH.)
const vite = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (vite.status !== 0) process.exit(vite.status ?? 1);
log('app built');

// 2. The preview pages, from the scenario catalog bundled for Node (it is TypeScript).
const tmp = join(root, 'node_modules', '.tmp');
mkdirSync(tmp, { recursive: true });
const bundled = join(tmp, 'previewPages.mjs');
await build({
  entryPoints: [join(root, 'src', 'app', 'site', 'previewPages.ts')],
  outfile: bundled,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const { previewScenarios, previewPage, OPEN_SCRIPT, POSTER } = await import(
  `${pathToFileURL(bundled).href}?t=${Date.now()}`
);
const scenarios = previewScenarios();
rmSync(join(dist, 's'), { recursive: true, force: true });
mkdirSync(join(dist, 's'), { recursive: true });
writeFileSync(join(dist, 's', 'open.js'), OPEN_SCRIPT);
for (const scenario of scenarios) {
  mkdirSync(join(dist, 's', scenario.id), { recursive: true });
  writeFileSync(join(dist, 's', scenario.id, 'index.html'), previewPage(scenario, siteUrl));
}
log(`${scenarios.length} preview pages`);

// 3. The posters, from the built app served here on a port the system picks.
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};
const prefix = basePath || '/';
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  if (!path.startsWith(prefix)) return void res.writeHead(404).end();
  let file = normalize(join(dist, path.slice(prefix.length)));
  if (!file.startsWith(dist)) return void res.writeHead(403).end();
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const { executablePath } = findChromium();
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
mkdirSync(join(dist, 'posters'), { recursive: true });
try {
  const context = await browser.newContext({
    viewport: POSTER,
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
    colorScheme: 'light',
    serviceWorkers: 'block',
  });
  const page = await context.newPage();
  // the blank check decodes the PNG in a page of its own: the app's policy allows no data: fetch
  const checker = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  // One page load, then each scenario through the hash, which the embed opens in place: a page load
  // per poster took 2-3 s here, the hash a fraction of that.
  await page.goto(`${origin}${prefix}?embed=1&controls=none&theme=light#example=${scenarios[0].id}`);
  await page.waitForFunction(() => window.__netviz !== undefined);
  await page.evaluate(() => window.__netviz.whenRendered());
  await page.evaluate(() => window.__netviz.whenReady());
  let shown = null;
  for (const { id } of scenarios) {
    if (shown !== null) {
      await page.evaluate((hash) => (window.location.hash = hash), `#example=${id}`);
      // the scenario is on screen once the trace is its own: a new trace object (two scenarios may
      // send the same request to different clusters, as the two ReferenceGrant scenarios do)
      await page.waitForFunction(() => {
        const trace = window.__netviz.currentTrace();
        return trace !== null && trace !== window.__posterShown;
      });
      await page.evaluate(() => window.__netviz.whenRendered());
    }
    shown = await page.evaluate(() => {
      window.__posterShown = window.__netviz.currentTrace();
      return true;
    });
    // The last step of the way there, as the camera frames it: where the packet ended up and why
    // (two scenarios may share most of a path, not the outcome), the path lit, labels that can be
    // read, the step's sentence under it. (The whole cluster fitted into 1200x630 leaves the labels
    // unreadable.)
    await page.evaluate(() => {
      const trace = window.__netviz.currentTrace();
      if (!trace) throw new Error('the scenario has no trace');
      // the timeline (docs/trace-format.md): DNS, then each exchange of the conversation; the
      // last step towards a server is where the request ended up (through a proxy: at the
      // backend, or at the proxy that answered by itself)
      let step = trace.dns?.hops.length ?? 0;
      let there = step + trace.hops.length - 1;
      for (const x of trace.conversation ?? []) {
        // the hops the exchange plays: its range less those a later packet skips
        const length = x.to - x.from - (x.skip?.length ?? 0);
        if (x.direction === 'to-server') there = step + length - 1;
        step += length;
      }
      window.__netviz.stepTo(Math.max(0, there));
    });
    await page.evaluate(() => window.__netviz.cameraSettled());
    const png = await page.screenshot({ type: 'png' });
    const check = await inspectPoster(checker, png);
    if (errors.length > 0) throw new Error(`poster ${id}: the page failed: ${errors.join('; ')}`);
    if (check.colours < 16 || check.inked < 0.03)
      throw new Error(`poster ${id} looks blank (${check.colours} colours, ${(check.inked * 100).toFixed(1)}% inked)`);
    writeFileSync(join(dist, 'posters', `${id}.png`), png);
    writeFileSync(join(dist, 'posters', `${id}-600.webp`), Buffer.from(check.small, 'base64'));
  }
  await context.close();
} finally {
  await browser.close();
  server.close();
}
log(`${scenarios.length} posters`);

/**
 * How much of a screenshot is drawn: distinct colours (of a sample) and the share of pixels that
 * differ from the top-left one (the background); a page that failed to draw is one or two colours.
 * Also the poster at half size as WebP (`small`, base64), for embed.js's click-to-load poster, which
 * must stay within a host page's budget (docs/embedding.md).
 */
async function inspectPoster(page, png) {
  return page.evaluate(async (b64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    const colours = new Set();
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      const rgb = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      if (i % 64 === 0) colours.add(rgb);
      if (Math.abs(data[i] - data[0]) + Math.abs(data[i + 1] - data[1]) + Math.abs(data[i + 2] - data[2]) > 24) inked++;
    }
    const half = new OffscreenCanvas(bitmap.width / 2, bitmap.height / 2);
    const hctx = half.getContext('2d');
    hctx.imageSmoothingQuality = 'high';
    hctx.drawImage(bitmap, 0, 0, half.width, half.height);
    const webp = await half.convertToBlob({ type: 'image/webp', quality: 0.5 });
    if (webp.type !== 'image/webp') throw new Error(`this Chromium encodes no WebP (${webp.type})`);
    const bytes = new Uint8Array(await webp.arrayBuffer());
    let small = '';
    for (let i = 0; i < bytes.length; i += 0x8000) small += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { colours: colours.size, inked: inked / (data.length / 4), small: btoa(small) };
  }, png.toString('base64'));
}
