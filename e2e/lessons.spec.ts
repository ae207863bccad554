/**
 * Lessons and challenges (docs/lessons.md): the built-in lesson played from the first stop to the
 * last with the clicker's keys, on the presenter stage and in the embed; a teacher's lesson written
 * in the app, carried by a link and by a file; a challenge taken with the keyboard alone, its link
 * opened again, its score checked against the answers given, and no answer in the page before it
 * is given.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { KUBERNETES_NETWORKING } from '../src/sim/lesson/builtin';
import { test, expect } from './fixtures';

// counts and places come from the lesson's data: a stop added there (a Gateway stop) changes nothing here
const N = KUBERNETES_NETWORKING.stops.length;
const last = KUBERNETES_NETWORKING.stops[N - 1]!;
const deletion = KUBERNETES_NETWORKING.stops.findIndex((s) => s.ops !== undefined);

const progress = (page: Page) => page.getByTestId('lesson.progress');
/** Opens a link in a page of its own (a fresh context: nothing cached, so give it time). */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.__netviz !== undefined, null, { timeout: 30_000 });
  await page.evaluate(() => window.__netviz!.whenReady());
}

const step = (page: Page) => page.evaluate(() => (window.__netviz!.getState() as { step: number }).step);

/** Presses `key` until the lesson is at its last stop and the clicker goes no further. */
async function clickThrough(page: Page, key: string): Promise<{ presses: number; stops: string[] }> {
  const stops: string[] = [];
  let presses = 0;
  let last = '';
  for (; presses < 200; presses++) {
    const [stop, now] = await page.evaluate(() => {
      const stop = document.querySelector('[data-testid="lesson.progress"]')?.textContent ?? '';
      const step = (window.__netviz!.getState() as { step: number }).step;
      const answers = document.querySelectorAll('[data-testid="lesson.answer"]').length;
      return [stop, `${stop} @${step} ${answers}`];
    });
    if (now === last) break;
    if (stops.at(-1) !== stop) stops.push(stop);
    last = now;
    await page.keyboard.press(key);
  }
  return { presses, stops };
}

// a lesson is some eighty clicks, each a trace drawn and framed
test.describe.configure({ timeout: 180_000 });

test('the built-in lesson plays start to end by clicker on the presenter stage', async ({ app, page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await app.goto('/?present=1#lesson=kubernetes-networking');
  await expect(page.getByTestId('presenter')).toBeVisible();
  await expect(progress(page)).toHaveText(`stop 1 of ${N}`);
  await expect(page.getByTestId('lesson.caption')).toContainText('The flat network');
  // the first stop's question: its answer comes with the next click, never before
  await expect(page.getByTestId('lesson.answer')).toHaveCount(0);
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('lesson.answer')).toContainText('10.244.1.2');
  await page.keyboard.press('PageDown');
  await expect(progress(page)).toHaveText(`stop 2 of ${N}`);
  expect(page.url()).toContain('#lesson=kubernetes-networking&stop=1');
  // back from a stop's first step: the previous stop, at its last step
  await page.keyboard.press('PageUp');
  await expect(progress(page)).toHaveText(`stop 1 of ${N}`);
  const { stops } = await clickThrough(page, 'PageDown');
  expect(stops).toEqual(Array.from({ length: N }, (_, i) => `stop ${i + 1} of ${N}`));
  await expect(progress(page)).toHaveText(`stop ${N} of ${N}`);
  await expect(page.getByTestId('lesson.caption')).toContainText('Egress');
  // the last stop walks to its last step (egress: the answer un-SNATed by conntrack)
  expect(await step(page)).toBe(last.to);
  // the arrows are the clicker too
  await page.keyboard.press('ArrowLeft');
  expect(await step(page)).toBe(last.to! - 1);
});

test('the pod deleted mid-lesson: the VIP stays, the endpoint changes', async ({ app, page }) => {
  await app.goto(`/?present=1#lesson=kubernetes-networking&stop=${deletion - 1}`);
  await expect(progress(page)).toHaveText(`stop ${deletion} of ${N}`);
  const before = await page.evaluate(() => window.__netviz!.currentTrace());
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await expect(progress(page)).toHaveText(`stop ${deletion + 1} of ${N}`);
  await page.evaluate(() => window.__netviz!.whenReady());
  const after = await page.evaluate(() => window.__netviz!.currentTrace());
  expect(after!.request.to).toBe(before!.request.to);
  expect(after!.endpoint!.pod).not.toBe(before!.endpoint!.pod);
  expect(after!.candidates.map((c) => c.pod)).not.toContain(before!.endpoint!.pod);
  // the stop's camera is on the Service and node-b, not following
  expect(await page.evaluate(() => (window.__netviz!.getState() as { follow: boolean }).follow)).toBe(false);
});

test('the built-in lesson plays start to end by clicker in the embed', async ({ app, page }) => {
  await page.setViewportSize({ width: 720, height: 450 });
  await app.goto('/?embed=1#lesson=kubernetes-networking');
  await expect(page.getByTestId('embed.root')).toBeVisible();
  await expect(progress(page)).toHaveText(`stop 1 of ${N}`);
  const { stops } = await clickThrough(page, 'ArrowRight');
  expect(stops).toHaveLength(N);
  await expect(progress(page)).toHaveText(`stop ${N} of ${N}`);
});

test('a teacher’s lesson round-trips through a link and a file', async ({ app, page, browser }) => {
  await app.goto('/#example=pod-to-service&step=3');
  await page.getByTestId('lessons.open').click();
  const dialog = page.getByTestId('lessons.dialog');
  await dialog.getByLabel('Title').fill('Services <b>in</b> two stops');
  await page.getByTestId('lessons.record').click();
  await page.getByTestId('lessons.caption').nth(0).fill('First the DNAT. <script>alert(1)</script>');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.evaluate(() => window.__netviz!.stepTo(33));
  await page.getByTestId('lessons.open').click();
  await page.getByTestId('lessons.record').click();
  await page.getByTestId('lessons.caption').nth(1).fill('Then conntrack undoes it.');
  // reorder: the conntrack stop first
  await dialog.getByRole('button', { name: 'Move stop 2 up' }).click();
  await expect(page.getByTestId('lessons.caption').nth(0)).toHaveValue('Then conntrack undoes it.');
  await page.getByTestId('lessons.link').click();
  const link = await page.getByTestId('lessons.linkText').inputValue();
  expect(link).toMatch(/#lesson=z1\.[A-Za-z0-9_-]+$/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Export file' }).click(),
  ]);
  const file = await readFile((await download.path())!, 'utf8');
  expect(download.suggestedFilename()).toBe('services-b-in-b-two-stops.lesson.json');

  // the link, in another browser context (a learner's)
  const other = await browser.newContext();
  const learner = await other.newPage();
  await open(learner, link);
  await expect(learner.getByTestId('lesson.progress')).toHaveText('stop 1 of 2');
  await expect(learner.getByTestId('lesson.caption')).toHaveText('Then conntrack undoes it.');
  expect(await learner.evaluate(() => (window.__netviz!.getState() as { step: number }).step)).toBe(33);
  await learner.keyboard.press('PageDown');
  await expect(learner.getByTestId('lesson.progress')).toHaveText('stop 2 of 2');
  // text stays text
  await expect(learner.getByTestId('lesson.caption')).toHaveText('First the DNAT. <script>alert(1)</script>');
  await expect(learner.locator('[data-testid="lesson.bar"] b')).toHaveCount(0);
  await other.close();

  // the file, loaded into a fresh page's editor
  await app.goto('/');
  await page.getByTestId('lessons.open').click();
  await page
    .getByTestId('lessons.file')
    .setInputFiles({ name: 'two.lesson.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  await expect(page.getByTestId('lessons.message')).toContainText('Loaded “Services <b>in</b> two stops” (2 stops)');
  await expect(page.getByTestId('lessons.caption').nth(1)).toHaveValue('First the DNAT. <script>alert(1)</script>');
  // a broken file: its problems at line and column, the draft kept
  const broken = file.replace('"step": 33', '"step": "x"');
  await page
    .getByTestId('lessons.file')
    .setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(broken) });
  await expect(page.getByTestId('lessons.problems')).toContainText(
    /line \d+, column \d+: stops\[0\]\.step: step must be a whole number/,
  );
  await expect(page.getByTestId('lessons.stop')).toHaveCount(2);
});

test('a lesson with a changed cluster and switched settings round-trips through its link', async ({
  app,
  page,
  browser,
}) => {
  // the teacher's own cluster: the scenario's file with web scaled to 5, opened back (Share dialog)
  await app.goto('/#example=pod-to-service&step=3');
  await page.getByRole('button', { name: 'Share' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download scenario (JSON)' }).click(),
  ]);
  const payload = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
    manifests: { kind: string; metadata: { name: string }; spec?: { replicas?: number } }[];
  };
  const web = payload.manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'web')!;
  web.spec!.replicas = 5;
  await page
    .getByTestId('share.import')
    .setInputFiles({ name: 'own.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(payload)) });
  await expect(page.getByRole('dialog', { name: 'Share' })).toHaveCount(0);
  const webPods = (p: Page) =>
    p.evaluate(
      () =>
        (window.__netviz!.getState() as { cluster: { pods: { name: string }[] } }).cluster.pods.filter((x) =>
          x.name.startsWith('web-'),
        ).length,
    );
  expect(await webPods(page)).toBe(5);
  await page.evaluate(() => window.__netviz!.stepTo(5));
  await page.getByTestId('lessons.open').click();
  const dialog = page.getByTestId('lessons.dialog');
  await dialog.getByLabel('Title').fill('Our cluster, then IPVS on Calico');
  await page.getByTestId('lessons.record').click();
  await expect(page.getByTestId('lessons.message')).toContainText(
    'Stop 1 recorded: Pod to Service by its ClusterIP as changed on screen, step 6',
  );
  await expect(page.getByTestId('lessons.stop').nth(0)).toContainText('own cluster, step 6');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // a built-in scenario with the CNI and the proxy mode switched
  await app.goto('/#example=pod-to-service&step=2');
  await page.getByLabel('CNI plugin').selectOption('calico-ipip');
  await page.getByLabel('Service proxy mode').selectOption('ipvs');
  await page.getByTestId('lessons.open').click();
  await page.getByTestId('lessons.record').click();
  await expect(page.getByTestId('lessons.stop').nth(1)).toContainText('Calico (IPIP), proxy ipvs');
  await dialog.getByRole('button', { name: 'Close' }).click();
  // and the same scenario as it comes: its own flannel and iptables
  await app.goto('/#example=pod-to-service&step=4');
  await expect(page.getByLabel('Service proxy mode')).toHaveValue('iptables');
  await page.getByTestId('lessons.open').click();
  await page.getByTestId('lessons.record').click();
  await expect(page.getByTestId('lessons.stop')).toHaveCount(3);
  await expect(page.getByTestId('lessons.stop').nth(2)).not.toContainText('proxy');
  await page.getByTestId('lessons.link').click();
  const link = await page.getByTestId('lessons.linkText').inputValue();
  expect(link).toMatch(/#lesson=z1\.[A-Za-z0-9_-]+$/);

  const other = await browser.newContext();
  const learner = await other.newPage();
  await open(learner, link);
  await expect(learner.getByTestId('lesson.progress')).toHaveText('stop 1 of 3');
  await learner.waitForFunction(
    () =>
      (window.__netviz!.getState() as { cluster: { pods: { name: string }[] } }).cluster.pods.filter((x) =>
        x.name.startsWith('web-'),
      ).length === 5,
  );
  expect(await step(learner)).toBe(5);
  const settings = (p: Page) =>
    p.evaluate(() => {
      const s = (window.__netviz!.getState() as { cluster: { settings: { proxyMode: string; cni: { kind: string } } } })
        .cluster.settings;
      return `${s.cni.kind} ${s.proxyMode}`;
    });
  const forward = async (stop: string) => {
    for (let i = 0; i < 20 && (await learner.getByTestId('lesson.progress').textContent()) !== stop; i++)
      await learner.keyboard.press('PageDown');
    await expect(learner.getByTestId('lesson.progress')).toHaveText(stop);
    await learner.evaluate(() => window.__netviz!.whenReady());
  };
  await forward('stop 2 of 3');
  expect(await settings(learner)).toBe('calico ipvs');
  expect(await webPods(learner)).toBe(3);
  // the next stop restores its own settings: nothing leaks from the stop before
  await forward('stop 3 of 3');
  expect(await settings(learner)).toBe('flannel iptables');
  expect(await step(learner)).toBe(4);
  await other.close();
});

test('a challenge taken by keyboard alone, shared, with the right score and no answer leaked', async ({
  app,
  page,
  browser,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await app.goto('/#challenge=pod-to-pod-cross-node');
  await expect(page.getByTestId('challenge.panel')).toBeVisible();
  // the views that lay out the whole path stay closed until the end: the event list, text, sequence
  await expect(page.getByTestId('hops.row')).toHaveCount(0);
  for (const view of ['Sequence', 'Text']) {
    const button = page.getByRole('button', { name: view, exact: true });
    if (await button.isVisible()) await button.click();
  }
  await expect(page.getByTestId('view.sequence')).toHaveCount(0);
  await expect(page.getByTestId('textview')).toHaveCount(0);
  const steps = await page.evaluate(() => {
    const t = window.__netviz!.currentTrace()!;
    return [...(t.dns?.hops ?? []), ...t.hops, ...(t.reply?.hops ?? [])].map((h) => h.text);
  });
  let asked = 0;
  let right = 0;
  const missedSteps: number[] = [];
  for (let presses = 0; presses < 200; presses++) {
    if (await page.getByTestId('challenge.score').isVisible()) break;
    if (await page.getByTestId('challenge.question').isVisible()) {
      asked++;
      const at = await step(page);
      // nothing in the page says which choice is right, nor what the next step says
      const html = await page.content();
      expect(html).not.toContain(steps[at + 1]!.slice(0, 60));
      const shapes = await page
        .getByTestId('challenge.choice')
        .evaluateAll((els) => els.map((e) => e.outerHTML.replace(/>[^<]*</g, '><')));
      expect(new Set(shapes).size).toBe(1);
      await expect(page.getByTestId('challenge.live')).toContainText('Question:');
      // alternate the first and the last choice: some right, some wrong
      const n = await page.getByTestId('challenge.choice').count();
      await page.keyboard.press(String(asked % 2 === 1 ? 1 : n));
      const result = page.getByTestId('challenge.result');
      await expect(result).toBeVisible();
      if ((await result.textContent())!.startsWith('Right')) right++;
      else missedSteps.push(at + 2);
      await expect(page.getByTestId('challenge.live')).toContainText(/Right|Not quite/);
      // the why is the step's own sentence, now shown
      expect(await result.textContent()).toContain(steps[at + 1]!.slice(0, 40));
      await page.keyboard.press('Enter');
      expect(await step(page)).toBe(at + 1);
      continue;
    }
    await page.keyboard.press('ArrowRight');
  }
  expect(asked).toBeGreaterThanOrEqual(5);
  expect(right).toBeGreaterThan(0);
  expect(right).toBeLessThan(asked);
  await expect(page.getByTestId('challenge.score')).toContainText(`Score: ${right} of ${asked}`);
  const replay = page.getByTestId('challenge.score').getByRole('button');
  await expect(replay).toHaveText(missedSteps.map((s) => `Replay step ${s}`));
  expect(page.url()).toContain('#challenge=pod-to-pod-cross-node');

  // the shared link asks the same first question, and keys 1–4 never fit the diagram (0 does)
  const other = await browser.newContext();
  const friend = await other.newPage();
  await open(friend, page.url());
  await expect(friend.getByTestId('challenge.panel')).toBeVisible();
  for (let i = 0; i < 5 && !(await friend.getByTestId('challenge.question').isVisible()); i++)
    await friend.keyboard.press('ArrowRight');
  await expect(friend.getByTestId('challenge.question')).toBeVisible();
  await friend.keyboard.press('End');
  await expect(friend.getByTestId('challenge.question')).toBeVisible();
  await other.close();
});
