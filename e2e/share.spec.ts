import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

interface Snapshot {
  cluster: { nodes: { name: string }[]; pods: { namespace: string; name: string; ip: string; node: string }[] };
  request: unknown;
  step: number;
  selection: string | null;
  seed: number;
  trace: { endpoint: { pod: string } | null; verdict: string } | null;
}

const snapshot = async (page: Page) => (await page.evaluate(() => window.__netviz!.getState())) as Snapshot;
const pods = (s: Snapshot) => s.cluster.pods.map((p) => `${p.namespace}/${p.name} ${p.ip} ${p.node}`).sort();

async function shareLink(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Share' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share' });
  const link = dialog.getByTestId('share.link');
  await expect(link).toHaveValue(/^http/);
  const value = await link.inputValue();
  await dialog.getByRole('button', { name: 'Close' }).click();
  return value;
}

test.describe('share links', () => {
  test('a link round-trips the exact state: cluster, pod operations, request, step, selection', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service');
    const before = await page.evaluate(() => window.__netviz!.currentTrace());
    const chosen = before!.endpoint!.pod;
    // a pod operation through the UI: its replacement gets a new name and IP that the link must reproduce
    await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill(chosen.split('/')[1]!);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Delete pod' }).click();
    await page.evaluate(() => window.__netviz!.stepTo(4));
    const original = await snapshot(page);
    expect(pods(original).some((p) => p.startsWith(chosen))).toBe(false);

    const url = await shareLink(page);
    expect(url).toMatch(/#s=z1\.[A-Za-z0-9_-]+$/);
    // what the link carries: the ops, not the pods they made
    const payload = await page.evaluate(async (u) => {
      const s = new URLSearchParams(new URL(u).hash.slice(1)).get('s')!;
      const bytes = Uint8Array.from(atob(s.slice(3).replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const text = await new Response(
        new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')),
      ).text();
      return JSON.parse(text) as {
        ops: unknown[];
        step: number;
        manifests: { kind: string; metadata?: { managedFields?: unknown } }[];
      };
    }, url);
    expect(payload.ops).toEqual([{ op: 'deletePod', pod: chosen }]);
    expect(payload.step).toBe(4);
    expect(payload.manifests.every((m) => m.metadata?.managedFields === undefined)).toBe(true);

    const other = await page.context().newPage();
    const errors: string[] = [];
    other.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await other.goto(url);
    await other.waitForFunction(() => window.__netviz !== undefined);
    const opened = await snapshot(other);
    expect(pods(opened)).toEqual(pods(original));
    expect(opened.request).toEqual(original.request);
    expect(opened.step).toBe(4);
    expect(opened.selection).toBe(original.selection);
    expect(opened.seed).toBe(original.seed);
    expect(opened.trace!.endpoint).toEqual(original.trace!.endpoint);
    expect(opened.trace!.verdict).toBe(original.trace!.verdict);
    // and the link made there is the same link
    expect(await shareLink(other)).toBe(url);
    expect(errors).toEqual([]);
    await other.close();
  });

  test('a built-in scenario keeps its #example link; the dialog offers iframe and element snippets', async ({
    app,
  }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-pod-cross-node&step=2');
    await page.getByRole('button', { name: 'Share' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share' });
    await expect(dialog.getByTestId('share.link')).toHaveValue(/#example=pod-to-pod-cross-node&step=2$/);
    await expect(dialog.getByTestId('share.iframe')).toHaveValue(
      /<iframe src="[^"]*\?embed=1#example=pod-to-pod-cross-node&amp;step=2" .*sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-downloads"/,
    );
    await expect(dialog.getByTestId('share.element')).toHaveValue(
      /embed\.js"><\/script>\n<k8s-netviz example="pod-to-pod-cross-node" step="2">/,
    );
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await expect(dialog.getByRole('button', { name: 'Copy link' })).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/#example=pod-to-pod-cross-node&step=2$/);
  });

  test('a built-in scenario’s Share offers its preview page and its poster as a picture link, both real', async ({
    app,
  }) => {
    const { page } = app;
    await app.goto('/#example=ingress&step=4');
    await page.getByRole('button', { name: 'Share' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share' });
    const preview = dialog.getByTestId('share.preview');
    await expect(preview).toHaveValue(/\/s\/ingress\/\?step=4$/);
    await expect(dialog.getByTestId('share.markdown')).toHaveValue(
      /^\[!\[.+\]\(.+\/posters\/ingress\.png\)\]\(.+\/s\/ingress\/\?step=4\)$/,
    );
    await expect(dialog.getByTestId('share.picture')).toHaveValue(
      /^<a href="[^"]+\/s\/ingress\/\?step=4"><img src="[^"]+\/posters\/ingress\.png"/,
    );
    const [, posterUrl = ''] = /src="([^"]+)"/.exec(await dialog.getByTestId('share.picture').inputValue()) ?? [];
    const poster = await page.request.get(posterUrl);
    expect(poster.ok()).toBe(true);
    expect(poster.headers()['content-type']).toBe('image/png');
    // the preview page sends a person on to the app at the same scenario and step
    const other = await page.context().newPage();
    await other.goto(await preview.inputValue());
    await expect(other).toHaveURL(/#example=ingress&step=4$/);
    await other.close();
    await dialog.getByRole('button', { name: 'Close' }).click();
    // a changed cluster has no page on the site: no preview is offered
    await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill('web-');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Delete pod' }).click();
    await page.getByRole('button', { name: 'Share' }).click();
    await expect(dialog.getByTestId('share.link')).toHaveValue(/#s=z1\./);
    await expect(dialog.getByTestId('share.preview')).toHaveCount(0);
  });

  test('a link made from a scenario after a mode switch reopens it, with its explanation, at its step', async ({
    app,
  }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service');
    await page.getByRole('combobox', { name: 'Service proxy mode' }).selectOption('ipvs');
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('flannel-host-gw');
    await page.evaluate(() => window.__netviz!.stepTo(6));
    const original = await snapshot(page);
    const url = await shareLink(page);
    expect(url).toMatch(/#s=z1\./);

    const other = await page.context().newPage();
    await other.goto(url);
    await other.waitForFunction(() => window.__netviz !== undefined);
    await expect(other.getByRole('combobox', { name: 'Scenario' })).toHaveValue('pod-to-service');
    await expect(other.getByRole('combobox', { name: 'Service proxy mode' })).toHaveValue('ipvs');
    await expect(other.getByRole('combobox', { name: 'CNI plugin' })).toHaveValue('flannel-host-gw');
    const explanation = other.getByTestId('scenario.explanation');
    await expect(explanation).toContainText('Pod to Service by its ClusterIP');
    await expect(explanation).toContainText('IPVS virtual server');
    await expect(explanation).toContainText('no tunnel');
    const opened = await snapshot(other);
    expect(opened.step).toBe(6);
    expect(opened.trace!.endpoint).toEqual(original.trace!.endpoint);
    await other.close();
  });

  test('the scenario exports as a JSON file and imports back', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service&step=3');
    const original = await snapshot(page);
    await page.getByRole('button', { name: 'Share' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download scenario (JSON)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('k8s-netviz-scenario.json');
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ v: 1, step: 3, ops: [] });

    await app.goto('/');
    await page.getByRole('button', { name: 'Share' }).click();
    await page
      .getByTestId('share.import')
      .setInputFiles({ name: 'scenario.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect(page.getByRole('dialog', { name: 'Share' })).toHaveCount(0);
    const imported = await snapshot(page);
    expect(pods(imported)).toEqual(pods(original));
    expect(imported.request).toEqual(original.request);
    expect(imported.step).toBe(3);

    // a broken file is an error in the dialog, the cluster stays
    await page.getByRole('button', { name: 'Share' }).click();
    await page
      .getByTestId('share.import')
      .setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"v": 7}') });
    await expect(page.getByRole('alert')).toContainText('newer version');
  });

  for (const [what, hash, text] of [
    ['damaged', '#s=z1.not*base64', /not valid base64url/],
    ['truncated', null, /damaged or cut short|not valid JSON/],
    ['future-version', '#s=z9.AAAA', /newer version/],
    ['oversized', 'OVERSIZED', /longer than/],
    ['unknown format', '#s=hello', /does not start with a format/],
  ] as const) {
    test(`a ${what} link shows a message and the default cluster, and leaves the hash as it was`, async ({ app }) => {
      const { page } = app;
      let h: string = hash ?? '';
      if (what === 'truncated') {
        const entry = JSON.parse(
          readFileSync(join(import.meta.dirname, 'fixtures/links/z1-user-cluster-with-ops.json'), 'utf8'),
        ) as { hash: string };
        h = entry.hash.slice(0, Math.floor(entry.hash.length * 0.6));
      }
      if (h === 'OVERSIZED') h = `#s=j1.${'A'.repeat(1_600_000)}`;
      await app.goto(`/${h}`);
      await expect(page.getByTestId('notice')).toContainText(text);
      await expect(page.getByTestId('notice')).toContainText('Showing the built-in cluster');
      expect(await app.elementCount()).toEqual({ nodes: 3, pods: 7, containers: 8, services: 3 });
      expect(await page.evaluate(() => window.location.hash)).toBe(h);
    });
  }

  test('invalid presentation options fall back to their defaults with a quiet notice', async ({ app }) => {
    const { page } = app;
    await app.goto('/?theme=neon&speed=9&view=text#example=pod-to-pod-cross-node&step=1');
    await expect(page.getByTestId('notice')).toContainText('theme=neon');
    await expect(page.getByTestId('notice')).toContainText('speed=9');
    const s = (await page.evaluate(() => window.__netviz!.getState())) as { speed: number; step: number };
    expect(s.speed).toBe(1);
    expect(s.step).toBe(1);
    // view=text is valid: the text view is shown
    await expect(page.getByRole('button', { name: 'Text' })).toHaveAttribute('aria-pressed', 'true');
  });
});

test.describe('the stored corpus of links', () => {
  const dir = join(import.meta.dirname, 'fixtures/links');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    test(`${file} still opens`, async ({ app }) => {
      const entry = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        format: string;
        hash: string;
        expect: {
          step?: number;
          selection?: string;
          pods?: string[];
          nodes?: number;
          endpoint?: string;
          scenario?: string;
        };
      };
      const { page } = app;
      await app.goto(`/${entry.hash}`);
      await expect(page.getByTestId('notice')).toHaveCount(0);
      const s = (await page.evaluate(() => window.__netviz!.getState())) as Snapshot & { scenario?: unknown };
      const e = entry.expect;
      if (e.step !== undefined) expect(s.step).toBe(e.step);
      if (e.selection !== undefined) expect(s.selection).toBe(e.selection);
      if (e.pods) expect(s.cluster.pods.map((p) => `${p.namespace}/${p.name} ${p.ip}`).sort()).toEqual(e.pods);
      if (e.nodes !== undefined) expect(s.cluster.nodes).toHaveLength(e.nodes);
      if (e.endpoint !== undefined) expect(s.trace!.endpoint!.pod).toBe(e.endpoint);
      if (e.scenario) {
        await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue(e.scenario);
        await expect(page.getByTestId('scenario.explanation')).toBeVisible();
      }
    });
  }
});
