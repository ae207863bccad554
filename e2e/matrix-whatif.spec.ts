/**
 * What-if on the matrix: the smallest policy for a denied cell, before and after side by side with
 * the changed cells marked, a link that keeps the edit, templates; and the views at the three
 * sizes, light and dark.
 */
import { test, expect } from './fixtures';

test.describe('the matrix what-if', () => {
  test('suggests the smallest policy, marks what changes, and keeps it in the link', async ({ app }, testInfo) => {
    const { page } = app;
    await page.setViewportSize({ width: 1280, height: 720 });
    await app.goto('/?view=matrix#example=netpol-truth-table');
    const cell = (from: string, to: string) =>
      page.getByTestId('matrix.grid').getByRole('gridcell', { name: new RegExp(`^${from} to ${to}:`) });
    await expect(cell('z/a', 'x/b')).toHaveAttribute('data-verdict', 'denied-ingress');
    await cell('z/a', 'x/b').click();
    await page.getByRole('button', { name: 'Suggest the smallest policy allowing this' }).click();

    // the policy: one rule, z/a's labels in namespace z, on TCP 80, for x/b's labels
    const yaml = page.getByRole('textbox', { name: 'NetworkPolicy YAML' });
    await expect(yaml).toHaveValue(/namespace: x\n/);
    await expect(yaml).toHaveValue(/kubernetes.io\/metadata.name: z/);
    await expect(yaml).toHaveValue(/port: 80/);
    // before and after side by side: only that cell changes
    const after = page.getByTestId('matrix.after');
    await expect(after).toBeVisible();
    await expect(page.getByTestId('matrix.changes')).toContainText('1 cell changes');
    await expect(page.getByTestId('matrix.changes')).toContainText('z/a → x/b TCP 80: denied-ingress → allowed');
    const changed = after.locator('[data-changed="true"]');
    await expect(changed).toHaveCount(1);
    await expect(changed).toHaveAttribute('data-verdict', 'allowed');
    await expect(changed).toHaveText('Δ✓');
    await expect(page.getByTestId('matrix.grid').locator('[data-changed="true"]')).toHaveAttribute(
      'data-verdict',
      'denied-ingress',
    );
    await page.screenshot({ path: testInfo.outputPath('whatif-1280-light.png') });

    // the link keeps the edit: reopened, it compares again
    expect(page.url()).toMatch(/[?&]whatif=[A-Za-z0-9_-]+/);
    await page.reload();
    // (the matrix's code loads on demand: slow on a loaded machine)
    await expect(page.getByTestId('matrix.after')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('matrix.changes')).toContainText('1 cell changes');

    // a template: default deny in z closes what z sent and received
    await page.getByRole('combobox', { name: 'Destination namespace' }).selectOption('z');
    await page.getByRole('combobox', { name: 'Policy template' }).selectOption('default-deny');
    await page.getByRole('button', { name: 'Use template in z' }).click();
    await page.getByRole('button', { name: 'Compare' }).click();
    await expect(page.getByTestId('matrix.changes')).toContainText(/\d+ cells change/);
    for (const v of await page.getByTestId('matrix.after').locator('[data-changed="true"]').all())
      await expect(v).toHaveAttribute('data-verdict', /denied-(egress|ingress)/);

    // bad YAML says what is wrong and where
    await page.getByRole('textbox', { name: 'NetworkPolicy YAML' }).fill('kind: Pod\n');
    await page.getByRole('button', { name: 'Compare' }).click();
    await expect(page.getByRole('alert')).toContainText('document 1: not a networking.k8s.io/v1 NetworkPolicy');
    await page.getByRole('button', { name: 'Clear what-if' }).click();
    await expect(page.getByTestId('matrix.after')).toHaveCount(0);
    expect(page.url()).not.toContain('whatif=');
    expect(app.errors).toEqual([]);
  });

  for (const [w, h] of [
    [1280, 720],
    [720, 450],
    [390, 844],
  ] as const) {
    test(`looks right at ${w}x${h}, light and dark`, async ({ app }, testInfo) => {
      const { page } = app;
      await page.setViewportSize({ width: w, height: h });
      await app.goto('/?view=matrix#example=netpol-truth-table');
      if (w < 640) {
        // the phone layout: the matrix covers the stage; the menu shows and hides it
        await expect(page.getByTestId('phone')).toBeVisible();
      }
      await expect(page.getByTestId('matrix.grid')).toBeVisible();
      await page.getByTestId('matrix.cell').nth(3).click();
      await page.screenshot({ path: testInfo.outputPath(`matrix-${w}-light.png`) });
      await page
        .getByRole('button', { name: 'Group' })
        .or(page.getByRole('button', { name: 'Namespaces' }))
        .first()
        .click();
      await expect(page.getByTestId('matrix.grid')).toHaveAttribute('data-level', 'namespace');
      await page.screenshot({ path: testInfo.outputPath(`matrix-ns-${w}-light.png`) });
      await app.goto('/?view=matrix&theme=dark#example=netpol-truth-table');
      await expect(page.getByTestId('matrix.grid')).toBeVisible();
      await page.getByTestId('matrix.cell').nth(14).click();
      await page.getByRole('button', { name: 'Suggest the smallest policy allowing this' }).click();
      await expect(page.getByTestId('matrix.after')).toBeVisible();
      await page.screenshot({ path: testInfo.outputPath(`whatif-${w}-dark.png`) });
      expect(app.errors).toEqual([]);
    });
  }
});
