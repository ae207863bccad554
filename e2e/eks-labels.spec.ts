/**
 * The AWS VPC CNI's scenarios draw a node's second ENI (eth1) beside the routing point: at every
 * step, at the phone, embed and desktop sizes, light and dark, no two labels of the path overlap
 * on screen (a geometric check on the rendered label boxes the canvas reports).
 */
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const SCENARIOS = ['network-policy-deny-eks', 'egress-eks-external-snat'];
const SIZES = [
  { name: '390x844', width: 390, height: 844, mobile: true, embed: false },
  // 720x450 is the size of an embed in a blog column (?embed=1)
  { name: '720x450', width: 720, height: 450, mobile: false, embed: true },
  { name: '1280x720', width: 1280, height: 720, mobile: false, embed: false },
];
const THEMES = ['light', 'dark'] as const;

interface Rect {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Labels of two drawn elements cross by more than a pixel both ways. */
const overlapping = (a: Rect, b: Rect): boolean =>
  a.x1 < b.x2 - 1 && b.x1 < a.x2 - 1 && a.y1 < b.y2 - 1 && b.y1 < a.y2 - 1;

/** Every visible label of the path at one step, in page pixels, with the element it belongs to. */
async function labelsAt(page: Page, step: number): Promise<{ drawn: string; box: Rect }[]> {
  await page.evaluate((i) => window.__netviz!.stepTo(i), step);
  await page.evaluate(() => window.__netviz!.cameraSettled());
  return page.evaluate(() => {
    const h = window.__netviz!;
    const ids = [...new Set(h.steps().map((s) => s.at))];
    const stage = document.querySelector('[data-testid="stage"]')?.getBoundingClientRect() ?? {
      left: 0,
      top: 0,
      right: window.innerWidth,
      bottom: window.innerHeight,
    };
    const seen = new Set<string>();
    const out: { drawn: string; box: Rect }[] = [];
    for (const l of h.labels(ids)) {
      if (!l.box || l.fontPx === 0 || seen.has(l.drawn)) continue;
      seen.add(l.drawn);
      const b = l.box;
      // only what is on screen: a label panned out of view covers nothing
      if (b.x2 < stage.left || b.x1 > stage.right || b.y2 < stage.top || b.y1 > stage.bottom) continue;
      out.push({ drawn: l.drawn, box: b });
    }
    return out;
  });
}

/** Whether one drawn element is an ancestor of the other (a pod's name sits above its eth0). */
async function nested(page: Page, a: string, b: string): Promise<boolean> {
  return page.evaluate(
    ([x, y]) => {
      const cy = window.__netviz!.cy() as {
        getElementById(id: string): { ancestors(): { map<T>(f: (e: { id(): string }) => T): T[] } };
      };
      const up = (id: string) =>
        cy
          .getElementById(id)
          .ancestors()
          .map((e) => e.id());
      return up(x!).includes(y!) || up(y!).includes(x!);
    },
    [a, b],
  );
}

async function open(browser: Browser, baseURL: string, size: (typeof SIZES)[number], theme: string) {
  const context = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    ...(size.mobile ? { hasTouch: true, isMobile: true } : {}),
    reducedMotion: 'reduce',
    colorScheme: theme === 'dark' ? 'dark' : 'light',
    baseURL,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

test.describe('EKS scenarios: no path labels overlap', () => {
  test.describe.configure({ timeout: 300_000 });
  for (const size of SIZES) {
    for (const theme of THEMES) {
      test(`${size.name} ${theme}`, async ({ browser }, testInfo) => {
        const { context, page, errors } = await open(browser, testInfo.project.use.baseURL!, size, theme);
        const problems: string[] = [];
        for (const id of SCENARIOS) {
          await page.goto(`/?${size.embed ? 'embed=1&' : ''}theme=${theme}#example=${id}&step=0`);
          await page.waitForFunction(() => window.__netviz !== undefined);
          await page.evaluate(() => window.__netviz!.whenReady());
          await page.evaluate(() => window.__netviz!.whenRendered());
          const total = await page.evaluate(() => window.__netviz!.steps().length);
          expect(total).toBeGreaterThan(5);
          let checked = 0;
          for (let i = 0; i < total; i++) {
            const labels = await labelsAt(page, i);
            checked += labels.length;
            for (let a = 0; a < labels.length; a++) {
              for (let b = a + 1; b < labels.length; b++) {
                const [x, y] = [labels[a]!, labels[b]!];
                if (!overlapping(x.box, y.box) || (await nested(page, x.drawn, y.drawn))) continue;
                problems.push(`${id} step ${i}: ${x.drawn} overlaps ${y.drawn}`);
                if (problems.length === 1)
                  await page.screenshot({ path: testInfo.outputPath(`overlap-${id}-${i}.png`) });
              }
            }
          }
          // the check saw labels at all (a hidden diagram would pass it vacuously)
          expect(checked).toBeGreaterThan(total);
          // the picture to look at: the packet on eth1
          const eth1 = await page.evaluate(() => window.__netviz!.steps().findIndex((h) => h.at.endsWith('/eth1')));
          expect(eth1).toBeGreaterThan(0);
          await page.evaluate((i) => window.__netviz!.stepTo(i), eth1);
          await page.evaluate(() => window.__netviz!.cameraSettled());
          await page.screenshot({ path: testInfo.outputPath(`${id}-${size.name}-${theme}-eth1.png`) });
        }
        expect(problems).toEqual([]);
        expect(errors).toEqual([]);
        await context.close();
      });
    }
  }
});
