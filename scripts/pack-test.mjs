// The package as a user gets it: builds and packs it, checks the
// tarball holds the CLI, the built app, the notices and nothing else, installs it into an empty
// folder without the registry (it has no dependencies: everything is bundled), and from there runs
// `npx k8s-netviz trace`, the kubectl plugin `kubectl-netviz trace` (and `kubectl netviz trace`
// where kubectl exists), and `k8s-netviz open --no-open -f -`, whose address a headless Chromium
// visits to check that the diagram shows the given cluster. Run by `npm test` after the e2e suite.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { findChromium } from './browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'netviz-pack-'));
const manifests = readFileSync(join(root, 'e2e', 'fixtures', 'open-cluster.yaml'), 'utf8');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function check(ok, message) {
  if (!ok) throw new Error(`pack test: ${message}`);
  console.log(`pack test: ok: ${message}`);
}

/** Runs a command to completion; fails the test on a non-zero exit. */
function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (r.status !== 0)
    throw new Error(`pack test: ${command} ${args.join(' ')} exited ${r.status}\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r.stdout;
}

const traceArgs = ['trace', '-f', '-', '--from', 'pod/probe-client', '--to', 'shop', '--port', '80', '--json'];
function checkTrace(output, who) {
  const trace = JSON.parse(output);
  check(
    trace.verdict === 'delivered' && /^default\/shop-/.test(trace.endpoint?.pod ?? ''),
    `${who}: delivered to ${trace.endpoint?.pod}`,
  );
}

/** Starts `open --no-open -f -` and resolves with the child and the address it prints. */
function startOpen(bin, env) {
  const child = spawn(bin, ['open', '--no-open', '-f', '-'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(manifests);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`open printed no address in 20 s: ${err}`)), 20_000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve({ child, url: out.split('\n')[0] });
    });
    child.on('exit', (code) => reject(new Error(`open exited ${code}: ${err}`)));
  });
}

try {
  // 1. Build and pack. (npm pack alone would build too, through `prepack`, but its output would
  // mix with the JSON answer.)
  console.log('pack test: npm run build...');
  run(npm, ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const [pack] = JSON.parse(
    run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root }),
  );
  const files = pack.files.map((f) => f.path).sort();
  const stray = files.filter(
    (f) => !/^(LICENSE|README\.md|package\.json)$/.test(f) && !f.startsWith('dist/') && !f.startsWith('dist-cli/'),
  );
  check(stray.length === 0, `the tarball holds only the CLI, the app and the package files (${files.length} files)`);
  for (const needed of [
    'LICENSE',
    'dist-cli/k8s-netviz.js',
    'dist-cli/THIRD-PARTY-NOTICES.md',
    'dist/index.html',
    'dist/THIRD-PARTY-NOTICES.md',
  ])
    check(files.includes(needed), `the tarball has ${needed}`);
  console.log(
    `pack test: ${pack.filename}: ${(pack.size / 1000).toFixed(1)} kB packed, ${(pack.unpackedSize / 1e6).toFixed(2)} MB unpacked`,
  );

  // 2. Install into an empty folder, with no registry: the package has no dependencies.
  const project = join(work, 'project');
  rmSync(project, { recursive: true, force: true });
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), '{ "name": "netviz-pack-test", "private": true }\n');
  run(npm, ['install', '--offline', '--no-audit', '--no-fund', join(work, pack.filename)], { cwd: project });
  const bin = join(project, 'node_modules', '.bin');
  const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };

  // 3. The command line, under both names.
  checkTrace(
    run(npx, ['--no', '--', 'k8s-netviz', ...traceArgs], { cwd: project, input: manifests }),
    'npx k8s-netviz trace',
  );
  const version = run(npx, ['--no', '--', 'k8s-netviz', '--version'], { cwd: project }).trim();
  check(version === `k8s-netviz ${pack.version}`, `npx k8s-netviz --version says ${version}`);
  checkTrace(run('kubectl-netviz', traceArgs, { cwd: work, env, input: manifests }), 'kubectl-netviz trace');
  if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0)
    checkTrace(run('kubectl', ['netviz', ...traceArgs], { cwd: work, env, input: manifests }), 'kubectl netviz trace');
  else console.log('pack test: no kubectl here: `kubectl netviz` not tried');

  // 4. open --no-open -f -, and a browser at the address it prints.
  const { child, url } = await startOpen(join(bin, 'k8s-netviz'), env);
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  check(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/\?manifests=manifests\.yaml$/.test(url), `open prints ${url}`);
  const { executablePath } = findChromium();
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective));
    });
    await page.goto(url);
    await page.waitForFunction(() => window.__netviz !== undefined, null, { timeout: 30_000 });
    const status = page.getByTestId('editor.status');
    await status.filter({ hasText: 'Showing your cluster' }).waitFor({ timeout: 30_000 });
    const shown = await page.evaluate(async () => {
      await window.__netviz.whenRendered();
      const { cluster } = window.__netviz.getState();
      return {
        counts: window.__netviz.elementCount(),
        nodes: cluster.nodes.map((n) => n.name).sort(),
        pods: cluster.pods.map((p) => p.name),
        csp: window.__csp,
      };
    });
    check(
      shown.counts.nodes === 2 && shown.counts.pods === 5 && shown.counts.services === 3,
      `the diagram shows ${JSON.stringify(shown.counts)}`,
    );
    check(shown.nodes.join() === 'lab-1,lab-2', `its nodes are the given ones (${shown.nodes.join(', ')})`);
    check(shown.pods.includes('probe-client'), 'its pods include probe-client');
    check(
      shown.csp.length === 0 && errors.length === 0,
      `no CSP violation, no console error (${[...shown.csp, ...errors]})`,
    );
  } finally {
    await browser.close();
    child.kill('SIGINT');
  }
  check((await exited) === 0, 'Ctrl-C stops open with exit 0');
} finally {
  rmSync(work, { recursive: true, force: true });
}
