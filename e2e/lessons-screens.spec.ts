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
      await expect(page.getByTestId('lesson.progress')).toHaveText(/^stop 6 of \d+$/);
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

/** A teacher's lesson with switched settings (docs/lessons.md), loaded as a file into the dialog. */
const TEACHER = `title: IPVS on Calico, then as it comes
stops:
  - scenario: pod-to-service
    settings: { cni: calico-ipip, proxyMode: ipvs }
    step: 7
    camera: follow
    caption: With kube-proxy in IPVS mode the ClusterIP is bound to kube-ipvs0, and IPVS picks the pod.
  - scenario: pod-to-service
    step: 7
    caption: The same moment with the scenario's own flannel and iptables.
`;

for (const view of [
  { name: 'desktop', width: 1280, height: 720 },
  { name: 'small', width: 720, height: 450 },
  { name: 'phone', width: 390, height: 844 },
] as const)
  for (const theme of ['light', 'dark'] as const)
    test(`teacher dialog and a stop with settings, ${view.name} ${view.width}x${view.height}, ${theme}`, async ({
      app,
      page,
    }, info) => {
      await page.setViewportSize({ width: view.width, height: view.height });
      await app.goto(`/?theme=${theme}#example=pod-to-service&step=3`);
      const menu = page.getByRole('button', { name: 'Menu' });
      if (await menu.isVisible()) await menu.click();
      await page.getByTestId('lessons.open').click();
      await page
        .getByTestId('lessons.file')
        .setInputFiles({ name: 'teacher.yaml', mimeType: 'text/yaml', buffer: Buffer.from(TEACHER) });
      await expect(page.getByTestId('lessons.stop').nth(0)).toContainText('Calico (IPIP), proxy ipvs');
      const dialog = page.getByTestId('lessons.dialog');
      const box = (await dialog.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(view.width + 1);
      await page.screenshot({ path: info.outputPath(`teacher-${view.name}-${theme}.png`) });
      await dialog.getByRole('button', { name: 'Preview stop 1' }).click();
      await expect(page.getByTestId('lesson.progress')).toHaveText('stop 1 of 2');
      await app.settled();
      expect(
        await page.evaluate(
          () =>
            (window.__netviz!.getState() as { cluster: { settings: { proxyMode: string } } }).cluster.settings
              .proxyMode,
        ),
      ).toBe('ipvs');
      await measure(page, 'lesson.bar');
      await page.screenshot({ path: info.outputPath(`teacher-stop-${view.name}-${theme}.png`) });
    });
