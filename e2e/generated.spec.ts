import { test, expect } from './fixtures';

// ?generate=<nodes>x<podsPerNode> adds a control plane and the 2 CoreDNS pods the builder adds,
// and one Service per 5 pods plus `kubernetes` and `kube-dns` (src/sim/generate/generateCluster.ts).
const SIZES: [number, number][] = [
  [3, 4],
  [10, 10],
  [50, 20],
  [100, 50],
];

test.describe('generated clusters', () => {
  for (const [nodes, perNode] of SIZES) {
    test(`?generate=${nodes}x${perNode} renders every node and pod`, async ({ app }, testInfo) => {
      test.setTimeout(120_000);
      await app.goto(`/?generate=${nodes}x${perNode}`);
      const pods = nodes * perNode;
      const counts = await app.elementCount();
      expect(counts.nodes).toBe(nodes + 1);
      expect(counts.pods).toBe(pods + 2);
      expect(counts.services).toBe(Math.ceil(pods / 5) + 2);
      const drawn = await app.page.evaluate(() => window.__netviz!.drawnCounts());
      expect(drawn['k8s-node']).toBe(nodes + 1);
      expect(drawn['pod']).toBe(pods + 2);
      expect(drawn['service']).toBe(Math.ceil(pods / 5) + 2);
      // the overview appears for large clusters, and a click in it moves the view
      const overview = app.page.getByTestId('canvas.overview');
      if (nodes + 1 >= 9) {
        await expect(overview).toBeVisible();
        const before = await app.page.evaluate(() => (window.__netviz!.cy() as { pan(): { x: number; y: number } }).pan());
        const box = (await overview.boundingBox())!;
        await app.page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.5);
        const after = await app.page.evaluate(() => (window.__netviz!.cy() as { pan(): { x: number; y: number } }).pan());
        expect(after).not.toEqual(before);
      } else {
        await expect(overview).toBeHidden();
      }
      await app.page.screenshot({ path: testInfo.outputPath(`generate-${nodes}x${perNode}.png`) });
    });
  }

  test('a packet crosses a generated cluster with summarised pods', async ({ app }) => {
    await app.goto('/?generate=10x10');
    await app.page.getByRole('button', { name: 'Send packet' }).click();
    const trace = await app.page.evaluate(() => window.__netviz!.currentTrace());
    expect(trace?.verdict).toBe('delivered');
    await app.page.evaluate(() => window.__netviz!.tick(60_000));
    await expect(app.page.getByTestId('trace.verdict')).toHaveText('delivered');
  });

  test('a bad size gives a message and the built-in cluster', async ({ app }) => {
    await app.goto('/?generate=5000x5000');
    await expect(app.page.getByTestId('notice')).toContainText('outside the limits');
    expect(await app.elementCount()).toEqual({ nodes: 3, pods: 7, containers: 8, services: 3 });
    await app.goto('/?generate=lots');
    await expect(app.page.getByTestId('notice')).toContainText('is not <nodes>x<podsPerNode>');
  });
});
