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
 * count a contenteditable as focusable content. Everything else of the editor is checked. That
 * second run adds axe's experimental `label-content-name-mismatch` (#27 asks for it: a control's
 * name must contain the text it shows, for voice control).
 */
async function axeFindings(page: Page): Promise<string[]> {
  const all = await new AxeBuilder({ page }).withTags(TAGS).disableRules(['scrollable-region-focusable']).analyze();
  const scroll = await new AxeBuilder({ page })
    .withRules(['scrollable-region-focusable', 'label-content-name-mismatch'])
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
  [
    'presenter stage',
    '/?present=1#example=pod-to-service',
    async ({ page }) => {
      await page.evaluate(() => window.__netviz!.stepTo(5));
      await expect(page.getByTestId('presenter')).toBeVisible();
    },
  ],
  [
    'matrix view',
    '/?view=matrix',
    async ({ page }) => {
      await expect(page.getByTestId('matrix.grid')).toBeVisible();
    },
  ],
  [
    'phone',
    '/#example=pod-to-service',
    async ({ page }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.evaluate(() => window.__netviz!.stepTo(5));
      await expect(page.getByTestId('phone')).toBeVisible();
    },
  ],
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

/** Where the keyboard focus is: its test id, role, name and whether it is a hop row. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      testid: el?.dataset['testid'] ?? null,
      role: el?.getAttribute('role') ?? null,
      text: el?.textContent?.trim().slice(0, 80) ?? '',
      tag: el?.tagName ?? '',
    };
  });

type State = { step: number; selection: string | null };
const state = (page: Page) => page.evaluate(() => window.__netviz!.getState() as State);

test.describe('the keyboard', () => {
  test('skip links come first, show on focus and land on the diagram and on playback', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service&step=0');
    await page.locator('body').press('Tab');
    const toDiagram = page.getByRole('link', { name: 'Skip to the diagram' });
    await expect(toDiagram).toBeFocused();
    const box = await toDiagram.boundingBox();
    expect(box && box.y >= 0 && box.height > 10, 'visible when focused').toBe(true);
    await page.keyboard.press('Enter');
    expect((await focused(page)).testid).toBe('canvas.root');
    await toDiagram.focus();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to playback' })).toBeFocused();
    await page.keyboard.press('Enter');
    const there = await focused(page);
    expect(there.tag).toBe('BUTTON');
    await expect(page.locator(':focus')).toHaveAccessibleName(/Reset|Play|Step/);
  });

  test('the event list is one Tab stop; arrows move, Enter plays to the hop', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service&step=2');
    const rows = page.getByTestId('hops.row');
    const count = await rows.count();
    expect(count).toBeGreaterThan(5);
    await expect(page.locator('[data-testid="hops.row"][tabindex="0"]')).toHaveCount(1);
    await expect(rows.nth(2)).toHaveAttribute('tabindex', '0');
    await rows.nth(2).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(rows.nth(4)).toBeFocused();
    // moving the focus does not move playback
    expect((await state(page)).step).toBe(2);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await state(page)).step).toBe(4);
    await page.keyboard.press('End');
    await expect(rows.nth(count - 1)).toBeFocused();
    await page.keyboard.press('Home');
    await expect(rows.nth(0)).toBeFocused();
    await page.keyboard.press(' ');
    await expect.poll(async () => (await state(page)).step).toBe(0);
    // one Tab leaves the list altogether
    await page.keyboard.press('Tab');
    expect((await focused(page)).testid).not.toBe('hops.row');
  });

  test('the inspector tabs follow the tabs pattern: one Tab stop, arrows choose', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service&step=0');
    const packet = page.getByRole('tab', { name: 'Packet' });
    const selected = page.getByRole('tab', { name: 'Selected' });
    await expect(selected).toHaveAttribute('tabindex', '-1');
    await packet.focus();
    await page.keyboard.press('ArrowRight');
    await expect(selected).toBeFocused();
    await expect(selected).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('tabpanel')).toContainText('Click anything on the diagram');
    await page.keyboard.press('Home');
    await expect(packet).toHaveAttribute('aria-selected', 'true');
    // the arrows chose a tab; they did not step the packet
    expect((await state(page)).step).toBe(0);
  });

  test('the diagram: arrows walk its elements, their names are read, Enter inspects', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service&step=0');
    const diagram = page.getByRole('application', { name: /Cluster diagram/ });
    const said = page.getByTestId('canvas.focus');
    await diagram.focus();
    await expect(said).toHaveText(/^\S.* \(1 of \d+\)$/);
    const heard: string[] = [(await said.textContent()) ?? ''];
    // walk until a pod is named (a few elements in: the node, its devices, then pods)
    for (let i = 0; i < 40 && !/^pod /.test(heard.at(-1) ?? ''); i++) {
      await page.keyboard.press('ArrowDown');
      await expect(said).not.toHaveText(heard.at(-1) ?? '');
      heard.push((await said.textContent()) ?? '');
    }
    console.log(`diagram, as read: ${heard.join(' | ')}`);
    const pod = heard.at(-1) ?? '';
    expect(pod).toMatch(/^pod /);
    // arrows moved the diagram's focus, not playback
    expect((await state(page)).step).toBe(0);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await state(page)).selection).toMatch(/^pod\//);
    await expect(page.getByRole('tab', { name: 'Selected' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('selection.inspector')).toContainText(pod.replace(/^pod (\S+).*/, '$1'));
    await page.keyboard.press('End');
    await expect(said).toHaveText(/\((\d+) of \1\)$/);
    // PageDown still steps: a clicker works whatever has focus
    await page.keyboard.press('PageDown');
    await expect.poll(async () => (await state(page)).step).toBe(1);
  });

  test('a click on the diagram leaves the arrows to playback', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service&step=0');
    await app.settled();
    const box = await page.evaluate(() => window.__netviz!.renderedBox('node/node-a'));
    // an empty spot of node-a's box (its top edge, inside), not an element that opens the inspector
    await page.mouse.click(box.x1 + 4, box.y1 + 4);
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await state(page)).step).toBe(1);
    await expect(page.getByTestId('canvas.focus')).toHaveText('');
  });

  test('search results are announced, and Find again goes to the next match', async ({ app }) => {
    const { page } = app;
    await app.goto('/');
    await pause(page);
    const search = page.getByRole('searchbox', { name: 'Search by name or IP' });
    const status = page.getByTestId('search.status');
    await search.fill('web');
    await search.press('Enter');
    await expect(status).toHaveText(/^\d+ matches: Service web \(1 of \d+\)/);
    const first = (await state(page)).selection;
    await search.press('Enter');
    await expect(status).toHaveText(/\(2 of \d+\)/);
    expect((await state(page)).selection).not.toBe(first);
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`focus rings are 3 px and 3:1 against the page (${theme})`, async ({ app }) => {
      const { page } = app;
      await app.goto(`/?theme=${theme}`);
      await pause(page);
      await page.getByRole('button', { name: 'Find' }).focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const s = getComputedStyle(el);
        let bg = 'rgba(0, 0, 0, 0)';
        for (let n: HTMLElement | null = el; n && bg === 'rgba(0, 0, 0, 0)'; n = n.parentElement)
          bg = getComputedStyle(n).backgroundColor;
        // as sRGB bytes, whatever notation the style uses (Tailwind 4 writes oklch)
        const ctx = document.createElement('canvas').getContext('2d')!;
        const rgb = (c: string): string => {
          ctx.clearRect(0, 0, 1, 1);
          ctx.fillStyle = c;
          ctx.fillRect(0, 0, 1, 1);
          const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
          return `rgb(${r}, ${g}, ${b})`;
        };
        return { width: s.outlineWidth, style: s.outlineStyle, color: rgb(s.outlineColor), bg: rgb(bg) };
      });
      expect(ring.width).toBe('3px');
      expect(ring.style).toBe('solid');
      expect(contrast(ring.color, ring.bg), JSON.stringify(ring)).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: `/tmp/a11y-shots/focus-${theme}.png` });
    });
  }
});

/** WCAG contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string): number => {
    const rgb = c.match(/rgba?\((\d+), (\d+), (\d+)/);
    if (!rgb) throw new Error(`unknown colour ${c}`);
    const [r, g, bl] = rgb.slice(1, 4).map((x) => Number(x) / 255) as [number, number, number];
    const lin = (v: number) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(bl);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The diagram's colours, counted in the browser from a screenshot: how many distinct colours
 * cover at least 0.3% of it (anti-aliasing blends stay below that).
 */
async function mainColours(page: Page, png: Buffer): Promise<string[]> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const counts = new Map<string, number>();
    for (let i = 0; i < data.length; i += 4) {
      const key = `${data[i]},${data[i + 1]},${data[i + 2]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const min = (c.width * c.height * 0.3) / 100;
    return [...counts].filter(([, n]) => n >= min).map(([k]) => k);
  }, png.toString('base64'));
}

test.describe('forced colours', () => {
  for (const theme of ['light', 'dark'] as const) {
    test(`the diagram switches to the system palette (${theme})`, async ({ app }) => {
      const { page } = app;
      await app.goto(`/?theme=${theme}#example=pod-to-service&step=3`);
      await app.settled();
      const diagram = page.getByTestId('canvas.root');
      const normal = await diagram.screenshot({ path: `/tmp/a11y-shots/diagram-${theme}.png` });
      await page.emulateMedia({ forcedColors: 'active' });
      await page.waitForTimeout(300);
      const forced = await diagram.screenshot({ path: `/tmp/a11y-shots/diagram-${theme}-forced.png` });
      await page.getByRole('button', { name: /Legend/ }).click();
      await page.screenshot({ path: `/tmp/a11y-shots/page-${theme}-forced.png` });
      const system = await page.evaluate(() =>
        ['Canvas', 'CanvasText', 'Highlight', 'LinkText'].map((name) => {
          const probe = document.createElement('span');
          probe.style.color = name;
          probe.style.forcedColorAdjust = 'none';
          document.body.append(probe);
          const rgb = getComputedStyle(probe).color.match(/\d+/g)!.slice(0, 3).join(',');
          probe.remove();
          return rgb;
        }),
      );
      const before = await mainColours(page, normal);
      const after = await mainColours(page, forced);
      console.log(
        `forced colours (${theme}): main colours ${before.length} -> ${after.length}; system ${system.join(' | ')}`,
      );
      // the theme's many fills give way to the system's few colours
      expect(after.length).toBeLessThan(before.length);
      // each is a system colour or a blend of two (opacity, anti-aliasing): no theme hue is left
      for (const colour of after) expect(blendOf(colour, system), `${colour} from ${system.join(' | ')}`).toBe(true);
    });
  }
});

/** Whether an `r,g,b` colour lies (within a few units) between two of the given colours. */
function blendOf(colour: string, of: readonly string[]): boolean {
  const v = (c: string) => c.split(',').map(Number) as [number, number, number];
  const p = v(colour);
  return of.some((a) =>
    of.some((b) => {
      const [x, y] = [v(a), v(b)];
      const d = x.map((xi, i) => (y[i] ?? 0) - xi);
      const len2 = d.reduce((acc, di) => acc + di * di, 0);
      const t =
        len2 === 0 ? 0 : Math.max(0, Math.min(1, d.reduce((acc, di, i) => acc + di * ((p[i] ?? 0) - x[i]!), 0) / len2));
      return x.every((xi, i) => Math.abs(xi + t * (d[i] ?? 0) - (p[i] ?? 0)) <= 6);
    }),
  );
}

/** The focused element as a person names it, and whether its focus ring can be seen. */
const focusedControl = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { name: '', tag: 'BODY', ring: false };
    const s = getComputedStyle(el);
    const ring =
      (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow !== 'none' && s.boxShadow !== '');
    const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ');
    return { name, tag: el.tagName, ring };
  });

test.describe('the keyboard alone', () => {
  test('load, choose a scenario, step, inspect a pod and a Service, send, share, theme', async ({ app }) => {
    test.setTimeout(180_000);
    const { page } = app;
    await app.goto('/');
    await pause(page);
    const presses: string[] = [];
    /** Tabs (back, with Shift) until the focused control's name matches; counts are printed at the end. */
    const tabTo = async (name: RegExp, label: string, back = false) => {
      for (let n = 1; n <= 60; n++) {
        await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
        const now = await focusedControl(page);
        if (name.test(now.name)) {
          expect(now.ring, `the focus ring on ${label} can be seen`).toBe(true);
          presses.push(`${label}: ${n}${back ? ' back' : ''}`);
          return;
        }
      }
      throw new Error(`60 Tab presses did not reach ${label}`);
    };

    // choose a scenario with the keyboard; the clicker's keys then drive playback, not the select
    await tabTo(/^Scenario$/, 'the scenario picker');
    // arrows walk a closed select's options, each one a change: the focus must stay for the next
    const picker = page.getByRole('combobox', { name: 'Scenario' });
    for (let i = 0; i < 12 && (await picker.inputValue()) !== 'pod-to-service'; i++) {
      await page.keyboard.press('ArrowDown');
      await expect(picker).toBeFocused();
    }
    await expect(picker).toHaveValue('pod-to-service');
    const opened = (await state(page)).step;
    for (let i = 0; i < 5; i++) await page.keyboard.press('PageDown');
    await expect.poll(async () => (await state(page)).step).toBe(opened + 5);
    await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('pod-to-service');

    // the diagram, from the skip link: walk to a pod, inspect it; walk on to a Service, inspect it
    await tabTo(/^Skip to the diagram$/, 'the skip link to the diagram', true);
    await page.keyboard.press('Enter');
    const said = page.getByTestId('canvas.focus');
    const walkTo = async (kind: RegExp) => {
      const heard: string[] = [];
      for (let i = 0; i < 80; i++) {
        const before = (await said.textContent()) ?? '';
        heard.push(before);
        if (kind.test(before)) return;
        await page.keyboard.press('ArrowDown');
        await expect(said).not.toHaveText(before);
      }
      throw new Error(`the diagram's arrows did not reach ${String(kind)}; heard: ${heard.join(' | ')}`);
    };
    await walkTo(/^pod /);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await state(page)).selection).toMatch(/^pod\//);
    await page.getByTestId('canvas.root').focus();
    // the Services row reads before the nodes: from the first element on
    await page.keyboard.press('Home');
    await walkTo(/^Service /);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await state(page)).selection).toMatch(/^svc\//);
    await expect(page.getByTestId('selection.inspector')).toContainText('svc/');

    // send a packet from one pod to another, by keyboard
    await page.getByTestId('canvas.root').focus();
    await tabTo(/^Source$/, 'the source picker', true);
    await page.keyboard.type('default/client');
    await tabTo(/^Destination$/, 'the destination field');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('10.244.2.2');
    await tabTo(/^Send packet$/, 'Send packet');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await page.evaluate(() => window.__netviz!.currentTrace()))?.hops.at(-1)?.at ?? '')
      .toMatch(/^(container|dev\/pod)\/default\/web-/);

    // Share opens and closes; focus comes back to the button that opened it
    await tabTo(/^Share$/, 'Share', true);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog', { name: 'Share' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'Share' })).toBeHidden();
    expect((await focusedControl(page)).name).toBe('Share');

    // the theme
    await tabTo(/Switch to dark theme/, 'the theme button');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => ((await page.evaluate(() => window.__netviz!.getState())) as { theme: string }).theme)
      .toBe('dark');
    console.log(`Tab presses, keyboard only: ${presses.join(' · ')}`);
  });
});
