import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';

test.describe('the reachability matrix', () => {
  test('shows the truth table, moves with the arrows and plays the chosen cell', async ({ app }, testInfo) => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 720 });
    await app.goto('/?view=matrix#example=netpol-truth-table');
    // probed as upstream probes, through each pod's Service
    const grid = page.getByRole('grid', { name: "Who can reach whom on TCP 80, through each pod's Service" });
    await expect(grid).toBeVisible();
    // 11 pods (x, y, z and CoreDNS) by 11 pods on TCP 80
    await expect(page.getByTestId('matrix.cell')).toHaveCount(121);
    // every cell says its verdict with a symbol, not with colour alone; kube-dns has no port 80: –
    for (const text of await page.getByTestId('matrix.cell').allTextContents())
      expect(text).toMatch(/^(✓|✗E|✗I|!N|⊘R|–)$/);
    await expect(page.locator('[data-testid="matrix.cell"][data-verdict="none"]')).toHaveCount(11 * 2);

    // x isolates its pods for ingress and lets y in on port 80: y/a -> x/b allowed, z/a -> x/b denied
    const cell = (from: string, to: string) => page.getByRole('gridcell', { name: new RegExp(`^${from} to ${to}:`) });
    await expect(cell('y/a', 'x/b')).toHaveAttribute('data-verdict', 'allowed');
    await expect(cell('z/a', 'x/b')).toHaveAttribute('data-verdict', 'denied-ingress');
    await expect(cell('z/a', 'x/b')).toHaveAttribute('title', /x\/deny-ingress/);

    // keyboard: focus the first cell, walk to z/a -> x/b with the arrows, Enter plays that trace
    await page.getByTestId('matrix.cell').first().focus();
    const rows = await page.getByRole('rowheader').allTextContents();
    const cols = await page.getByRole('columnheader').allTextContents();
    const targetRow = rows.indexOf('z/a');
    const targetCol = cols.indexOf('x/b') - 1; // the first column header is the corner
    expect(targetRow).toBeGreaterThan(0);
    for (let i = 0; i < targetRow; i++) await page.keyboard.press('ArrowDown');
    for (let i = 0; i < targetCol; i++) await page.keyboard.press('ArrowRight');
    await expect(cell('z/a', 'x/b')).toBeFocused();
    await expect(page.getByTestId('matrix.details')).toContainText('z/a → x/b, TCP 80: denied-ingress');
    await expect(page.getByTestId('matrix.details')).toContainText('x/deny-ingress');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => window.__netviz!.currentTrace()?.request))
      .toMatchObject({ from: 'pod/z/a', to: 'svc/x/s-x-b', port: 80, protocol: 'tcp' });
    expect((await page.evaluate(() => window.__netviz!.currentTrace()))!.verdict).toBe('dropped');

    // a click plays a cell too
    await cell('y/a', 'x/b').click();
    await expect.poll(() => page.evaluate(() => window.__netviz!.currentTrace()?.verdict)).toBe('delivered');
    expect((await page.evaluate(() => window.__netviz!.currentTrace()))!.request.from).toBe('pod/y/a');
    // kube-proxy's DNAT lands on the cell's pod
    expect((await page.evaluate(() => window.__netviz!.currentTrace()))!.endpoint?.pod).toBe('x/b');

    // narrower: x to x on UDP 81, all denied by x's ingress except a pod to itself
    await page.getByRole('combobox', { name: 'Source namespace' }).selectOption('x');
    await page.getByRole('combobox', { name: 'Destination namespace' }).selectOption('x');
    await page.getByRole('combobox', { name: 'Port' }).selectOption('81/udp');
    await expect(page.getByRole('grid', { name: 'Who can reach whom on UDP 81' })).toBeVisible();
    await expect(page.getByTestId('matrix.cell')).toHaveCount(9);
    await expect(page.locator('[data-testid="matrix.cell"][data-verdict="denied-ingress"]')).toHaveCount(6);
    await page.getByRole('combobox', { name: 'Source namespace' }).selectOption('');
    await page.getByRole('combobox', { name: 'Port' }).selectOption('80/tcp');

    // the table as CSV: the same rows the CLI's -o csv prints
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV' }).click()]);
    expect(csv.suggestedFilename()).toBe('k8s-netviz-matrix.csv');
    const text = readFileSync((await csv.path())!, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('from,to,port,protocol,verdict,policies,service');
    expect(lines.find((l) => l.startsWith('z/a,x/b,'))).toMatch(
      /^z\/a,x\/b,80,tcp,denied-ingress,x\/deny-ingress x\/allow-from-y,x\/s-x-b \d+\.\d+\.\d+\.\d+:80$/,
    );
    expect(lines).toHaveLength(1 + 11 * 3);

    await page.screenshot({ path: testInfo.outputPath('matrix-light.png') });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.screenshot({ path: testInfo.outputPath('matrix-dark.png') });
    expect(app.errors).toEqual([]);
  });

  test('the view is in the view switch and says when the plugin ignores policy', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=network-policy-deny');
    await page.getByRole('button', { name: 'Matrix' }).click();
    // (the event list is a grid too: this is the matrix's)
    await expect(page.getByTestId('matrix.grid')).toBeVisible();
    // the built-in cluster on Calico: default-deny-ingress in default denies every cell into default
    const into = page.locator('[data-testid="matrix.cell"][data-verdict="denied-ingress"]');
    await expect.poll(() => into.count()).toBeGreaterThan(0);
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption({ index: 0 });
    await expect(page.getByText('This network plugin does not enforce NetworkPolicy.')).toBeVisible();
    await expect(page.locator('[data-testid="matrix.cell"][data-verdict="not-enforced"]').first()).toBeVisible();
    await expect(into).toHaveCount(0);
    expect(app.errors).toEqual([]);
  });
});
