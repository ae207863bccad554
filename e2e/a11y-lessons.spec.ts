/**
 * #27: axe-core, with the tags of e2e/a11y.spec.ts, on lessons and challenges (docs/lessons.md):
 * a lesson's stop and its answer, a challenge's question on screen, the question answered, and the
 * score at the end, in both themes. Prints the violations per state.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { NetvizPage } from './fixtures';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** axe's findings, one line per offending node (the same rules as e2e/a11y.spec.ts). */
async function axeFindings(page: Page): Promise<string[]> {
  const all = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const mismatch = await new AxeBuilder({ page }).withRules(['label-content-name-mismatch']).analyze();
  return [...all.violations, ...mismatch.violations].flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact ?? '?'}): ${n.target.join(' ')} — ${n.failureSummary ?? v.help}`),
  );
}

/** Steps a challenge with the arrow key until a question is on screen. */
async function toQuestion(page: Page): Promise<void> {
  for (let i = 0; i < 60 && !(await page.getByTestId('challenge.question').isVisible()); i++)
    await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('challenge.question')).toBeVisible();
}

const STATES: [string, string, (app: NetvizPage) => Promise<void>][] = [
  [
    'lesson: a stop',
    '/#lesson=kubernetes-networking',
    async ({ page }) => {
      await expect(page.getByTestId('lesson.caption')).toBeVisible();
    },
  ],
  [
    'lesson: a stop with its answer',
    '/#lesson=kubernetes-networking',
    async ({ page }) => {
      await expect(page.getByTestId('lesson.caption')).toBeVisible();
      for (let i = 0; i < 40 && (await page.getByTestId('lesson.answer').count()) === 0; i++)
        await page.keyboard.press('PageDown');
      await expect(page.getByTestId('lesson.answer')).toBeVisible();
    },
  ],
  [
    'challenge: a question on screen',
    '/#challenge=pod-to-pod-cross-node',
    async ({ page }) => {
      await expect(page.getByTestId('challenge.panel')).toBeVisible();
      await toQuestion(page);
    },
  ],
  [
    'challenge: a question answered',
    '/#challenge=pod-to-pod-cross-node',
    async ({ page }) => {
      await toQuestion(page);
      await page.keyboard.press('1');
      await expect(page.getByTestId('challenge.result')).toBeVisible();
    },
  ],
  [
    'challenge: the score',
    '/#challenge=pod-to-pod-cross-node',
    async ({ page }) => {
      for (let i = 0; i < 200 && !(await page.getByTestId('challenge.score').isVisible()); i++) {
        if (await page.getByTestId('challenge.question').isVisible()) {
          await page.keyboard.press('1');
          await expect(page.getByTestId('challenge.result')).toBeVisible();
          await page.keyboard.press('Enter');
        } else await page.keyboard.press('ArrowRight');
      }
      await expect(page.getByTestId('challenge.score')).toBeVisible();
    },
  ],
  [
    'lesson as a challenge: a question',
    '/#lesson=kubernetes-networking&challenge=1',
    async ({ page }) => {
      await toQuestion(page);
    },
  ],
];

test.describe('axe on lessons and challenges', () => {
  // two axe runs and up to a few dozen key presses, each a trace step drawn and framed
  test.setTimeout(150_000);
  for (const theme of ['light', 'dark'] as const)
    for (const [name, url, reach] of STATES)
      test(`${name} (${theme})`, async ({ app }, testInfo) => {
        const { page } = app;
        await page.setViewportSize({ width: 1280, height: 720 });
        const sep = url.indexOf('#');
        await app.goto(`${url.slice(0, sep)}?theme=${theme}${url.slice(sep)}`);
        await reach(app);
        // axe reads colours as drawn: let the presenter's controls fade out (2.5 s idle, then
        // 0.3 s), as they are while a class watches
        await page.waitForTimeout(3200);
        const findings = await axeFindings(page);
        console.log(`axe: ${name} (${theme}): ${findings.length} violations`);
        await page.screenshot({ path: testInfo.outputPath(`${name.replace(/\W+/g, '-')}-${theme}.png`) });
        expect(findings, findings.join('\n')).toEqual([]);
        // and with the controls shown again (a move of the mouse)
        await page.mouse.move(640, 300);
        await page.mouse.move(650, 310);
        await page.waitForTimeout(400);
        const shown = await axeFindings(page);
        console.log(`axe: ${name} (${theme}), controls shown: ${shown.length} violations`);
        expect(shown, shown.join('\n')).toEqual([]);
        expect(app.errors).toEqual([]);
      });
});
