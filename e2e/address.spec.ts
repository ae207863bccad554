/**
 * #26: the address bar follows the view. Stepping rewrites `#example=<id>&step=<n>` in place
 * (replaceState, no history entry), so a copied address opens the same step and Back leaves the
 * app; a challenge's address never changes (it would tell the answers).
 */
import { expect, test } from './fixtures';

test.describe('the address follows the view (#26)', () => {
  test('three steps forward: the hash says step=3, opens there in a new page, and Back leaves the app', async ({
    app,
    context,
  }) => {
    const { page } = app;
    // a page before the app: where Back must land
    await page.goto('about:blank');
    await app.goto('/#example=pod-to-pod-cross-node&step=0');
    const history = await page.evaluate(() => window.history.length);
    for (let i = 0; i < 3; i++) await page.locator('body').press('ArrowRight');
    await expect(page.getByTestId('playback.position')).toHaveText(/^step 4 of /);
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#example=pod-to-pod-cross-node&step=3');
    // replaced, never pushed: stepping added no entry
    expect(await page.evaluate(() => window.history.length)).toBe(history);

    const other = await context.newPage();
    await other.goto(page.url());
    await other.waitForFunction(() => window.__netviz !== undefined);
    await other.evaluate(() => window.__netviz!.whenReady());
    await expect(other.getByTestId('playback.position')).toHaveText(/^step 4 of /);
    expect(((await other.evaluate(() => window.__netviz!.getState())) as { step: number }).step).toBe(3);
    await other.close();

    // choosing another scenario replaces the address too, and playing it moves the step along
    await page.getByRole('combobox', { name: 'Scenario' }).selectOption('pod-to-pod-same-node');
    await page.evaluate(() => window.__netviz!.tick(120_000));
    await expect
      .poll(() => page.evaluate(() => window.location.hash))
      .toMatch(/^#example=pod-to-pod-same-node&step=\d+$/);
    const last = ((await page.evaluate(() => window.__netviz!.getState())) as { step: number }).step;
    expect(await page.evaluate(() => window.location.hash)).toBe(`#example=pod-to-pod-same-node&step=${last}`);
    expect(await page.evaluate(() => window.history.length)).toBe(history);

    await page.goBack();
    await expect(page).toHaveURL('about:blank');
  });

  test('a changed scenario follows as #s= state; a challenge keeps its own address', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-pod-cross-node&step=0');
    // another packet makes it more than the built-in scenario: the share state carries it
    const pods = (await app.pods()).filter((p) => p.namespace === 'default');
    const request = { from: `pod/default/${pods[0]!.name}`, to: `pod/default/${pods.at(-1)!.name}`, port: 80 };
    expect(await page.evaluate((r) => window.__netviz!.send(r), request)).toBe(true);
    await page.evaluate(() => window.__netviz!.stepTo(2));
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/^#s=[jz]1\.[A-Za-z0-9_-]+$/);
    const shared = page.url();
    const friend = await page.context().newPage();
    await friend.goto(shared);
    await friend.waitForFunction(() => window.__netviz !== undefined);
    await friend.evaluate(() => window.__netviz!.whenReady());
    await expect
      .poll(
        async () => {
          const s = (await friend.evaluate(() => window.__netviz!.getState())) as { step: number };
          const t = await friend.evaluate(() => window.__netviz!.currentTrace());
          return { step: s.step, from: t?.request.from, to: t?.request.to };
        },
        { timeout: 15_000 },
      )
      .toEqual({ step: 2, from: request.from, to: request.to });
    await friend.close();

    await app.goto('/#challenge=pod-to-pod-cross-node');
    await expect(page.getByTestId('challenge.panel')).toBeVisible();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(600);
    expect(await page.evaluate(() => window.location.hash)).toBe('#challenge=pod-to-pod-cross-node');
  });
});
