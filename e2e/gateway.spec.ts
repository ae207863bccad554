import { test, expect } from './fixtures';

/** Each Gateway API scenario and the status line the client ends with. */
const SCENARIOS: [id: string, outcome: string][] = [
  ['gateway', '200 OK'],
  ['gateway-split', '200 OK'],
  ['gateway-redirect', '301 Moved Permanently'],
  ['gateway-header-match', '200 OK'],
  ['gateway-no-route', '404 Not Found'],
  ['gateway-cross-namespace', '500 Internal Server Error'],
  ['gateway-cross-namespace-granted', '200 OK'],
];

test.describe('Gateway API through Envoy Gateway', () => {
  for (const [id, outcome] of SCENARIOS) {
    test(`${id}: opens, plays to the end, and shows ${outcome}`, async ({ app }) => {
      const { page } = app;
      await app.goto(`/#example=${id}&step=0`);
      await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue(id);
      await expect(page.getByTestId('scenario.explanation')).toBeVisible();
      const trace = await page.evaluate(() => window.__netviz!.currentTrace());
      // Envoy took the client's connection in envoy-gateway-system
      const proxy = trace!.hops.find((h) => h.kind === 'proxy')!;
      expect(proxy.at).toMatch(/^container\/envoy-gateway-system\/envoy-default-eg-e41e7b31-.*\/envoy$/);
      const steps = await page.evaluate(() => window.__netviz!.steps().length);
      await page.evaluate(() => window.__netviz!.setSpeed(4));
      await page.getByRole('button', { name: /^Play/ }).first().click();
      await page.evaluate(() => window.__netviz!.tick(600_000));
      await expect(page.getByTestId('playback.position')).toHaveText(`step ${steps} of ${steps}`);
      await expect(page.getByTestId('trace.verdict')).toHaveText(outcome);
      // the last packet is the answer arriving at the client
      const last = await page.evaluate(() => window.__netviz!.steps().at(-1)!);
      expect(last.packet.dst).toMatch(/^203\.0\.113\.10:/);
      expect(last.text).toContain(outcome);
    });
  }

  test('the header-match scenario sends its header, and the route and backend request are in the trace', async ({
    app,
  }) => {
    const { page } = app;
    await app.goto('/#example=gateway-header-match');
    const trace = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(trace!.request.headers).toEqual(['X-Canary: always']);
    expect(trace!.http).toMatchObject({
      route: { kind: 'HTTPRoute', namespace: 'default', name: 'api', rule: 0 },
      backend: { method: 'GET', path: '/' },
    });
    expect(trace!.http!.backend!.headers['x-canary']).toBe('always');
    expect(trace!.endpoint!.pod).toMatch(/^default\/web-canary-/);
  });

  test('the proxy hop says the rule in short; the inspector has the details and links the route', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=gateway-split');
    const steps = await page.evaluate(() => window.__netviz!.steps());
    const at = steps.findIndex((h) => h.kind === 'proxy');
    expect(steps[at]!.rule).toBe('HTTPRoute default/checkout rule 0 (PathPrefix /) -> web:80 90%, web-canary:80 10%');
    expect(steps[at]!.text).toMatch(
      /Rule 0 of HTTPRoute default\/checkout matches: Envoy sends it to Service default\/web-?\S* \(\d+% of requests\)\.$/,
    );
    await page.evaluate((i) => window.__netviz!.stepTo(i), at);
    const details = page.getByTestId('hop.gateway');
    await expect(details).toContainText('Envoy listens on port 10080 for the Gateway’s port 80');
    await expect(details).toContainText('4 endpoints share the requests');
    await details.getByRole('button', { name: /^HTTPRoute default\/checkout/ }).click();
    await expect(page.getByTestId('selection.inspector').getByRole('heading', { level: 2 })).toHaveText(
      'httproute/default/checkout',
    );
  });

  test('the same URL without the scenario’s header is another packet: the framing goes', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=gateway-header-match');
    await expect(page.getByTestId('scenario.explanation')).toBeVisible();
    // the form sends the URL alone, without the X-Canary header the scenario's request carries
    await page.getByRole('button', { name: 'Send packet' }).click();
    await expect(page.getByTestId('scenario.explanation')).toBeHidden();
    const trace = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(trace!.request.headers ?? []).toEqual([]);
    expect(trace!.http!.route).toMatchObject({ name: 'api', rule: 1 });
  });

  test('a burst of the 90/10 split follows the weights', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=gateway-split');
    // the Envoy Service the request went through offers a burst of that request
    await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill('envoy-default-eg-e41e7b31');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Send 100 requests to http://checkout.example.com/' }).click();
    const rows = page.getByTestId('burst.row');
    await expect(rows).toHaveCount(4);
    let canary = 0;
    let total = 0;
    for (let i = 0; i < 4; i++) {
      const cells = rows.nth(i).getByRole('cell');
      const pod = (await cells.nth(0).textContent()) ?? '';
      const n = Number(await cells.nth(1).textContent());
      total += n;
      if (pod.startsWith('default/web-canary-')) {
        canary += n;
        await expect(cells.nth(3)).toHaveText('10.0%');
      } else await expect(cells.nth(3)).toHaveText('30.0%');
    }
    expect(total).toBe(100);
    // 100 draws at p = 0.1: within 4 standard deviations (12) of 10
    expect(Math.abs(canary - 10)).toBeLessThanOrEqual(12);
  });

  test('the built-in cluster keeps no Gateway or Envoy on its first screen', async ({ app }) => {
    const { page } = app;
    await app.goto();
    const pods = await app.pods();
    expect(pods.some((p) => p.namespace === 'envoy-gateway-system')).toBe(false);
    await app.goto('/#example=gateway');
    expect((await app.pods()).some((p) => p.namespace === 'envoy-gateway-system')).toBe(true);
    await expect(page.getByTestId('scenario.explanation')).toContainText('Gateway API replaces Ingress');
  });

  for (const theme of ['light', 'dark'] as const) {
    for (const [w, h] of [
      [1280, 720],
      [720, 450],
      [390, 844],
    ] as const) {
      test(`screenshots at ${w}x${h}, ${theme}`, async ({ app }, testInfo) => {
        const { page } = app;
        await page.setViewportSize({ width: w, height: h });
        for (const [id, step] of [
          ['gateway', 'proxy'],
          ['gateway-cross-namespace', 'end'],
        ] as const) {
          await app.goto(`/?theme=${theme}#example=${id}&step=0`);
          const index = await page.evaluate((where) => {
            const steps = window.__netviz!.steps();
            return where === 'proxy' ? steps.findIndex((s) => s.kind === 'proxy') : steps.length - 1;
          }, step as string);
          await page.evaluate((i) => window.__netviz!.stepTo(i), index);
          await app.settled();
          await page.screenshot({ path: testInfo.outputPath(`${id}-${step}-${w}x${h}-${theme}.png`) });
        }
      });
    }
  }
});
