import { test, expect } from './fixtures';

test.describe('the built-in cluster', () => {
  test('loads without console errors and draws every node, pod, container and Service', async ({ app }) => {
    await app.goto();
    expect(await app.elementCount()).toEqual({ nodes: 3, pods: 7, containers: 8, services: 3 });
    const drawn = await app.page.evaluate(() => window.__netviz!.drawnCounts());
    expect(drawn['k8s-node']).toBe(3);
    expect(drawn['pod']).toBe(7);
    expect(drawn['container']).toBe(8);
    expect(drawn['service']).toBe(3);
    // every node shows its cni0 bridge and its eth0
    expect(drawn['bridge']).toBe(3);
    await expect(app.page.getByRole('application', { name: /Cluster diagram/ })).toBeVisible();
  });
});

test.describe('Send packet', () => {
  test('plays a packet from node-a to node-b along the resolved path and lists every hop', async ({
    app,
  }, testInfo) => {
    const { page } = app;
    await app.goto();
    await page.evaluate(() => window.__netviz!.setSpeed(4));
    await page.getByRole('button', { name: 'Send packet' }).click();

    const trace = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(trace).not.toBeNull();
    expect(trace!.request.from).toBe('pod/default/client');
    expect(trace!.verdict).toBe('delivered');
    const kinds = trace!.hops.map((h) => h.kind);
    for (const kind of ['veth', 'bridge', 'route', 'encap', 'wire', 'decap', 'deliver']) expect(kinds).toContain(kind);
    expect(trace!.hops.find((h) => h.kind === 'encap')!.at).toBe('dev/node-a/flannel.1');
    expect(trace!.hops.at(-1)!.node).toBe('node-b');

    // the hop list shows every hop of the request and the reply, in order, with source and destination
    const total = trace!.hops.length + trace!.reply!.hops.length;
    const rows = page.getByTestId('hops.row');
    await expect(rows).toHaveCount(total);
    for (const [i, hop] of trace!.hops.entries()) {
      await expect(rows.nth(i).getByTestId('hops.where')).toHaveAttribute('data-id', hop.at);
      await expect(rows.nth(i)).toContainText(`${hop.packet.src} → ${hop.packet.dst}`);
    }
    // the Where column names places as a person reads them, and counts steps from 1
    const encap = trace!.hops.findIndex((h) => h.kind === 'encap');
    await expect(rows.nth(encap).getByTestId('hops.where')).toHaveText('node-a: flannel.1');
    await expect(rows.nth(encap).getByRole('gridcell').first()).toHaveText(String(encap + 1));
    await expect(rows.first().getByTestId('hops.where')).toHaveText('client / client');

    // it plays on its own to the end (the clock is advanced by hand: no waiting on wall time)
    await page.evaluate(() => window.__netviz!.tick(60_000));
    await expect(page.getByTestId('playback.position')).toHaveText(`step ${total} of ${total}`);
    await expect(page.getByTestId('trace.verdict')).toHaveText('delivered');

    // mid-flight, on the wire between the nodes, for the screenshot
    const wireStep = trace!.hops.findIndex((h) => h.kind === 'wire');
    await page.evaluate((i) => window.__netviz!.stepTo(i), wireStep);
    await expect(rows.nth(wireStep)).toHaveAttribute('aria-current', 'step');
    await expect(page.getByTestId('hop.text')).toContainText('underlay');
    await app.settled();
    await page.screenshot({ path: testInfo.outputPath('send-packet-on-the-wire.png') });
    await testInfo.attach('send-packet-on-the-wire', {
      path: testInfo.outputPath('send-packet-on-the-wire.png'),
      contentType: 'image/png',
    });
  });

  test('stepping with the controls and clicking a row moves the packet and the inspector', async ({ app }) => {
    const { page } = app;
    await app.goto();
    await page.getByRole('button', { name: 'Send packet' }).click();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(page.getByTestId('playback.position')).toHaveText(/^step 1 of /);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('playback.position')).toHaveText(/^step 3 of /);
    await expect(page.getByTestId('hop.inspector')).toContainText('Step 3 of');
    await page.getByRole('button', { name: 'Back' }).click();
    await expect(page.getByTestId('playback.position')).toHaveText(/^step 2 of /);
    await page.getByTestId('hops.row').nth(7).click();
    await expect(page.getByTestId('playback.position')).toHaveText(/^step 8 of /);
    await expect(page.getByTestId('hop.inspector')).toContainText('encap');
    await expect(page.getByTestId('narration')).toContainText('Step 8 of');
    // the test handle and the store keep the 0-based step
    expect(((await page.evaluate(() => window.__netviz!.getState())) as { step: number }).step).toBe(7);
  });

  test('a port nobody listens on is refused, and the form reports a bad request without losing the trace', async ({
    app,
  }) => {
    const { page } = app;
    await app.goto();
    await page.getByRole('textbox', { name: 'Port' }).fill('9999');
    await page.getByRole('button', { name: 'Send packet' }).click();
    await page.evaluate(() => window.__netviz!.tick(60_000));
    await expect(page.getByTestId('trace.verdict')).toHaveText('refused');
    await expect(page.getByTestId('hop.inspector')).toContainText('TCP RST');

    await page.getByRole('textbox', { name: 'Port' }).fill('70000');
    await page.getByRole('button', { name: 'Send packet' }).click();
    await expect(page.getByRole('alert')).toContainText('70000 is not a port number');
    await expect(page.getByTestId('trace.verdict')).toHaveText('refused');
    await expect(page.getByTestId('hops.row').first()).toBeVisible();
  });
});
