/**
 * The Gateway API drawn and inspected (#20): manifests with a GatewayClass, a Gateway, HTTPRoutes
 * (one pointing at a Gateway that does not exist) and a ReferenceGrant, pasted in the editor. The
 * diagram draws the Gateway and its routes; the inspector shows conditions, rules with exact
 * weights, why a route is ignored, and why a request takes one rule and not another.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';
import type { NetvizPage } from './fixtures';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MANIFESTS = `${readFileSync(join(root, 'src', 'sim', 'gateway', 'fixtures', 'examples.yaml'), 'utf8')}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: orphan, namespace: default }
spec:
  parentRefs: [{ name: nowhere }]
  rules:
    - backendRefs: [{ name: web, port: 80 }]
`;

async function loadGatewayCluster(app: NetvizPage, path = '/') {
  const { page } = app;
  await app.goto(path);
  await page.getByRole('button', { name: 'Edit YAML' }).click();
  const content = page.getByTestId('editor.code').locator('.cm-content');
  await expect(content).toBeVisible();
  await content.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(MANIFESTS);
  await expect(page.getByTestId('editor.status')).toContainText('Showing your cluster');
  await page.getByRole('button', { name: 'Close the editor' }).click();
  await page.evaluate(() => window.__netviz!.whenRendered());
}

async function clickElement(page: Page, id: string) {
  const box = await page.evaluate((x) => window.__netviz!.renderedBox(x), id);
  await page.mouse.click((box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2);
  await expect(page.getByTestId('selection.inspector')).toContainText(id);
}

test.describe('the Gateway API on the diagram', () => {
  test('draws the Gateway and its routes; the inspector explains conditions and matching', async ({ app }) => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 720 });
    await loadGatewayCluster(app);
    const drawn = await page.evaluate(() => window.__netviz!.drawnCounts());
    expect(drawn['gateway']).toBe(1);
    expect(drawn['httproute']).toBe(4);

    await clickElement(page, 'gw/default/web');
    const conditions = page.getByTestId('inspector.gateway.conditions');
    await expect(conditions).toContainText('Accepted True (Accepted)');
    await expect(conditions).toContainText('Programmed True (Programmed)');
    await expect(page.getByTestId('inspector.listeners')).toContainText(
      'https: HTTPS port 443, hostname *.example.com',
    );
    // an HTTPS listener ends TLS with its certificate: the inspector says so, the box marks it
    await expect(page.getByTestId('inspector.listener.tls')).toHaveText(
      'TLS Terminate: the Gateway ends TLS with the certificate Secret default/example-com-tls',
    );

    await clickElement(page, 'httproute/default/web');
    const rules = page.getByTestId('inspector.httproute.rules');
    await expect(rules).toContainText('weight 90 = 90%');
    await expect(rules).toContainText('weight 10 = 10%');
    await expect(page.getByTestId('inspector.httproute.parents')).toContainText('Accepted True (Accepted)');
    // the request the route suggests carries its header match: rule 0 wins, rule 1 loses on precedence
    const why = page.getByTestId('inspector.why');
    await expect(page.getByLabel('URL')).toHaveValue('https://www.example.com/');
    await expect(page.getByTestId('inspector.why.outcome')).toContainText('200 at Gateway default/web');
    await expect(why.locator('[data-outcome="won"]')).toContainText('default/web rule 0 match 0: took the request');
    await expect(why.locator('[data-outcome="outranked"]')).toContainText(
      'precedence: more header matches come first (1 against 0)',
    );
    expect(
      await new AxeBuilder({ page })
        .include('[data-testid="selection.inspector"]')
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
        .analyze()
        .then((r) => r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)),
    ).toEqual([]);

    // without the header the catch-all rule takes it, and the header check says why rule 0 did not
    await page.getByLabel('headers').fill('');
    await expect(why.locator('[data-outcome="won"]')).toContainText('default/web rule 1 match 0');
    await expect(why.locator('[data-outcome="no-match"]')).toContainText('header x-canary = always: not sent');
    // a bad URL is an error in words, not a crash
    await page.getByLabel('URL').fill('ftp://x');
    await expect(page.getByTestId('inspector.why.error')).toContainText('is not an http:// or https:// URL');

    await clickElement(page, 'httproute/default/orphan');
    await expect(page.getByTestId('inspector.httproute.ignored')).toContainText(
      'No traffic uses this route: default/nowhere: NoMatchingParent',
    );

    // the Text view lists them too
    await page.getByRole('button', { name: 'Text' }).click();
    await expect(page.getByTestId('textview.gateways')).toContainText('Gateway default/web');
    await expect(page.getByTestId('textview.gateways')).toContainText('https HTTPS :443 *.example.com');
    await expect(page.getByTestId('textview.gateways')).toContainText('TLS Terminate · cert example-com-tls');
  });

  test('a gateway cluster at 1280x720 looks as approved', async ({ app }, testInfo) => {
    const { page } = app;
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.setViewportSize({ width: 1280, height: 720 });
    await loadGatewayCluster(app, '/?theme=light');
    await page.evaluate(() => window.__netviz!.cameraSettled());
    await page.mouse.move(1278, 718);
    // every Gateway API label is drawn at 12 px or more at this size, or left to the zoom-in
    const labels = await page.evaluate(() =>
      window.__netviz!.labels(['gw/default/web', 'httproute/default/web', 'httproute/default/api'], true),
    );
    await page.screenshot({ path: testInfo.outputPath('gateway-1280-light.png') });
    await expect(page).toHaveScreenshot('gateway-1280x720.png', { maxDiffPixelRatio: 0.01, animations: 'disabled' });
    console.log(JSON.stringify(labels));
  });

  for (const theme of ['light', 'dark'] as const)
    for (const [w, h] of [
      [1280, 720],
      [720, 450],
      [390, 844],
    ] as const)
      test(`screenshots to look at: ${w}x${h} ${theme}`, async ({ app }, testInfo) => {
        const { page } = app;
        await page.emulateMedia({ reducedMotion: 'reduce' });
        // the editor is pasted into at the laptop size, then the window takes the size looked at
        await page.setViewportSize({ width: 1280, height: 720 });
        await loadGatewayCluster(app, `/?theme=${theme}`);
        await page.setViewportSize({ width: w, height: h });
        await page
          .getByRole('button', { name: /^Fit|Fit the diagram/ })
          .first()
          .click()
          .catch(() => undefined);
        await page.evaluate(() => window.__netviz!.cameraSettled());
        await page.mouse.move(w - 2, h - 2);
        await page.screenshot({ path: testInfo.outputPath(`gateway-${w}x${h}-${theme}.png`) });
        if (w >= 1280) {
          await clickElement(page, 'httproute/default/web');
          await page.mouse.move(w - 2, h - 2);
          await page.screenshot({ path: testInfo.outputPath(`gateway-inspector-${w}x${h}-${theme}.png`) });
        }
      });
});
