/**
 * `k8s-netviz open` against the production build: the command line (dist-cli/, which serves dist/)
 * prints an address; the app there shows the manifests it was given, under the server's CSP. And
 * the app's `?manifests=` parameter on its own: another site's address is refused with a notice.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifests = readFileSync(join(root, 'e2e', 'fixtures', 'open-cluster.yaml'), 'utf8');

/** Starts `open --no-open -f -` and resolves with the address it prints. */
function startOpen(): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(process.execPath, [join(root, 'dist-cli', 'k8s-netviz.js'), 'open', '--no-open', '-f', '-']);
  child.stdin.end(manifests);
  return new Promise((done, fail) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n');
      if (line.length > 1) done({ child, url: line[0]! });
    });
    child.on('exit', (code) => fail(new Error(`open exited ${code}: ${err}`)));
  });
}

test('k8s-netviz open --no-open -f - serves the app on the given cluster; Ctrl-C stops it', async ({
  app,
}, testInfo) => {
  const { page } = app;
  const { child, url } = await startOpen();
  try {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/\?manifests=manifests\.yaml$/);
    await page.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await app.goto(url);
    await expect(page.getByTestId('editor.status')).toContainText('Showing your cluster: 2 nodes, 5 pods, 3 Services');
    // the editor holds the given text, and the diagram draws its nodes and pods
    await expect(page.getByTestId('editor.code')).toContainText('name: probe-client');
    await expect.poll(() => app.elementCount()).toMatchObject({ nodes: 2, pods: 5, services: 3 });
    const pods = await app.pods();
    expect(pods.map((p) => p.name)).toContain('probe-client');
    expect(new Set(pods.map((p) => p.node))).toEqual(new Set(['lab-1', 'lab-2']));
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('open.png') });

    // without the token there is nothing
    const origin = new URL(url).origin;
    expect((await page.request.get(`${origin}/`)).status()).toBe(404);
    expect((await page.request.get(`${origin}/manifests.yaml`)).status()).toBe(404);
  } finally {
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }
});

test('?manifests= with another site: refused with a notice, the built-in cluster stays', async ({ app }) => {
  const { page } = app;
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await app.goto('/?manifests=https%3A%2F%2Fevil.example%2Fx.yaml');
  await expect(page.getByText('Ignored manifests=https://evil.example/x.yaml')).toBeVisible();
  await expect.poll(() => app.elementCount()).toMatchObject({ nodes: 3 });
  expect(requests.filter((r) => new URL(r).hostname === 'evil.example')).toEqual([]);
});
