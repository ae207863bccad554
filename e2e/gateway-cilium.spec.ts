import { test, expect } from './fixtures';

/** Cilium's Gateway API: no proxy pod, each node's Envoy, the upstream from the node's ingress address. */
test.describe("Gateway API through Cilium's per-node Envoy", () => {
  test('gateway-cilium plays to the end: eBPF hands the connection to the node’s Envoy, which connects from the ingress address', async ({
    app,
  }) => {
    const { page } = app;
    await app.goto('/#example=gateway-cilium&step=0');
    await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('gateway-cilium');
    await expect(page.getByTestId('scenario.explanation')).toBeVisible();
    // no proxy pod in the cluster: the Envoy is a device of every node
    const pods = await app.pods();
    expect(pods.some((p) => /envoy/.test(p.name))).toBe(false);
    const trace = (await page.evaluate(() => window.__netviz!.currentTrace()))!;
    const at = trace.hops.findIndex((h) => h.kind === 'proxy');
    expect(trace.hops[at]!.at).toBe('dev/node-a/cilium-envoy');
    // the way in: the load balancer, the node's eBPF service lookup, Envoy; nothing translated
    expect(trace.hops.slice(0, at).map((h) => h.kind)).toEqual([
      'socket',
      'wire',
      'load-balancer',
      'route',
      'netfilter',
      'deliver',
    ]);
    expect(trace.hops.slice(0, at).every((h) => h.nat === undefined)).toBe(true);
    expect(trace.hops[at - 2]!.rule).toContain('L7 load balancer');
    // the way on: from node-a's ingress address, through VXLAN (identity ingress as the VNI) to node-b
    const upstream = trace.hops[at + 1]!;
    expect(upstream.packet.src).toMatch(/^10\.244\.1\.254:/);
    expect(trace.hops.find((h) => h.kind === 'encap')?.packet.outer?.vni).toBe(8);
    const arrival = trace.hops.at(-1)!;
    expect(arrival.node).toBe('node-b');
    expect(arrival.packet.src).toMatch(/^10\.244\.1\.254:/);
    expect(trace.http!.backend!.headers['x-forwarded-for']).toBe('203.0.113.10');
    expect(trace.http!.backend!.headers['x-envoy-external-address']).toBe('203.0.113.10');

    const steps = await page.evaluate(() => window.__netviz!.steps().length);
    await page.evaluate(() => window.__netviz!.setSpeed(4));
    await page.getByRole('button', { name: /^Play/ }).first().click();
    await page.evaluate(() => window.__netviz!.tick(600_000));
    await expect(page.getByTestId('playback.position')).toHaveText(`step ${steps} of ${steps}`);
    await expect(page.getByTestId('trace.verdict')).toHaveText('200 OK');
    const last = await page.evaluate(() => window.__netviz!.steps().at(-1)!);
    expect(last.packet.dst).toMatch(/^203\.0\.113\.10:/);
    expect(last.text).toContain('200 OK');
    // the step where the backend receives Envoy's request names the ingress address as its peer
    const received = await page.evaluate(() =>
      window.__netviz!.steps().find((s) => s.text.includes('receives the request from 10.244.1.254')),
    );
    expect(received?.text).toContain('X-Forwarded-For says the client was 203.0.113.10');
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
        for (const where of ['proxy', 'upstream'] as const) {
          await app.goto(`/?theme=${theme}#example=gateway-cilium&step=0`);
          const index = await page.evaluate((which) => {
            const steps = window.__netviz!.steps();
            const proxy = steps.findIndex((s) => s.kind === 'proxy');
            return which === 'proxy' ? proxy : steps.findIndex((s, i) => i > proxy && s.kind === 'encap');
          }, where as string);
          await page.evaluate((i) => window.__netviz!.stepTo(i), index);
          await app.settled();
          await page.screenshot({ path: testInfo.outputPath(`gateway-cilium-${where}-${w}x${h}-${theme}.png`) });
        }
      });
    }
  }
});
