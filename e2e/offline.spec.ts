import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// This spec alone lets the app's service worker run (playwright.config.ts blocks it elsewhere).
test.use({ serviceWorkers: 'allow' });

/** Waits until the offline worker is active and controls the page. */
async function whenOfflineReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const active = registration.active!;
    if (active.state !== 'activated') {
      await new Promise<void>((resolve) =>
        active.addEventListener('statechange', () => active.state === 'activated' && resolve()),
      );
    }
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve));
    }
  });
}

test.describe('offline', () => {
  test('after one visit the app, every scenario, the editor and its worker open offline', async ({ app, context }) => {
    const { page } = app;
    await app.goto('/');
    await whenOfflineReady(page);

    await context.setOffline(true);
    await app.goto('/#example=pod-to-service');
    await expect(page.getByTestId('scenario.explanation')).toBeVisible();
    const picker = page.getByRole('combobox', { name: 'Scenario' });
    const ids = await picker
      .locator('option[value]:not([value=""])')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(ids.length).toBeGreaterThanOrEqual(13);
    for (const id of ids) {
      await picker.selectOption(id);
      await expect(page).toHaveURL(new RegExp(`#example=${id}(&|$)`));
      const trace = await page.evaluate(() => window.__netviz!.currentTrace());
      expect(trace, id).not.toBeNull();
      // play it to the end
      await page.evaluate(() => window.__netviz!.tick(120_000));
      await expect(page.getByTestId('trace.verdict')).toHaveText(trace!.verdict);
    }

    // lazily loaded chunks (the editor, the YAML parser) and the import worker come from the cache
    await page.getByRole('button', { name: 'Edit YAML' }).click();
    await expect(page.getByTestId('editor.code').locator('.cm-content')).toBeVisible();
    await page.locator('body').press('Escape');
    expect(app.errors).toEqual([]);
  });

  test('the first page is taken over at once: its lazy chunks load offline before any reload', async ({
    app,
    context,
  }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-pod-cross-node');
    await whenOfflineReady(page);
    await context.setOffline(true);
    await page.locator('body').press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    expect(app.errors).toEqual([]);
  });

  test('the caches hold this version: the page, every hashed file, a history for older pages', async ({ app }) => {
    const { page } = app;
    await app.goto('/');
    await whenOfflineReady(page);
    const state = await page.evaluate(async () => {
      const sw = await (await fetch('./sw.js')).text();
      const precache = JSON.parse(/\[("[^\]]*")\]/.exec(sw)![0]) as string[];
      const keys = await caches.keys();
      const assets = await caches.open('netviz-assets');
      const cachedAssets = (await assets.keys()).map((r) => new URL(r.url).pathname.slice(1));
      const history = await (await caches.match(new URL('__netviz-versions.json', location.href).href))!.json();
      return { precache, keys, cachedAssets, history };
    });
    expect(state.precache).toContain('index.html');
    expect(state.precache).toContain('manifest.webmanifest');
    const hashed = state.precache.filter((f) => f.startsWith('assets/'));
    expect(hashed.length).toBeGreaterThan(5);
    expect(state.cachedAssets.sort()).toEqual(hashed.sort());
    expect(state.keys.filter((k) => k.startsWith('netviz-shell-'))).toHaveLength(1);
    expect(state.history).toEqual([{ version: expect.any(String), assets: hashed }]);
  });

  test('the embed registers no worker', async ({ page }) => {
    await page.goto('/?embed=1#example=pod-to-service');
    await page.waitForFunction(() => window.__netviz !== undefined);
    await page.waitForLoadState('load');
    // registration waits for the load event: give it a moment to have happened, were it going to
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length))).toBe(0);
  });
});
