/**
 * The matrix at scale: ?generate=50x20&policies=200 (1,002 pods on Calico, 200 NetworkPolicies)
 * computes 1,000 x 1,000 cells in the worker with a progress bar and Cancel, and reads as a
 * namespace grid first, then workloads, then pods.
 */
import { test, expect } from './fixtures';

const LARGE = '/?generate=50x20&policies=200&view=matrix';

test.describe('the matrix of a large cluster', () => {
  test.setTimeout(240_000);

  test('shows progress, cancels, and groups by namespace, then workload, then pod', async ({ app }, testInfo) => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 720 });
    await app.goto(LARGE);
    // the worker reports its rows; Cancel ends it and says so
    const progress = page.getByTestId('matrix.progress');
    await expect(progress).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('progressbar', { name: 'Matrix progress' })).toBeVisible();
    // the page stays responsive while the worker computes: the theme toggle answers at once
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByText('Cancelled.')).toBeVisible();
    await expect(progress).toHaveCount(0);

    // again, to the end: 1,002 x 1,002 pods on the most declared port, grouped by namespace
    await page.getByRole('button', { name: 'Compute again' }).click();
    await expect(progress).toBeVisible();
    const grid = page.getByTestId('matrix.grid');
    await expect(grid).toHaveAttribute('data-level', 'namespace', { timeout: 120_000 });
    await expect(page.getByTestId('matrix.details')).toContainText('1,004,004 cells in');
    const footer = await page.getByTestId('matrix.details').textContent();
    testInfo.annotations.push({ type: 'matrix 1002x1002 in the worker', description: footer ?? '' });
    console.log(`matrix 1002 x 1002 in the browser's worker: ${footer?.match(/[\d,]+ cells in \d+ ms/)?.[0]}`);
    // 10 team namespaces and kube-system
    await expect(page.getByTestId('matrix.group')).toHaveCount(11 * 11);
    const teamCell = page.getByRole('gridcell', { name: /^team-01 to team-02: / });
    await expect(teamCell).toHaveAttribute('aria-label', /\d+ (allowed|denied by ingress policy)/);
    for (const text of await page.getByTestId('matrix.group').allTextContents())
      expect(text).toMatch(/^((✓|✗E|✗I|!N|⊘R)\d+)+$/);
    await page.screenshot({ path: testInfo.outputPath('matrix-namespaces-1280-light.png') });

    // a namespace pair opens its workloads (20 Deployments each)
    await teamCell.click();
    await expect(grid).toHaveAttribute('data-level', 'workload');
    await expect(page.getByRole('combobox', { name: 'Source namespace' })).toHaveValue('team-01');
    await expect(page.getByRole('combobox', { name: 'Destination namespace' })).toHaveValue('team-02');
    await expect(page.getByTestId('matrix.group')).toHaveCount(20 * 20);
    // and a workload pair (by keyboard) its pods, whose cells play their trace
    await page.getByTestId('matrix.group').first().focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect(grid).toHaveAttribute('data-level', 'pod');
    await expect(page.getByRole('button', { name: /Workloads of team-01 → team-02/ })).toBeVisible();
    const cells = page.getByTestId('matrix.cell');
    expect(await cells.count()).toBe(25);
    await cells.first().click();
    await expect
      .poll(() => page.evaluate(() => window.__netviz!.currentTrace()?.request.from))
      .toMatch(/^pod\/team-01\//);
    const verdict = await cells.first().getAttribute('data-verdict');
    const trace = await page.evaluate(() => window.__netviz!.currentTrace()!.verdict);
    expect(trace).toBe(verdict === 'allowed' ? 'delivered' : verdict === 'refused' ? 'refused' : 'dropped');
    await page.getByRole('button', { name: /Workloads of team-01 → team-02/ }).click();
    await expect(grid).toHaveAttribute('data-level', 'workload');
    expect(app.errors).toEqual([]);
  });
});
