// The browser part of `npm run bench`: builds the app, serves it, and in headless Chromium measures
// for each generated size the time from navigation to the first drawn diagram and the frames per
// second while panning (at fit zoom and at zoom 1.0), next to a bare-Cytoscape baseline page drawn
// with every container in the same run. Also prints the initial JavaScript, gzipped.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { preview as previewServer } from 'vite';
import { findChromium } from './browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// BENCH_SIZES=10x10,50x20 measures only those sizes (a quicker run while working on one)
// BENCH_SIZES=none measures the camera alone; BENCH_CAMERA=0 leaves the camera out
const SIZES =
  process.env.BENCH_SIZES === 'none'
    ? []
    : process.env.BENCH_SIZES
      ? process.env.BENCH_SIZES.split(',')
      : ['3x4', '10x10', '50x20', '100x50'];
// BENCH_RUNS=1 for a quick look; 3 by default
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const APP_PORT = 4175;
const BASE_PORT = 4176;

if (!process.argv.includes('--no-build')) {
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// initial JavaScript: what index.html loads, plus the app (start-*.js) that its small entry always
// imports at once, before anything is imported on demand
const html = await readFile(join(root, 'dist', 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
for (const entry of [...initial]) {
  const code = await readFile(join(root, 'dist', entry), 'utf8');
  for (const m of code.matchAll(/import\(\s*[`'"]\.\/(start-[\w-]+\.js)[`'"]\s*\)/g)) {
    if (!initial.includes(`assets/${m[1]}`)) initial.push(`assets/${m[1]}`);
  }
}
// ...plus what those modules import statically (shared chunks), which the browser loads too
for (let i = 0; i < initial.length; i++) {
  const code = await readFile(join(root, 'dist', initial[i]), 'utf8');
  for (const m of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w{},\s*$]+from\s*)?["']\.\/([\w.-]+\.js)["']/g)) {
    const file = `assets/${m[1]}`;
    if (!initial.includes(file)) initial.push(file);
  }
}
let initialGz = 0;
for (const file of initial) initialGz += gzipSync(await readFile(join(root, 'dist', file))).length;
const lazy = (await readdir(join(root, 'dist', 'assets'))).filter(
  (f) => f.endsWith('.js') && !initial.includes(`assets/${f}`),
);

// the baseline page
const baseDir = await mkdtemp(join(tmpdir(), 'k8s-netviz-baseline-'));
await build({
  entryPoints: [join(root, 'scripts', 'bench', 'baseline-entry.mjs')],
  outfile: join(baseDir, 'baseline.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'warning',
  minify: true,
});
await writeFile(
  join(baseDir, 'index.html'),
  '<!doctype html><html><body style="margin:0"><div id="cy" style="width:1280px;height:800px"></div><script type="module" src="./baseline.js"></script></body></html>',
);
const baseServer = createServer(async (req, res) => {
  const name = (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : 'baseline.js';
  res.setHeader('content-type', name.endsWith('.html') ? 'text/html' : 'text/javascript');
  res.end(await readFile(join(baseDir, name)));
}).listen(BASE_PORT, '127.0.0.1');

// served in this process (a spawned `npx vite preview` left its server running after the bench)
const preview = await previewServer({
  root,
  logLevel: 'warn',
  preview: { port: APP_PORT, strictPort: true, host: '127.0.0.1' },
});

const { executablePath } = findChromium();
const browser = await chromium.launch({
  ...(executablePath ? { executablePath } : {}),
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

/**
 * Frames per second over 90 frames of a mouse drag on the diagram's background (a press near the
 * top-left corner, then a move of 4 px per frame), dispatched from inside the page so that every
 * frame carries exactly one move: what a user panning with the mouse makes the renderer do.
 */
const PAN_FPS = (cyExpr) => `new Promise((resolve) => {
  const cy = ${cyExpr};
  const el = cy.container();
  const rect = el.getBoundingClientRect();
  let x = rect.left + 6;
  const y = rect.top + 6;
  el.dispatchEvent(new MouseEvent('mousedown', { clientX: x, clientY: y, bubbles: true, button: 0, buttons: 1 }));
  let frames = 0;
  const start = performance.now();
  const step = () => {
    x += 4;
    window.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true, buttons: 1 }));
    frames++;
    if (frames < 90) requestAnimationFrame(step);
    else {
      window.dispatchEvent(new MouseEvent('mouseup', { clientX: x, clientY: y, bubbles: true }));
      resolve(frames / ((performance.now() - start) / 1000));
    }
  };
  requestAnimationFrame(step);
})`;

/**
 * Each page is measured in a new window that has had time to settle: Debian's full Chromium builds
 * its omnibox popup (a WebUI page in a renderer of its own) for every new window, even headless,
 * about 1.7 s of CPU that otherwise ran during the measured load and took one of this machine's
 * two cores from the page. A user's browser is open before they follow a link.
 *
 * Each window has a browser context of its own, so every load is a first visit: nothing in the HTTP
 * cache or V8's code cache. (Shared, they warmed the app alone: `vite preview` sends validators and
 * the baseline's server none. Measured both ways, 10x10 ratio 0.96 shared, 0.95 cold.)
 */
const SETTLE_MS = 2500;
async function openSettled() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('close', () => void context.close());
  await page.waitForTimeout(SETTLE_MS);
  return page;
}

async function measure(url, rendered, cyExpr) {
  const page = await openSettled();
  await page.goto(url, { timeout: 120_000 });
  const ms = await page.evaluate(rendered);
  const fitFps = await page.evaluate(PAN_FPS(cyExpr));
  const panned = await page.evaluate(`(${cyExpr}).pan().x`);
  if (!(panned > 0)) console.warn(`  (the drag did not pan ${url}: its fps measures nothing)`);
  await page.evaluate(`(${cyExpr}).zoom(1)`);
  await page.waitForTimeout(200);
  const oneFps = await page.evaluate(PAN_FPS(cyExpr));
  await page.close();
  return { ms, fitFps, oneFps };
}

/** The median of each measurement over several runs. */
function medianOf(runs) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    ms: median(runs.map((r) => r.ms)),
    fitFps: median(runs.map((r) => r.fitFps)),
    oneFps: median(runs.map((r) => r.oneFps)),
  };
}

/**
 * The camera on 50x20: a packet from a pod on one node to a pod on another, ten consecutive steps,
 * each a glide; frames per second = animation frames / glide time. The baseline page animates its
 * own viewport with `cy.animate` to the same zoom and pan targets, one after another.
 */
const GLIDES = `(async () => {
  const h = window.__netviz;
  const s = h.getState();
  const [a, b] = [s.cluster.nodes[1].name, s.cluster.nodes[2].name];
  const from = s.cluster.pods.find((p) => p.node === a && !p.hostNetwork);
  const to = s.cluster.pods.find((p) => p.node === b && !p.hostNetwork);
  h.send({ from: 'pod/' + from.namespace + '/' + from.name, to: 'pod/' + to.namespace + '/' + to.name });
  await new Promise((r) => setTimeout(r, 50));
  h.stepTo(0);
  await h.cameraSettled();
  const cy = h.cy();
  const targets = [];
  let frames = 0;
  let time = 0;
  for (let i = 1; i <= 10; i++) {
    const start = performance.now();
    h.stepTo(i);
    let counting = true;
    const count = () => { if (!counting) return; frames++; requestAnimationFrame(count); };
    requestAnimationFrame(count);
    while (cy.animated()) await new Promise((r) => requestAnimationFrame(r));
    counting = false;
    time += performance.now() - start;
    targets.push({ zoom: cy.zoom(), pan: cy.pan() });
    await h.cameraSettled();
  }
  return { fps: frames / (time / 1000), targets };
})()`;
const BASE_GLIDES = (targets) => `(async () => {
  const cy = window.__baseline.cy;
  let frames = 0;
  let time = 0;
  for (const t of ${JSON.stringify(targets)}) {
    const start = performance.now();
    let counting = true;
    const count = () => { if (!counting) return; frames++; requestAnimationFrame(count); };
    requestAnimationFrame(count);
    await new Promise((resolve) => cy.animate({ zoom: t.zoom, pan: t.pan }, { duration: 450, easing: 'ease-in-out-sine', complete: resolve }));
    counting = false;
    time += performance.now() - start;
    await new Promise((r) => setTimeout(r, 150));
  }
  return frames / (time / 1000);
})()`;

async function cameraRun() {
  const appPage = await openSettled();
  await appPage.goto(`http://127.0.0.1:${APP_PORT}/?generate=50x20`, { timeout: 120_000 });
  await appPage.evaluate(
    `(async () => { while (!window.__netviz) await new Promise((r) => setTimeout(r, 10)); await window.__netviz.whenRendered(); await window.__netviz.whenReady(); })()`,
  );
  const app = await appPage.evaluate(GLIDES);
  await appPage.close();
  const basePage = await openSettled();
  await basePage.goto(`http://127.0.0.1:${BASE_PORT}/?generate=50x20`, { timeout: 120_000 });
  await basePage.evaluate('window.__baselineRendered');
  const base = await basePage.evaluate(BASE_GLIDES(app.targets));
  await basePage.close();
  return { app: app.fps, base };
}

const rows = [];
try {
  if (SIZES.length === 0 || process.env.BENCH_CAMERA !== '0') {
    const runs = [];
    for (let run = 0; run < RUNS; run++) runs.push(await cameraRun());
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const app = median(runs.map((r) => r.app));
    const base = median(runs.map((r) => r.base));
    console.log(
      `camera on 50x20, 10 glides (median of ${RUNS}): app ${app.toFixed(0)} fps, bare Cytoscape cy.animate ${base.toFixed(0)} fps, ratio ${(app / base).toFixed(2)} (runs: ${runs.map((r) => `${r.app.toFixed(0)}/${r.base.toFixed(0)}`).join(', ')})`,
    );
  }
  for (const size of SIZES) {
    // app and baseline alternate, RUNS times each; the medians are printed (single runs here vary
    // by 10-20 %, which would decide a ratio near 1 by chance)
    const apps = [];
    const bases = [];
    for (let run = 0; run < RUNS; run++) {
      apps.push(
        await measure(
          `http://127.0.0.1:${APP_PORT}/?generate=${size}`,
          // the time of the first drawn frame, as the baseline records its first `render` event
          `(async () => { while (!window.__netviz) await new Promise((r) => setTimeout(r, 10)); return window.__netviz.whenRendered(); })()`,
          'window.__netviz.cy()',
        ),
      );
      bases.push(
        await measure(
          `http://127.0.0.1:${BASE_PORT}/?generate=${size}`,
          'window.__baselineRendered',
          'window.__baseline.cy',
        ),
      );
    }
    const app = medianOf(apps);
    const base = medianOf(bases);
    rows.push({ size, app, base });
    const spread = (xs) =>
      `${Math.min(...xs.map((x) => x.ms)).toFixed(0)}-${Math.max(...xs.map((x) => x.ms)).toFixed(0)}`;
    console.log(
      `${size.padEnd(7)} first render (median of ${RUNS}): app ${app.ms.toFixed(0).padStart(6)} ms, bare Cytoscape ${base.ms.toFixed(0).padStart(6)} ms, ratio ${(app.ms / base.ms).toFixed(2)}` +
        ` (ranges ${spread(apps)} / ${spread(bases)}) | pan fps at fit: app ${app.fitFps.toFixed(0)}, bare ${base.fitFps.toFixed(0)} | at zoom 1: app ${app.oneFps.toFixed(0)}, bare ${base.oneFps.toFixed(0)}`,
    );
  }
  if (SIZES.length > 0) {
    // packets in flight: 200 requests at once on 50x20, next to the baseline with the same overlay
    const FPS = `new Promise((resolve) => { let frames = 0; const start = performance.now();
      const step = () => { frames++; if (performance.now() - start < 2000) requestAnimationFrame(step); else resolve(frames / ((performance.now() - start) / 1000)); };
      requestAnimationFrame(step); })`;
    const appPage = await openSettled();
    await appPage.goto(`http://127.0.0.1:${APP_PORT}/?generate=50x20`, { timeout: 120_000 });
    await appPage.evaluate(
      `(async () => { while (!window.__netviz) await new Promise((r) => setTimeout(r, 10)); await window.__netviz.whenRendered(); })()`,
    );
    const sent = await appPage.evaluate('window.__netviz.burst(200)');
    await appPage.waitForTimeout(1500);
    const appFps = await appPage.evaluate(FPS);
    await appPage.close();
    const basePage = await openSettled();
    await basePage.goto(`http://127.0.0.1:${BASE_PORT}/?generate=50x20`, { timeout: 120_000 });
    await basePage.evaluate('window.__baselineRendered');
    await basePage.evaluate('window.__baselinePackets(200)');
    const baseFps = await basePage.evaluate(FPS);
    await basePage.close();
    console.log(
      `200 packets in flight on 50x20: app ${appFps.toFixed(0)} fps${sent ? '' : ' (the burst was not sent!)'}, bare Cytoscape + overlay ${baseFps.toFixed(0)} fps, ratio ${(appFps / baseFps).toFixed(2)}`,
    );
  }
} finally {
  await browser.close();
  await preview.close();
  baseServer.close();
}
console.log(
  `initial JavaScript: ${(initialGz / 1024).toFixed(1)} KiB gzipped (${initial.join(', ')}); loaded on demand: ${lazy.join(', ')}`,
);
