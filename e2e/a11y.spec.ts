/**
 * Accessibility (#27): axe-core on the states the issue lists, and the keyboard and screen-reader
 * behaviour that axe cannot see (one Tab stop per list, arrow keys, skip links, announcements).
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { NetvizPage } from './fixtures';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/**
 * axe's findings, one line per offending node, readable in a failing test's output.
 *
 * One rule is checked without one element: `scrollable-region-focusable` on CodeMirror's scroller,
 * whose content is a contenteditable that takes focus and scrolls with the caret; axe does not
 * count a contenteditable as focusable content. Everything else of the editor is checked.
 */
async function axeFindings(page: Page): Promise<string[]> {
  const all = await new AxeBuilder({ page }).withTags(TAGS).disableRules(['scrollable-region-focusable']).analyze();
  const scroll = await new AxeBuilder({ page })
    .withRules(['scrollable-region-focusable'])
    .exclude('.cm-scroller')
    .analyze();
  const result = { violations: [...all.violations, ...scroll.violations] };
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact ?? '?'}): ${n.target.join(' ')} — ${n.failureSummary ?? v.help}`),
  );
}

const pause = (page: Page) => page.evaluate(() => window.__netviz!.stepTo(0));

/** Each state: how to reach it from a loaded app. */
const STATES: [string, string, (app: NetvizPage) => Promise<void>][] = [
  ['default', '/', ({ page }) => pause(page)],
  [
    'mid-scenario',
    '/#example=pod-to-service',
    async ({ page }) => {
      await page.evaluate(() => window.__netviz!.stepTo(5));
    },
  ],
  [
    'pod inspector',
    '/',
    async ({ page }) => {
      await pause(page);
      await page.getByRole('searchbox', { name: 'Search by name or IP' }).fill('10.244.1.3');
      await page.getByRole('button', { name: 'Find' }).click();
      await expect(page.getByTestId('selection.inspector')).toBeVisible();
    },
  ],
  [
    'Share',
    '/',
    async ({ page }) => {
      await pause(page);
      await page.getByRole('button', { name: 'Share' }).click();
      await expect(page.getByRole('dialog', { name: 'Share' })).toBeVisible();
    },
  ],
  [
    'editor',
    '/',
    async ({ page }) => {
      await pause(page);
      await page.getByRole('button', { name: 'Edit YAML' }).click();
      await expect(page.locator('.cm-content')).toBeVisible();
    },
  ],
  [
    'keyboard help',
    '/',
    async ({ page }) => {
      await pause(page);
      await page.locator('body').press('?');
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    },
  ],
  [
    'text view',
    '/?view=text',
    async ({ page }) => {
      await pause(page);
      await expect(page.getByTestId('textview')).toBeVisible();
    },
  ],
  ['dark theme', '/?theme=dark', ({ page }) => pause(page)],
  ['embed', '/?embed=1#example=pod-to-service', ({ page }) => pause(page)],
];

test.describe('axe finds nothing', () => {
  for (const [name, path, reach] of STATES) {
    test(name, async ({ app }) => {
      await app.goto(path);
      await reach(app);
      const findings = await axeFindings(app.page);
      console.log(`axe ${name}: ${findings.length} violation(s)\n${findings.map((f) => `  ${f}`).join('\n')}`);
      expect(findings, findings.join('\n')).toEqual([]);
    });
  }
});
