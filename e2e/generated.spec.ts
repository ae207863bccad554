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
      // the time of the first drawn frame (what the bench reports): after the page began, not later than now
      const [drawnAt, now] = await app.page.evaluate(async () => [
        await window.__netviz!.whenRendered(),
        performance.now(),
      ]);
      expect(drawnAt).toBeGreaterThan(0);
      expect(drawnAt).toBeLessThanOrEqual(now);
      const counts = await app.elementCount();
      expect(counts.nodes).toBe(nodes + 1);
      expect(counts.pods).toBe(pods + 2);
      expect(counts.services).toBe(Math.ceil(pods / 5) + 2);
      const drawn = await app.page.evaluate(() => window.__netviz!.drawnCounts());
      expect(drawn['k8s-node']).toBe(nodes + 1);
      if (nodes === 3) {
        // small enough to draw in full at any zoom
        expect(drawn['pod']).toBe(pods + 2);
        expect(drawn['service']).toBe(Math.ceil(pods / 5) + 2);
      } else {
        // fitted, the view is zoomed out: nodes and rows of Services are summaries
        expect(drawn['pod'] ?? 0).toBe(0);
        expect(drawn['service'] ?? 0).toBe(0);
        expect(drawn['service-group']).toBeGreaterThan(0);
        const summary = await app.page.evaluate(() =>
          (window.__netviz!.cy() as { $id(id: string): { data(k: string): string } })
            .$id('node/worker-001')
            .data('label'),
        );
        expect(summary).toBe(`worker-001\n${perNode} pods · 10.244.1.0/24`);
      }
      // the fitted view, before the overview below moves it
      await app.page.screenshot({ path: testInfo.outputPath(`generate-${nodes}x${perNode}.png`) });
      // the overview appears for large clusters, and a click in it moves the view
      const overview = app.page.getByTestId('canvas.overview');
      if (nodes + 1 >= 9) {
        await expect(overview).toBeVisible();
        // in miniature: the nodes, the Service rows above them and the Internet at the edge
        const colours = await overview.evaluate((canvas: HTMLCanvasElement) => {
          const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
          const seen = new Set<string>();
          for (let i = 0; i < data.length; i += 4) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
          return [...seen];
        });
        expect(colours).toContain('203,213,225'); // node boxes (#cbd5e1)
        expect(colours).toContain('233,213,255'); // Service rows (#e9d5ff)
        expect(colours).toContain('186,230,253'); // the Internet (#bae6fd)
        const before = await app.page.evaluate(() =>
          (window.__netviz!.cy() as { pan(): { x: number; y: number } }).pan(),
        );
        const box = (await overview.boundingBox())!;
        await app.page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.5);
        const after = await app.page.evaluate(() =>
          (window.__netviz!.cy() as { pan(): { x: number; y: number } }).pan(),
        );
        expect(after).not.toEqual(before);
      } else {
        await expect(overview).toBeHidden();
      }
    });
  }

  test('zooming in to a node draws it in full; zooming out summarises it again', async ({ app }, testInfo) => {
    await app.goto('/?generate=50x20');
    const pod = (await app.pods()).find((p) => p.node === 'worker-017')!;
    await app.page.getByPlaceholder('Name or IP').fill(pod.ip);
    await app.page.getByRole('button', { name: 'Find' }).click();
    // the view settles, then the node in view opens: its pods, its bridge and its devices
    await expect
      .poll(() =>
        app.page.evaluate(
          (id) => !(window.__netviz!.cy() as unknown as { $id(id: string): { empty(): boolean } }).$id(id).empty(),
          `pod/${pod.namespace}/${pod.name}`,
        ),
      )
      .toBe(true);
    await app.page.evaluate(() => window.__netviz!.whenRendered());
    const opened = await app.page.evaluate(() => window.__netviz!.drawnCounts());
    expect(opened['pod']).toBeGreaterThanOrEqual(20);
    expect(opened['pod']).toBeLessThan(50 * 20);
    expect(opened['bridge']).toBeGreaterThanOrEqual(1);
    expect(
      await app.page.evaluate(() => (window.__netviz!.cy() as unknown as { zoom(): number }).zoom()),
    ).toBeGreaterThanOrEqual(1);
    await app.page.screenshot({ path: testInfo.outputPath('generate-50x20-zoomed.png') });
    // the selection and the tooltip still work on what opened
    const box = await app.page.evaluate((id) => window.__netviz!.renderedBox(id), `pod/${pod.namespace}/${pod.name}`);
    await app.page.mouse.click((box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2);
    await expect(app.page.getByTestId('selection.inspector')).toContainText(pod.ip);
    // zoom out a step with the key, then back to the whole cluster with the button: summaries again
    const zoom = () => app.page.evaluate(() => (window.__netviz!.cy() as unknown as { zoom(): number }).zoom());
    const before = await zoom();
    await app.page.keyboard.press('-');
    await expect.poll(zoom).toBeCloseTo(before / 1.5, 3);
    await app.page.getByRole('button', { name: 'Fit the whole cluster' }).click();
    await expect.poll(() => app.page.evaluate(() => window.__netviz!.drawnCounts()['pod'] ?? 0)).toBe(0);
    expect(await zoom()).toBeLessThan(0.3);
    await app.page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(zoom).toBeGreaterThan(0.1);
  });

  test('a packet crosses a generated cluster with summarised pods', async ({ app }) => {
    await app.goto('/?generate=10x10');
    await app.page.getByRole('button', { name: 'Send packet' }).click();
    const trace = await app.page.evaluate(() => window.__netviz!.currentTrace());
    expect(trace?.verdict).toBe('delivered');
    await app.page.evaluate(() => window.__netviz!.tick(60_000));
    await expect(app.page.getByTestId('trace.verdict')).toHaveText('delivered');
    // zoomed out, the hops inside a node light its summary
    const lit = await app.page.evaluate(() => {
      const cy = window.__netviz!.cy() as unknown as { $(sel: string): { map<T>(f: (e: { id(): string }) => T): T[] } };
      return cy.$('.on-path').map((e) => e.id());
    });
    const source = trace!.hops[0]!.at;
    const node = (await app.pods()).find((p) => source.includes(`/${p.namespace}/${p.name}`))!.node;
    expect(lit).toContain(`node/${node}`);
  });

  test('a bad size gives a message and the built-in cluster', async ({ app }) => {
    await app.goto('/?generate=5000x5000');
    await expect(app.page.getByTestId('notice')).toContainText('outside the limits');
    expect(await app.elementCount()).toEqual({ nodes: 3, pods: 7, containers: 8, services: 3 });
    await app.goto('/?generate=lots');
    await expect(app.page.getByTestId('notice')).toContainText('is not <nodes>x<podsPerNode>');
  });
});
