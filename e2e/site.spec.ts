/**
 * The published site's extras, built by scripts/build-site.mjs (scripts/e2e.mjs builds the site
 * with SITE_URL pointing at the preview server): a link-preview page per built-in scenario with
 * its own Open Graph and Twitter tags and a poster, which opens the app at that scenario.
 */
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

interface Preview {
  title: string;
  meta: Record<string, string>;
  openHref: string | null;
  scripts: string[];
}

/** The built-in scenarios as the app's picker lists them: id and title. */
async function scenarios(page: Page): Promise<{ id: string; title: string }[]> {
  return page
    .getByRole('combobox', { name: 'Scenario' })
    .locator('option[value]:not([value=""])')
    .evaluateAll((os) => os.map((o) => ({ id: (o as HTMLOptionElement).value, title: o.textContent ?? '' })));
}

/** A preview page as an unfurler reads it: its markup parsed, no script run. */
async function readPreview(page: Page, html: string): Promise<Preview> {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'text/html');
    const meta: Record<string, string> = {};
    for (const m of doc.querySelectorAll('meta[property], meta[name]')) {
      meta[m.getAttribute('property') ?? m.getAttribute('name')!] = m.getAttribute('content') ?? '';
    }
    return {
      title: doc.title,
      meta,
      openHref: doc.getElementById('open')?.getAttribute('href') ?? null,
      scripts: [...doc.scripts].map((s) => s.getAttribute('src') ?? 'inline'),
    };
  }, html);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

test.describe('the published site', () => {
  test('every built-in scenario has a preview page with its own tags and a 1200x630 poster', async ({
    app,
    request,
    baseURL,
  }) => {
    const { page } = app;
    await app.goto('/');
    const list = await scenarios(page);
    expect(list.length).toBeGreaterThanOrEqual(13);
    const images = new Set<string>();
    for (const { id, title } of list) {
      const response = await request.get(`/s/${id}/`);
      expect(response.status(), id).toBe(200);
      expect(response.headers()['content-type']).toContain('text/html');
      const preview = await readPreview(page, await response.text());
      expect(preview.title).toBe(`${title} — k8s-netviz`);
      expect(preview.meta['og:title']).toBe(`${title} — k8s-netviz`);
      expect(preview.meta['og:description']!.length, id).toBeGreaterThan(40);
      expect(preview.meta['description']).toBe(preview.meta['og:description']);
      expect(preview.meta['og:url']).toBe(`${baseURL}/s/${id}/`);
      expect(preview.meta['og:image']).toBe(`${baseURL}/posters/${id}.png`);
      expect(preview.meta['twitter:card']).toBe('summary_large_image');
      expect(preview.meta['twitter:image']).toBe(preview.meta['og:image']);
      expect(preview.openHref).toBe(`../../#example=${id}`);
      expect(preview.scripts).toEqual(['../open.js']);

      const poster = await request.get(preview.meta['og:image']!);
      expect(poster.status(), id).toBe(200);
      expect(poster.headers()['content-type']).toBe('image/png');
      const png = await poster.body();
      expect(pngSize(png)).toEqual({ width: 1200, height: 630 });
      expect(preview.meta['og:image:width']).toBe('1200');
      expect(preview.meta['og:image:height']).toBe('630');
      // a diagram, not a blank frame (build-site.mjs also counts its colours): and each its own
      expect(png.length, id).toBeGreaterThan(30_000);
      images.add(png.toString('base64'));
    }
    expect(images.size).toBe(list.length);
  });

  test('a preview page opens the app at its scenario, and at the step its link names', async ({ app }) => {
    const { page } = app;
    await page.goto('/s/pod-to-pod-cross-node/?step=7');
    await expect(page).toHaveURL(/\/#example=pod-to-pod-cross-node&step=7$/);
    await page.waitForFunction(() => window.__netviz !== undefined);
    await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('pod-to-pod-cross-node');
    await expect(page.getByTestId('playback.position')).toHaveText(/^step 8 of /);

    await page.goto('/s/ingress-404/');
    await expect(page).toHaveURL(/\/#example=ingress-404$/);
    await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('ingress-404');
    expect(app.errors).toEqual([]);
  });

  test('the manifest and the worker are served beside the app', async ({ request }) => {
    const manifest = await (await request.get('/manifest.webmanifest')).json();
    expect(manifest).toMatchObject({ short_name: 'k8s-netviz', start_url: './', display: 'standalone' });
    const sw = await request.get('/sw.js');
    expect(sw.status()).toBe(200);
    expect(await sw.text()).toMatch(/^\/\/ k8s-netviz offline worker, version [0-9a-f]{16} \(\d+ files\)/);
  });
});
