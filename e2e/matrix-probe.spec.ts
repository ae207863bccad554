/**
 * The matrix through each pod's Service (as Kubernetes' netpol tests probe), every declared port at
 * once, and exports carrying the CLI's fields; the views at the three sizes, light and dark.
 */
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';

test.describe('the matrix probes and ports', () => {
  test("probes through the pod's Service by default on the netpol setup, and the link keeps the choice", async ({
    app,
  }) => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 720 });
    await app.goto('/?view=matrix#example=netpol-truth-table');
    const via = page.getByRole('combobox', { name: 'Probe through' });
    await expect(via).toHaveValue('service');
    const cell = (from: string, to: string) =>
      page.getByTestId('matrix.grid').getByRole('gridcell', { name: new RegExp(`^${from} to ${to}:`) });
    await cell('y/a', 'x/b').click();
    await expect(page.getByTestId('matrix.via')).toContainText('Through Service x/s-x-b:');
    await expect(page.getByTestId('matrix.via')).toContainText('DNATs to x/b');
    // the trace of the cell goes to the ClusterIP, and kube-proxy's DNAT lands on x/b
    await expect.poll(() => page.evaluate(() => window.__netviz!.currentTrace()?.request.to)).toBe('svc/x/s-x-b');
    const t = (await page.evaluate(() => window.__netviz!.currentTrace()))!;
    expect([t.verdict, t.endpoint?.pod]).toEqual(['delivered', 'x/b']);
    expect(t.hops.some((h) => h.kind === 'netfilter' || h.kind === 'ipvs')).toBe(true);

    // to the pod IP instead: the link says so, the cell plays to the pod
    await via.selectOption('pod');
    await expect(page.getByRole('grid', { name: 'Who can reach whom on TCP 80' })).toBeVisible();
    expect(new URL(page.url()).searchParams.get('via')).toBe('pod');
    await cell('z/a', 'x/b').click();
    await expect.poll(() => page.evaluate(() => window.__netviz!.currentTrace()?.request.to)).toBe('pod/x/b');
    await expect(page.getByTestId('matrix.via')).toHaveCount(0);

    // a reopened link keeps it; a bad value is reported and the default used
    await app.goto('/?view=matrix&via=vip#example=netpol-truth-table');
    await expect(page.getByRole('alert').filter({ hasText: 'via= is neither pod nor service' })).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Probe through' })).toHaveValue('service');
    expect(app.errors).toEqual([]);
  });

  test('a pod without a Service is skipped through Services, with the reason', async ({ app }) => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 720 });
    // the built-in cluster: app-1 declares 8080 and no Service has it as an endpoint
    await app.goto('/?view=matrix&via=service');
    await expect(page.getByRole('combobox', { name: 'Probe through' })).toHaveValue('service');
    await page.getByRole('combobox', { name: 'Port' }).selectOption('8080/tcp');
    const none = page
      .getByTestId('matrix.grid')
      .getByRole('gridcell', { name: /to default\/app-1: no Service carries it/ });
    await expect(none.first()).toHaveText('–');
    await none.first().click();
    await expect(page.getByTestId('matrix.skip')).toContainText('No Service sends TCP 8080 to default/app-1');
    // the web pods go through Service web
    const web = page.getByTestId('matrix.grid').getByRole('gridcell', { name: /^default\/client to default\/web-/ });
    await web.first().click();
    await expect(page.getByTestId('matrix.via')).toContainText('Through Service default/web:');
    expect(app.errors).toEqual([]);
  });

  test('every declared port at once: a split cell lists each port and plays the one chosen', async ({
    app,
  }, testInfo) => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 720 });
    await app.goto('/?view=matrix#example=netpol-truth-table');
    await page.getByRole('combobox', { name: 'Source namespace' }).selectOption('y');
    await page.getByRole('combobox', { name: 'Destination namespace' }).selectOption('x');
    await page.getByRole('combobox', { name: 'Port' }).selectOption('all');
    const grid = page.getByRole('grid', {
      name: "Who can reach whom on every declared port, through each pod's Service",
    });
    await expect(grid).toBeVisible();
    await expect(page.getByTestId('matrix.cell')).toHaveCount(9);
    // y gets into x on TCP 80 only: each cell splits, one port allowed, three denied by ingress
    const cell = grid.getByRole('gridcell', { name: /^y\/a to x\/b:/ });
    await expect(cell).toHaveAttribute('data-split', 'true');
    await expect(cell).toHaveAttribute('data-verdict', 'denied-ingress');
    await expect(cell).toHaveText('✓1✗I3');
    await expect(cell).toHaveAttribute(
      'aria-label',
      /TCP 80 allowed, UDP 80 denied by ingress policy, TCP 81 denied by ingress policy, UDP 81 denied by ingress policy/,
    );
    await cell.focus();
    // the details open on the first port that is not allowed; a port button switches
    const details = page.getByTestId('matrix.details');
    await expect(details).toContainText('y/a → x/b, UDP 80: denied-ingress');
    const ports = details.getByRole('group', { name: 'Ports of this pair' }).getByRole('button');
    await expect(ports).toHaveCount(4);
    await ports.filter({ hasText: 'TCP 80' }).click();
    await expect(details).toContainText('y/a → x/b, TCP 80: allowed');
    await details.getByRole('button', { name: 'Play this trace' }).click();
    await expect
      .poll(() => page.evaluate(() => window.__netviz!.currentTrace()?.request))
      .toMatchObject({ from: 'pod/y/a', to: 'svc/x/s-x-b', port: 80, protocol: 'tcp' });
    // Enter on a cell plays the chosen port there too
    await cell.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => window.__netviz!.currentTrace()?.request.to)).toBe('svc/x/s-x-c');
    expect((await page.evaluate(() => window.__netviz!.currentTrace()))!.request.port).toBe(80);

    // namespace level counts every port's cells
    await page.getByRole('combobox', { name: 'Source namespace' }).selectOption('');
    await page.getByRole('combobox', { name: 'Destination namespace' }).selectOption('');
    await page.getByRole('button', { name: 'Namespaces' }).click();
    const yx = page.getByTestId('matrix.grid').getByRole('gridcell', { name: /^y to x:/ });
    await expect(yx).toHaveAttribute('aria-label', /9 allowed, 27 denied by ingress policy/);

    await page.getByRole('button', { name: 'Pods' }).click();
    // the phone layout mounts the view anew: each size chooses the pair again
    for (const theme of ['light', 'dark'] as const) {
      if (theme === 'dark') {
        await page.setViewportSize({ width: 1280, height: 720 });
        await page.getByRole('button', { name: 'Switch to dark theme' }).click();
      }
      for (const [w, h] of [
        [1280, 720],
        [720, 450],
        [390, 844],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.getByRole('combobox', { name: 'Source namespace' }).selectOption('y');
        await page.getByRole('combobox', { name: 'Destination namespace' }).selectOption('x');
        await page.getByRole('combobox', { name: 'Port' }).selectOption('all');
        const split = grid.getByRole('gridcell', { name: /^y\/a to x\/b:/ });
        await split.click();
        await expect(page.getByTestId('matrix.details')).toContainText('y/a → x/b');
        await page.screenshot({ path: testInfo.outputPath(`ports-${w}-${theme}.png`) });
      }
    }
    expect(app.errors).toEqual([]);
  });

  test("the JSON and CSV exports carry the CLI's fields", async ({ app }) => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 720 });
    await app.goto('/?view=matrix#example=netpol-truth-table');
    await page.getByRole('combobox', { name: 'Destination namespace' }).selectOption('x');
    await page.getByRole('combobox', { name: 'Port' }).selectOption('all');
    await expect(page.getByTestId('matrix.cell').first()).toBeVisible();
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'JSON' }).click(),
    ]);
    expect(json.suggestedFilename()).toBe('k8s-netviz-matrix.json');
    const text = readFileSync((await json.path())!, 'utf8');
    const doc = JSON.parse(text) as {
      via: string;
      cells: Record<string, unknown>[];
      skipped: unknown[];
      counts: Record<string, number>;
    };
    // the CLI's -o json: the same keys in the same order, two-space indents
    expect(Object.keys(doc)).toEqual(['sources', 'destinations', 'enforced', 'via', 'cells', 'skipped', 'counts']);
    expect(text).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(doc.via).toBe('service');
    // 11 sources x 3 destinations x 4 ports, none skipped
    expect(doc.cells).toHaveLength(11 * 3 * 4);
    expect(doc.skipped).toEqual([]);
    const zaxb = doc.cells.find((c) => c.from === 'z/a' && c.to === 'x/b' && c.port === 80 && c.protocol === 'tcp')!;
    expect(Object.keys(zaxb)).toEqual([
      'from',
      'to',
      'port',
      'protocol',
      'verdict',
      'policies',
      'service',
      'egress',
      'ingress',
      'reason',
    ]);
    expect(zaxb).toMatchObject({
      verdict: 'denied-ingress',
      service: { name: 'x/s-x-b', port: 80 },
      ingress: { direction: 'ingress', pod: 'x/b', allowed: false, isolating: ['x/deny-ingress', 'x/allow-from-y'] },
      egress: { direction: 'egress', pod: 'z/a', allowed: true },
    });
    expect(zaxb.reason).toMatch(
      /^Dropped: no ingress rule of x\/deny-ingress, x\/allow-from-y allows TCP 80 from a into b\.$/,
    );
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV' }).click()]);
    const lines = readFileSync((await csv.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('from,to,port,protocol,verdict,policies,service');
    expect(lines).toHaveLength(1 + 11 * 3 * 4);
    expect(app.errors).toEqual([]);
  });
});
