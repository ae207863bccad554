import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

async function find(page: Page, query: string) {
  await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill(query);
  await page.getByRole('button', { name: 'Find' }).click();
}

test.describe('Services', () => {
  test('every Service scenario plays with the event list matching the simulation', async ({ app }, testInfo) => {
    const { page } = app;
    await app.goto();
    for (const id of ['pod-to-service', 'pod-to-service-dns', 'nodeport-cluster', 'nodeport-local', 'loadbalancer']) {
      await page.getByRole('combobox', { name: 'Scenario' }).selectOption(id);
      const trace = await page.evaluate(() => window.__netviz!.currentTrace());
      expect(trace, id).not.toBeNull();
      const total = (trace!.dns?.hops.length ?? 0) + trace!.hops.length + (trace!.reply?.hops.length ?? 0);
      await expect(page.getByTestId('hops.row')).toHaveCount(total);
      await page.evaluate(() => window.__netviz!.tick(600_000));
      await expect(page.getByTestId('trace.verdict')).toHaveText(trace!.verdict);
      expect(trace!.verdict, id).toBe('delivered');
      // the DNAT step shows its rewrite on the packet's label and in the inspector
      const dnat = [...(trace!.dns?.hops ?? []), ...trace!.hops].findIndex((h) => h.nat?.type === 'DNAT');
      if (dnat >= 0) {
        await page.evaluate((i) => window.__netviz!.stepTo(i), dnat);
        await expect(page.getByTestId('hop.inspector')).toContainText('DNAT');
        // the camera has framed the step (a screenshot mid-glide shows where it was)
        await app.settled();
        await page.screenshot({ path: testInfo.outputPath(`${id}-dnat.png`) });
      }
    }
  });

  test('DNS plays first, as its own packets to CoreDNS and back', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service-dns&step=0');
    const trace = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(trace!.dns!.hops.length).toBeGreaterThan(0);
    await expect(page.getByTestId('hops.row').first()).toContainText('dns');
    expect(trace!.dns!.queries[0]!.name).toBe('web.default.svc.cluster.local');
  });

  test('100 requests spread over every endpoint, next to the exact probabilities', async ({ app }, testInfo) => {
    const { page } = app;
    await app.goto();
    await page.evaluate(() => window.__netviz!.setSpeed(4));
    await find(page, 'web');
    await page.getByRole('button', { name: /Send 100 requests/ }).click();
    const results = page.getByTestId('burst.results');
    await expect(results).toBeVisible();
    await page.waitForTimeout(300);
    await page.screenshot({ path: testInfo.outputPath('burst-in-flight.png') });
    const rows = page.getByTestId('burst.row');
    await expect(rows).toHaveCount(3);
    for (let i = 0; i < 3; i++) {
      const cells = rows.nth(i).getByRole('cell');
      expect(Number(await cells.nth(1).textContent())).toBeGreaterThan(0);
      await expect(cells.nth(3)).toHaveText('33.3%');
    }
  });

  test('inside a scenario that pins its endpoint, 100 requests still spread over every endpoint', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service');
    const pinned = (await page.evaluate(() => window.__netviz!.currentTrace()))!.endpoint!.pod;
    await find(page, 'web');
    await page.getByRole('button', { name: /Send 100 requests/ }).click();
    const rows = page.getByTestId('burst.row');
    await expect(rows).toHaveCount(3);
    let total = 0;
    for (let i = 0; i < 3; i++) {
      const cells = rows.nth(i).getByRole('cell');
      const n = Number(await cells.nth(1).textContent());
      // 100 uniform draws over 3 endpoints: each gets well above 10 (the pin would give 100, 0, 0)
      expect(n).toBeGreaterThan(10);
      total += n;
      await expect(cells.nth(3)).toHaveText('33.3%');
    }
    expect(total).toBe(100);
    // the scenario's own packet keeps its chosen endpoint
    expect((await page.evaluate(() => window.__netviz!.currentTrace()))!.endpoint!.pod).toBe(pinned);
  });

  test('deleting a pod changes the endpoints and the next trace; the ClusterIP stays', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service');
    const before = await page.evaluate(() => window.__netviz!.currentTrace());
    const chosen = before!.endpoint!.pod;
    const clusterIP = before!.request.to;
    await find(page, chosen.split('/')[1]!);
    await page.getByRole('button', { name: 'Delete pod' }).click();
    const state = (await page.evaluate(() => window.__netviz!.getState())) as {
      cluster: {
        pods: { namespace: string; name: string; owner: string | null }[];
        endpoints: { service: string; endpoints: { pod: string | null }[] }[];
      };
    };
    expect(state.cluster.pods.some((p) => `${p.namespace}/${p.name}` === chosen)).toBe(false);
    expect(state.cluster.pods.filter((p) => p.owner === 'Deployment/web')).toHaveLength(3);
    const web = state.cluster.endpoints.find((e) => e.service === 'default/web')!;
    expect(web.endpoints.map((e) => e.pod)).not.toContain(chosen);
    const after = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(after!.request.to).toBe(clusterIP);
    expect(after!.endpoint!.pod).not.toBe(chosen);
    expect(after!.verdict).toBe('delivered');
  });

  test('the Service inspector prints kube-proxy rules, and the proxy-mode switch changes them and the trace', async ({
    app,
  }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service');
    await find(page, 'web');
    const rules = page.getByTestId('inspector.kube-proxy-rules');
    await expect(rules).toContainText('KUBE-SVC-');
    await expect(rules).toContainText('--probability 0.3333333333');
    await page.getByRole('combobox', { name: 'Service proxy mode' }).selectOption('nftables');
    await expect(rules).toContainText('numgen random mod 3');
    const nft = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(JSON.stringify(nft!.hops)).toContain('nftables');
    await page.getByRole('combobox', { name: 'Service proxy mode' }).selectOption('ipvs');
    const ipvs = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(ipvs!.hops.some((h) => h.at.endsWith('/kube-ipvs0') || h.kind === 'ipvs')).toBe(true);
    await page.getByRole('combobox', { name: 'Service proxy mode' }).selectOption('cilium');
    await expect(page.getByRole('combobox', { name: 'CNI plugin' })).toHaveValue('cilium');
    const kpr = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(kpr!.hops.some((h) => h.nat?.type === 'DNAT')).toBe(false);
    expect(kpr!.verdict).toBe('delivered');
  });
});
