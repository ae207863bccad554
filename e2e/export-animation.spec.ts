/**
 * #26: the animated export. Steps 1–6 (0–5) at 10 fps and 0.5 s a step make exactly 30 frames,
 * as a GIF and as a WebM video; both files are decoded here and must hold pictures, not blanks.
 * The dialog is keyboard-usable, axe-clean, shows the size before the download, and cancels.
 * Frames that follow the packet: readable labels near it, a different framing at each hop, the
 * same bytes for the same choices, and one frame compared with its approved picture.
 */
import { writeFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

async function openDialog(page: Page) {
  // on a phone the toolbar is behind the Menu button
  const menu = page.getByRole('button', { name: 'Menu', exact: true });
  if (await menu.isVisible()) await menu.click();
  const opener = page.getByRole('group', { name: 'Export the diagram' }).getByRole('button', { name: 'Animation…' });
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Export an animation' });
  await expect(dialog).toBeVisible({ timeout: 20_000 });
  // the frame's size is known once the SVG exporter has loaded
  await expect(dialog.getByTestId('animation.summary')).toContainText('pixels', { timeout: 20_000 });
  return dialog;
}

/** Makes the file with the dialog's choices; the size is on screen before the download. */
async function make(page: Page, dialog: ReturnType<Page['getByRole']>, label: 'GIF' | 'WebM') {
  await dialog.getByRole('button', { name: `Make the ${label}` }).click();
  const ready = dialog.getByTestId('animation.ready');
  await expect(ready).toBeVisible({ timeout: 120_000 });
  const said = (await ready.textContent()) ?? '';
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: /^Download \(/ }).click(),
  ]);
  const bytes = Buffer.concat(await (await download.createReadStream()).toArray());
  return { bytes, said, name: download.suggestedFilename() };
}

/** EBML: an element's ID (marker bits kept) and data size (marker removed) at `at`. */
function vint(buf: Buffer, at: number, keepMarker: boolean): { value: number; length: number } {
  const first = buf[at]!;
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  let value = keepMarker ? first : first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + buf[at + i]!;
  return { value, length };
}

/** The WebM's DocType and the number of video frames (SimpleBlocks in its Clusters). */
function walkWebm(buf: Buffer): { docType: string; blocks: number } {
  let docType = '';
  let blocks = 0;
  const MASTERS = new Set([0x1a45dfa3, 0x18538067, 0x1f43b675]);
  const walk = (start: number, end: number) => {
    let at = start;
    while (at < end) {
      const id = vint(buf, at, true);
      const size = vint(buf, at + id.length, false);
      const body = at + id.length + size.length;
      if (id.value === 0x4282) docType = buf.subarray(body, body + size.value).toString('latin1');
      if (id.value === 0xa3) blocks++;
      if (MASTERS.has(id.value)) walk(body, Math.min(end, body + size.value));
      at = body + size.value;
    }
  };
  walk(0, buf.length);
  return { docType, blocks };
}

/** Decodes the file in the browser: frame count, and pixel checks of chosen frames. */
async function decode(page: Page, bytes: Buffer, type: string, out: (i: number) => string) {
  // ImageDecoder wants a secure context (the app's page, 127.0.0.1); the video a page without the
  // app's CSP (which allows no blob: media)
  const own = type !== 'image/gif';
  const viewer = own ? await page.context().newPage() : page;
  if (own) await viewer.goto('about:blank');
  const result = await viewer.evaluate(
    async ({ data, type }) => {
      const blob = new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type });
      const look = (source: CanvasImageSource, w: number, h: number) => {
        const canvas = document.createElement('canvas');
        canvas.width = w;
        canvas.height = h;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(source, 0, 0);
        const px = ctx.getImageData(0, 0, w, h).data;
        const colours = new Set<number>();
        for (let i = 0; i < px.length; i += 4 * 7) colours.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
        return { colours: colours.size, png: canvas.toDataURL('image/png'), sum: px.reduce((a, b) => a + b, 0) };
      };
      if (type === 'image/gif') {
        const decoder = new ImageDecoder({ data: blob.stream(), type });
        await decoder.tracks.ready;
        await decoder.completed;
        const count = decoder.tracks.selectedTrack!.frameCount;
        const frames = [];
        for (const i of [0, 12, 29]) {
          const { image } = await decoder.decode({ frameIndex: i });
          frames.push({ i, ...look(image, image.displayWidth, image.displayHeight) });
          image.close();
        }
        return { count, frames, duration: 0 };
      }
      const video = document.createElement('video');
      video.muted = true;
      video.src = URL.createObjectURL(blob);
      document.body.append(video);
      await new Promise((resolve, reject) => {
        video.onloadeddata = resolve;
        video.onerror = () => reject(new Error(`video error ${video.error?.code}`));
      });
      const frames = [];
      for (const [i, t] of [
        [0, 0.01],
        [12, 1.25],
        [29, 2.95],
      ] as const) {
        video.currentTime = t;
        await new Promise((resolve) => (video.onseeked = resolve));
        frames.push({ i, ...look(video, video.videoWidth, video.videoHeight) });
      }
      return { count: -1, frames, duration: video.duration };
    },
    { data: bytes.toString('base64'), type },
  );
  for (const f of result.frames) writeFileSync(out(f.i), Buffer.from(f.png.split(',')[1]!, 'base64'));
  if (own) await viewer.close();
  return result;
}

/**
 * Decodes every frame of a GIF in the page: how many, each frame's size, colours and PNG, and for
 * each pair asked the share of the top `rows` rows' pixels that differ by more than a little.
 */
async function gifFrames(page: Page, bytes: Buffer, pairs: readonly [number, number][] = [], rows = 0) {
  return page.evaluate(
    async ({ data, pairs, rows }) => {
      const blob = new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type: 'image/gif' });
      const decoder = new ImageDecoder({ data: blob.stream(), type: 'image/gif' });
      await decoder.tracks.ready;
      await decoder.completed;
      const count = decoder.tracks.selectedTrack!.frameCount;
      const frames: { png: string; colours: number; width: number; height: number }[] = [];
      const pixels: Uint8ClampedArray[] = [];
      for (let i = 0; i < count; i++) {
        const { image } = await decoder.decode({ frameIndex: i });
        const canvas = document.createElement('canvas');
        canvas.width = image.displayWidth;
        canvas.height = image.displayHeight;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(image, 0, 0);
        image.close();
        const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        pixels.push(px);
        const colours = new Set<number>();
        for (let j = 0; j < px.length; j += 4 * 7) colours.add((px[j]! << 16) | (px[j + 1]! << 8) | px[j + 2]!);
        frames.push({
          png: canvas.toDataURL('image/png'),
          colours: colours.size,
          width: canvas.width,
          height: canvas.height,
        });
      }
      const shares = pairs.map(([i, k]) => {
        const a = pixels[i]!;
        const b = pixels[k]!;
        const n = Math.min(a.length, frames[i]!.width * rows * 4);
        let differ = 0;
        for (let j = 0; j < n; j += 4) {
          const d = Math.abs(a[j]! - b[j]!) + Math.abs(a[j + 1]! - b[j + 1]!) + Math.abs(a[j + 2]! - b[j + 2]!);
          if (d > 72) differ++;
        }
        return differ / (n / 4);
      });
      return { count, frames, shares };
    },
    { data: bytes.toString('base64'), pairs, rows },
  );
}

const png = (dataUrl: string): Buffer => Buffer.from(dataUrl.split(',')[1]!, 'base64');

/** Chooses the frames and the picture in the open dialog. */
async function choose(
  dialog: ReturnType<Page['getByRole']>,
  o: { from: number; to: number; fps: number; ms: number; width: number; framing: 'Follow' | 'Whole' },
) {
  await dialog.getByRole('radio', { name: o.framing === 'Follow' ? /^Follow the packet/ : /^Whole diagram/ }).check();
  await dialog.getByRole('combobox', { name: /^From step/ }).selectOption({ value: String(o.from) });
  await dialog.getByRole('combobox', { name: /^to step/ }).selectOption({ value: String(o.to) });
  await dialog.getByRole('combobox', { name: 'Frames per second' }).selectOption(String(o.fps));
  await dialog.getByRole('combobox', { name: 'Time per step' }).selectOption(String(o.ms));
  await dialog.getByRole('combobox', { name: 'Width' }).selectOption(String(o.width));
}

test.describe('animated export (#26)', () => {
  test('steps 1–6 at 10 fps, 0.5 s a step: a 30-frame GIF and a 30-frame WebM, both with pictures', async ({
    app,
  }, testInfo) => {
    test.setTimeout(300_000);
    const { page } = app;
    await app.goto('/#example=pod-to-pod-cross-node&step=0');
    const dialog = await openDialog(page);
    expect(
      (await new AxeBuilder({ page }).include('dialog').withTags(TAGS).analyze()).violations.map((v) => v.id),
    ).toEqual([]);
    // following the packet is the default
    await expect(dialog.getByRole('radio', { name: /^Follow the packet/ })).toBeChecked();
    await choose(dialog, { from: 0, to: 5, fps: 10, ms: 500, width: 480, framing: 'Whole' });
    await expect(dialog.getByTestId('animation.summary')).toHaveText(/^30 frames, 3 s, 480 × \d+ pixels$/);

    const gif = await make(page, dialog, 'GIF');
    writeFileSync(testInfo.outputPath('steps-1-6.gif'), gif.bytes);
    expect(gif.name).toBe('pod-to-pod-cross-node-steps-1-6.gif');
    expect(gif.bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    // the size said before the download is the file's
    expect(gif.said).toContain(`${(gif.bytes.length / 1024).toFixed(1)} KB`);
    const g = await decode(page, gif.bytes, 'image/gif', (i) => testInfo.outputPath(`gif-frame-${i}.png`));
    expect(g.count).toBe(30);
    for (const f of g.frames) expect(f.colours, `GIF frame ${f.i}`).toBeGreaterThan(8);
    // the packet moves: the frames differ
    expect(new Set(g.frames.map((f) => f.sum)).size).toBe(3);

    const webmRadio = dialog.getByRole('radio', { name: /WebM video/ });
    await expect(webmRadio).toBeEnabled();
    await webmRadio.check();
    const webm = await make(page, dialog, 'WebM');
    writeFileSync(testInfo.outputPath('steps-1-6.webm'), webm.bytes);
    expect(webm.name).toBe('pod-to-pod-cross-node-steps-1-6.webm');
    expect(webm.bytes.readUInt32BE(0)).toBe(0x1a45dfa3);
    expect(walkWebm(webm.bytes)).toEqual({ docType: 'webm', blocks: 30 });
    const v = await decode(page, webm.bytes, 'video/webm', (i) => testInfo.outputPath(`webm-frame-${i}.png`));
    expect(v.duration).toBeCloseTo(3, 0);
    for (const f of v.frames) expect(f.colours, `WebM frame ${f.i}`).toBeGreaterThan(8);
    expect(new Set(v.frames.map((f) => f.sum)).size).toBe(3);

    // Esc closes the dialog and gives the focus back to its button
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(
      page.getByRole('group', { name: 'Export the diagram' }).getByRole('button', { name: 'Animation…' }),
    ).toBeFocused();
  });

  test('frames that follow the packet: 30 frames at 720 px, a new framing at each hop, the same bytes twice', async ({
    app,
  }, testInfo) => {
    test.setTimeout(300_000);
    const { page } = app;
    await app.goto('/#example=pod-to-service&step=0');
    const dialog = await openDialog(page);
    await choose(dialog, { from: 0, to: 5, fps: 10, ms: 500, width: 720, framing: 'Follow' });
    // a 4:3 window of 720 x 540 and the caption's band under it
    await expect(dialog.getByTestId('animation.summary')).toHaveText(/^30 frames, 3 s, 720 × \d+ pixels$/);
    const height = Number(
      /× (\d+) pixels/.exec((await dialog.getByTestId('animation.summary').textContent()) ?? '')?.[1],
    );
    expect(height).toBeGreaterThan(540);
    const gif = await make(page, dialog, 'GIF');
    writeFileSync(testInfo.outputPath('follow-720.gif'), gif.bytes);
    // each step's last frame has the packet at rest: the view of that hop. Consecutive hops (steps
    // at another element than the one before) are framed differently: much of the picture moves,
    // not the packet alone; within a step's travel the view glides in small moves, not a cut
    const at = await page.evaluate(() => window.__netviz!.steps().map((h) => String(h.at)));
    const rest = (step: number) => step * 5 + 4;
    const hops = [1, 2, 3, 4, 5].filter((k) => at[k] !== at[k - 1]);
    expect(hops.length).toBeGreaterThanOrEqual(3);
    const pairs: [number, number][] = [
      ...hops.map((k) => [rest(k - 1), rest(k)] as [number, number]),
      ...[1, 2, 3, 4].map((i) => [rest(hops[0]! - 1) + i, rest(hops[0]! - 1) + i + 1] as [number, number]),
    ];
    const { count, frames, shares } = await gifFrames(page, gif.bytes, pairs, 540);
    expect(count).toBe(30);
    frames.forEach((f, i) => {
      expect([f.width, f.height], `frame ${i}`).toEqual([720, height]);
      expect(f.colours, `frame ${i} is not blank`).toBeGreaterThan(8);
    });
    for (let k = 0; k < 6; k++)
      writeFileSync(testInfo.outputPath(`follow-720-frame-${rest(k)}.png`), png(frames[rest(k)]!.png));
    hops.forEach((k, j) => expect(shares[j], `steps ${k} and ${k + 1}: another framing`).toBeGreaterThan(0.1));
    for (let j = hops.length; j < pairs.length; j++) expect(shares[j], `glide ${pairs[j]}`).toBeGreaterThan(0);

    // the same choices give the same file, byte for byte
    await dialog.getByRole('radio', { name: /^Whole diagram/ }).check();
    await dialog.getByRole('radio', { name: /^Follow the packet/ }).check();
    const again = await make(page, dialog, 'GIF');
    expect(again.bytes.equals(gif.bytes)).toBe(true);

    // one frame as approved (regenerate with --update-snapshots, then look at it)
    expect(png(frames[14]!.png)).toMatchSnapshot('follow-pod-to-service-720-frame-14.png', { maxDiffPixelRatio: 0.01 });
  });

  test('the whole diagram stands still: consecutive hops change only the packet and the caption', async ({ app }) => {
    test.setTimeout(300_000);
    const { page } = app;
    await app.goto('/#example=pod-to-service&step=0');
    const dialog = await openDialog(page);
    await choose(dialog, { from: 0, to: 5, fps: 10, ms: 500, width: 720, framing: 'Whole' });
    const gif = await make(page, dialog, 'GIF');
    // each step's last frame against the step before's, in the diagram above the caption
    const pairs = [1, 2, 3, 4, 5].map((k) => [k * 5 - 1, k * 5 + 4] as [number, number]);
    const { count, shares } = await gifFrames(page, gif.bytes, pairs, 300);
    expect(count).toBe(30);
    for (const share of shares) expect(share).toBeLessThan(0.1);
  });

  for (const theme of ['light', 'dark'] as const)
    test(`follow frames to look at: pod-to-service, ingress and gateway at 480, 720 and 960 px (${theme})`, async ({
      app,
    }, testInfo) => {
      test.setTimeout(600_000);
      const { page } = app;
      for (const example of ['pod-to-service', 'ingress', 'gateway'] as const) {
        await app.goto(`/?theme=${theme}#example=${example}&step=0`);
        const steps = await page.evaluate(() => window.__netviz!.steps().length);
        for (const width of [480, 720, 960]) {
          const dialog = await openDialog(page);
          // five frames a step: the third mid-glide, the fifth at rest
          await choose(dialog, { from: 0, to: Math.min(steps - 1, 7), fps: 5, ms: 1000, width, framing: 'Follow' });
          const gif = await make(page, dialog, 'GIF');
          const { frames } = await gifFrames(page, gif.bytes);
          frames.forEach((f, i) => {
            expect(f.colours, `${example} ${width} frame ${i}`).toBeGreaterThan(8);
            if (i % 5 === 2 || i % 5 === 4)
              writeFileSync(testInfo.outputPath(`${example}-${width}-${theme}-${i}.png`), png(f.png));
          });
          await page.keyboard.press('Escape');
          await expect(dialog).toBeHidden();
        }
      }
    });

  test('Cancel stops a long export', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-pod-cross-node&step=0');
    const dialog = await openDialog(page);
    await dialog.getByRole('combobox', { name: 'Frames per second' }).selectOption('30');
    await dialog.getByRole('combobox', { name: 'Time per step' }).selectOption('2000');
    await dialog.getByRole('button', { name: 'Make the GIF' }).click();
    const progress = dialog.getByRole('progressbar', { name: 'Making the GIF' });
    await expect(progress).toBeVisible();
    await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 60_000 }).toBeGreaterThan(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(progress).toBeHidden();
    await expect(dialog.getByTestId('animation.ready')).toHaveCount(0);
    await expect(dialog.getByRole('button', { name: 'Make the GIF' })).toBeEnabled();
  });

  for (const theme of ['light', 'dark'] as const)
    test(`the dialog at 1280x720, 720x450 and 390x844 (${theme})`, async ({ app }, testInfo) => {
      const { page } = app;
      for (const [w, h] of [
        [1280, 720],
        [720, 450],
        [390, 844],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await app.goto(`/?theme=${theme}#example=pod-to-pod-cross-node&step=3`);
        const dialog = await openDialog(page);
        await page.screenshot({ path: testInfo.outputPath(`dialog-${theme}-${w}x${h}.png`) });
        const box = (await dialog.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(w);
        await page.keyboard.press('Escape');
      }
    });
});
