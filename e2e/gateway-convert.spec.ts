import { readFile } from 'node:fs/promises';
import { test, expect } from './fixtures';

test.describe('An Ingress as Gateway API', () => {
  test('the Ingress hop links to the Ingress, whose inspector shows the conversion to copy and download', async ({
    app,
    context,
  }) => {
    const { page } = app;
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await app.goto('/#example=ingress');
    const proxyStep = await page.evaluate(() => window.__netviz!.steps().findIndex((h) => h.kind === 'proxy'));
    expect(proxyStep).toBeGreaterThan(0);
    await page.evaluate((i) => window.__netviz!.stepTo(i), proxyStep);
    await page.getByRole('button', { name: 'Ingress default/shop, and as Gateway API' }).click();

    const inspector = page.getByTestId('selection.inspector');
    await expect(inspector.getByRole('heading', { name: 'ingress/default/shop' })).toBeVisible();
    await expect(page.getByTestId('inspector.ingress')).toContainText('shop.example.com /cart (Prefix) → web:80');
    const yaml = page.getByTestId('ingress.gateway-yaml');
    await expect(yaml).toContainText('kind: Gateway');
    await expect(yaml).toContainText('gatewayClassName: nginx');
    await expect(yaml).toContainText('name: shop-shop-example-com');
    await expect(yaml).toContainText('type: PathPrefix');
    // the named port http of Service admin, as the number a backendRef needs
    await expect(yaml).toContainText('name: admin\n      port: 80');
    await expect(page.getByTestId('ingress.not-converted')).toContainText(
      'host shop.example.com: no TLS: ingress-nginx still answers HTTPS with its self-signed certificate',
    );
    const text = await yaml.textContent();

    await page.getByRole('button', { name: 'Copy YAML' }).click();
    await expect(page.getByTestId('ingress.as-gateway').getByRole('status')).toHaveText('Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /^Download default-shop-gateway-api\.yaml$/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('default-shop-gateway-api.yaml');
    expect(await readFile((await download.path())!, 'utf8')).toBe(text);
  });

  test('search finds an Ingress, a Gateway and an HTTPRoute', async ({ app }) => {
    const { page } = app;
    const search = async (q: string) => {
      await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill(q);
      await page.getByRole('button', { name: 'Find' }).click();
    };
    await app.goto('/#example=ingress');
    await search('default/shop');
    await expect(page.getByTestId('search.status')).toHaveText('1 match: Ingress shop.');
    await expect(page.getByTestId('ingress.as-gateway')).toBeVisible();

    await app.goto('/#example=gateway');
    const ids = await page.evaluate(() => {
      const extras = (
        window.__netviz!.getState() as {
          cluster: { extras: { kind: string; metadata: { name: string; namespace?: string } }[] };
        }
      ).cluster.extras;
      const of = (kind: string) => extras.find((o) => o.kind === kind)!.metadata;
      return { gateway: of('Gateway'), route: of('HTTPRoute') };
    });
    await search(ids.gateway.name);
    await expect(page.getByTestId('selection.inspector').getByRole('heading', { level: 2 })).toHaveText(
      `gw/${ids.gateway.namespace ?? 'default'}/${ids.gateway.name}`,
    );
    await search(`${ids.route.namespace ?? 'default'}/${ids.route.name}`);
    await expect(page.getByTestId('selection.inspector').getByRole('heading', { level: 2 })).toHaveText(
      `httproute/${ids.route.namespace ?? 'default'}/${ids.route.name}`,
    );
  });

  for (const theme of ['light', 'dark'] as const)
    for (const [w, h] of [
      [1280, 720],
      [720, 450],
      [390, 844],
    ] as const)
      test(`screenshots to look at: the conversion at ${w}x${h} ${theme}`, async ({ app }, testInfo) => {
        const { page } = app;
        await page.emulateMedia({ reducedMotion: 'reduce' });
        await page.setViewportSize({ width: w, height: h });
        await app.goto(`/?theme=${theme}#example=ingress`);
        const phone = await page.getByTestId('phone').isVisible();
        if (phone) await page.getByRole('button', { name: 'Menu' }).click();
        await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill('default/shop');
        await page.getByRole('button', { name: 'Find' }).click();
        if (phone) {
          await page.getByRole('button', { name: 'Close Menu' }).click();
          await page.getByRole('button', { name: 'Details' }).click();
          await page.getByRole('tab', { name: 'Selected' }).click();
        }
        await expect(page.getByTestId('ingress.gateway-yaml')).toBeAttached();
        await page.getByTestId('ingress.gateway-yaml').scrollIntoViewIfNeeded();
        await page.mouse.move(w - 2, h - 2);
        await page.screenshot({ path: testInfo.outputPath(`convert-${w}x${h}-${theme}.png`) });
      });
});
