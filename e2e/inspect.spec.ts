import { test, expect } from './fixtures';

test.describe('inspecting the cluster', () => {
  test('clicking a pod on the diagram opens its details: IP, node, containers, labels, Services', async ({ app }) => {
    const { page } = app;
    await app.goto();
    const target = await page.evaluate(() => {
      const s = window.__netviz!.getState() as {
        cluster: { pods: { name: string; owner: string | null; ip: string; node: string }[] };
      };
      return s.cluster.pods.find((p) => p.owner === 'Deployment/web')!;
    });
    // click the pod's own box: its label row, just above its containers
    const box = await page.evaluate((name) => {
      const hook = window.__netviz!;
      return hook.renderedBox(`pod/default/${name}`);
    }, target.name);
    await page.mouse.click(box.x1 + 6, box.y1 + 6);
    const inspector = page.getByTestId('selection.inspector');
    await expect(inspector).toContainText(`pod/default/${target.name}`);
    await expect(inspector).toContainText(target.ip);
    await expect(inspector).toContainText(target.node);
    await expect(inspector).toContainText('app=web');
    await expect(inspector).toContainText('default/web');
  });

  test('searching by IP selects the pod; a Service lists its endpoints with readiness', async ({ app }) => {
    const { page } = app;
    await app.goto();
    await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill('10.244.1.3');
    await page.getByRole('button', { name: 'Find' }).click();
    await expect(page.getByTestId('selection.inspector')).toContainText('pod/default/app-1');
    await expect(page.getByTestId('selection.inspector')).toContainText('sidecar');
    await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill('10.96.0.10');
    await page.getByRole('button', { name: 'Find' }).click();
    const endpoints = page.getByTestId('inspector.endpoints');
    await expect(endpoints.getByRole('row')).toHaveCount(2);
    await expect(endpoints).toContainText('ready');
    await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill('node-b');
    await page.getByRole('button', { name: 'Find' }).click();
    const routes = page.getByTestId('inspector.routes');
    await expect(routes).toContainText('10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink');
    await expect(routes).toContainText('10.244.2.0/24 dev cni0 proto kernel scope link src 10.244.2.1');
    await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill('no-such-thing');
    await page.getByRole('button', { name: 'Find' }).click();
    await expect(page.getByRole('status')).toContainText('Nothing matches');
  });

  test('the text view lists every node, pod, container and Service, in sync with the selection', async ({ app }) => {
    const { page } = app;
    await app.goto();
    await page.getByRole('button', { name: 'Split' }).click();
    const text = page.getByRole('navigation', { name: 'Cluster as text' });
    const state = (await page.evaluate(() => window.__netviz!.getState())) as {
      cluster: {
        nodes: { name: string }[];
        pods: { namespace: string; name: string; containers: { name: string }[] }[];
        services: { namespace: string; name: string }[];
      };
    };
    for (const n of state.cluster.nodes) await expect(text.locator(`[data-id="node/${n.name}"]`)).toBeVisible();
    for (const p of state.cluster.pods) {
      await expect(text.locator(`[data-id="pod/${p.namespace}/${p.name}"]`)).toBeVisible();
      for (const c of p.containers)
        await expect(text.locator(`[data-id="container/${p.namespace}/${p.name}/${c.name}"]`)).toBeVisible();
    }
    for (const s of state.cluster.services)
      await expect(text.locator(`[data-id="svc/${s.namespace}/${s.name}"]`)).toBeVisible();
    await text.locator('[data-id="svc/default/web"]').click();
    await expect(text.locator('[data-id="svc/default/web"]')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('selection.inspector')).toContainText('svc/default/web');
    expect(((await page.evaluate(() => window.__netviz!.getState())) as { selection: string }).selection).toBe(
      'svc/default/web',
    );
  });

  test('the text view holds what the diagram draws and follows the packet along its path', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=ingress&step=0');
    await page.getByRole('button', { name: 'Text' }).click();
    const text = page.getByRole('navigation', { name: 'Cluster as text' });
    // beyond nodes, pods and Services: devices, NodePorts, the node network, the Internet, load balancers
    for (const id of ['internet', 'dev/node-a/eth0', 'dev/node-a/flannel.1', 'dev/node-a/cni0', 'underlay'])
      await expect(text.locator(`[data-id="${id}"]`)).toBeVisible();
    await expect(text.locator('[data-id^="nodeport/node-a/"]').first()).toBeVisible();
    await expect(text.locator('[data-id^="dev/pod/"][data-id$="/eth0"]').first()).toBeVisible();
    await expect(text.locator('[data-id^="veth/node-a/"]').first()).toBeVisible();
    // in step with playback: the item the packet is at is marked, and moves when the step does
    const trace = (await page.evaluate(() => window.__netviz!.currentTrace())) as { hops: { at: string }[] };
    const atFlannel = trace.hops.findIndex((h) => h.at === 'dev/node-a/flannel.1' || h.at === 'dev/node-b/flannel.1');
    expect(atFlannel).toBeGreaterThan(0);
    await page.evaluate((i) => window.__netviz!.stepTo(i), atFlannel);
    const flannel = text.locator(`[data-id="${trace.hops[atFlannel]!.at}"]`);
    await expect(flannel).toHaveAttribute('aria-current', 'location');
    await expect(flannel).toContainText('the packet is here');
    await expect(flannel).toContainText(`on the path at step`);
    await expect(page.getByTestId('textview.packet')).toContainText(`Step ${atFlannel + 1} of`);
    await page.evaluate(() => window.__netviz!.stepTo(0));
    await expect(flannel).not.toHaveAttribute('aria-current', 'location');
    await expect(text.locator(`[data-id="${trace.hops[0]!.at}"]`)).toHaveAttribute('aria-current', 'location');
    // a policy the diagram draws is listed too
    await app.goto('/#example=network-policy-deny');
    await page.getByRole('button', { name: 'Text' }).click();
    await expect(text.locator('[data-id^="netpol/"]').first()).toBeVisible();
  });

  test('exports the diagram as a valid PNG and as an SVG that contains every node', async ({ app }) => {
    const { page } = app;
    await app.goto();
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG' }).click()]);
    const pngBytes = await (await png.createReadStream()).toArray();
    const pngBuffer = Buffer.concat(pngBytes);
    expect(pngBuffer.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pngBuffer.length).toBeGreaterThan(10_000);

    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()]);
    const svgText = Buffer.concat(await (await svg.createReadStream()).toArray()).toString('utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror') !== null,
        ids: [...doc.querySelectorAll('[data-id]')].map((e) => e.getAttribute('data-id')),
      };
    }, svgText);
    expect(parsed.error).toBe(false);
    for (const id of [
      'node/node-a',
      'node/node-b',
      'node/cp',
      'dev/node-a/cni0',
      'svc/default/web',
      'container/default/app-1/sidecar',
    ]) {
      expect(parsed.ids).toContain(id);
    }
    expect(svgText).toContain('10.244.1.2');
  });

  test('switches to the dark theme', async ({ app }, testInfo) => {
    const { page } = app;
    await app.goto();
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect(page.getByRole('button', { name: 'Switch to light theme' })).toBeVisible();
    expect(((await page.evaluate(() => window.__netviz!.getState())) as { theme: string }).theme).toBe('dark');
    // the camera has framed the step (a screenshot mid-glide shows where it was)
    await app.settled();
    await page.screenshot({ path: testInfo.outputPath('dark-theme.png') });
  });
});
