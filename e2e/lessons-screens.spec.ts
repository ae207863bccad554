/**
 * The lesson and the challenge where people look: the presenter stage at 1280x720, the embed at
 * 720x450, a phone at 390x844, light and dark. Each is photographed (the test's output folder) and
 * measured: the lesson's text at least 12 px, its band inside the screen, clear of the controls.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

const VIEWS = [
  { name: 'presenter', width: 1280, height: 720, query: '?present=1' },
  { name: 'embed', width: 720, height: 450, query: '?embed=1' },
  { name: 'phone', width: 390, height: 844, query: '?present=1' },
] as const;

async function measure(page: Page, testid: string): Promise<void> {
  const band = page.getByTestId('lesson.overlay');
  await expect(band).toBeVisible();
  const box = (await band.boundingBox())!;
  const size = page.viewportSize()!;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(size.height + 1);
  // the band leaves at least a third of the screen to the diagram
  expect(box.height).toBeLessThan(size.height * 0.67);
  const px = await page
    .getByTestId(testid)
    .evaluate((el) =>
      Math.min(...[el, ...el.querySelectorAll('*')].map((e) => parseFloat(getComputedStyle(e).fontSize))),
    );
  expect(px).toBeGreaterThanOrEqual(12);
  const controls = page.locator('[data-stage-overlay="controls"]');
  if ((await controls.count()) > 0 && (await controls.isVisible())) {
    const c = (await controls.boundingBox())!;
    expect(c.y + c.height <= box.y || c.y >= box.y + box.height).toBe(true);
  }
}

for (const view of VIEWS)
  for (const theme of ['light', 'dark'] as const)
    test(`lesson and challenge, ${view.name} ${view.width}x${view.height}, ${theme}`, async ({ app, page }, info) => {
      await page.setViewportSize({ width: view.width, height: view.height });
      await app.goto(`/${view.query}&theme=${theme}#lesson=kubernetes-networking&stop=5`);
      await expect(page.getByTestId('lesson.progress')).toHaveText('stop 6 of 12');
      await page.keyboard.press('PageDown');
      await page.keyboard.press('PageDown');
      await app.settled();
      await measure(page, 'lesson.bar');
      await page.screenshot({ path: info.outputPath(`lesson-${view.name}-${theme}.png`) });
      await app.goto(`/${view.query}&theme=${theme}#challenge=pod-to-service`);
      for (let i = 0; i < 10 && !(await page.getByTestId('challenge.question').isVisible()); i++)
        await page.keyboard.press('ArrowRight');
      await app.settled();
      await measure(page, 'challenge.question');
      await page.screenshot({ path: info.outputPath(`challenge-${view.name}-${theme}.png`) });
      await page.keyboard.press('2');
      await expect(page.getByTestId('challenge.result')).toBeVisible();
      await page.screenshot({ path: info.outputPath(`answer-${view.name}-${theme}.png`) });
    });
