import { test, expect } from './fixtures';
import type { Trace } from '../src/sim';

/** The playback steps of a trace (src/sim/trace/conversation.ts), in the test's own words. */
function timelineOf(t: Trace): { hop: Trace['hops'][number]; exchange: number | null }[] {
  const out: { hop: Trace['hops'][number]; exchange: number | null }[] = (t.dns?.hops ?? []).map((hop) => ({
    hop,
    exchange: null,
  }));
  (t.conversation ?? []).forEach((x, e) => {
    const path = x.path === 'hops' ? t.hops : (t.reply?.hops ?? []);
    for (let i = x.from; i < x.to; i++) if (!x.skip?.includes(i)) out.push({ hop: path[i]!, exchange: e });
  });
  return out;
}

test.describe('the edge of the cluster', () => {
  test('Ingress: two connections with the proxy between, and the HTTP request and status', async ({
    app,
  }, testInfo) => {
    const { page } = app;
    await app.goto('/#example=ingress&step=0');
    const trace = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(trace!.http!.status).toBe(200);
    const proxy = trace!.hops.findIndex((h) => h.kind === 'proxy');
    expect(proxy).toBeGreaterThan(0);
    // the second leg leaves the controller pod for the backend pod's own IP, not the ClusterIP
    const after = trace!.hops.slice(proxy + 1);
    expect(after.at(-1)!.packet.dst).toBe(`${trace!.endpoint!.ip}:${trace!.endpoint!.port}`);
    // the playback step of the proxy's decision: after the handshake, when the request arrives
    const steps = timelineOf(trace!);
    const proxyStep = steps.findIndex((s) => s.hop.kind === 'proxy');
    await page.evaluate((i) => window.__netviz!.stepTo(i), proxyStep);
    await expect(page.getByTestId('hop.http')).toContainText('answered 200');
    await expect(page.getByTestId('hop.http')).toContainText('X-Forwarded-For');
    // the camera has framed the step (a screenshot mid-glide shows where it was)
    await app.settled();
    await page.screenshot({ path: testInfo.outputPath('ingress-proxy.png') });
  });

  test('Ingress 404 and 503 are answered by the controller', async ({ app }) => {
    const { page } = app;
    const status = () => page.evaluate(() => window.__netviz!.currentTrace()?.http?.status);
    await app.goto('/#example=ingress-404');
    await expect.poll(status).toBe(404);
    // the address follows the view a moment later; a link opened meanwhile must still win
    await page.evaluate(() => window.__netviz!.stepTo(3));
    await app.goto('/#example=ingress-503');
    await expect.poll(status).toBe(503);
    await page.waitForTimeout(600);
    expect(await status()).toBe(503);
    await expect(page).toHaveURL(/#example=ingress-503/);
  });

  test('Ingress plays the real order: handshake, request, the backend connection, response; 404 on screen', async ({
    app,
  }, testInfo) => {
    const { page } = app;
    await app.goto('/#example=ingress');
    const headings = page.getByTestId('hops.exchange');
    await expect(headings).toHaveText([
      'client → proxy: SYN',
      'proxy → client: SYN-ACK',
      'client → proxy: ACK + request',
      'proxy → backend: SYN',
      'backend → proxy: SYN-ACK',
      'proxy → backend: ACK + request',
      'backend → proxy: response',
      'proxy → client: response',
    ]);
    // the proxy reads the request only after the SYN-ACK has reached the client
    const rows = page.getByTestId('hops.row');
    const kinds = await rows.evaluateAll((rs) => rs.map((r) => r.children[2]?.textContent ?? ''));
    const firstProxy = kinds.indexOf('proxy');
    const trace = await page.evaluate(() => window.__netviz!.currentTrace());
    const steps = timelineOf(trace!);
    const synAckEnd = steps.findLastIndex((s) => s.exchange === 1);
    expect(firstProxy).toBeGreaterThan(synAckEnd);
    // playing through, the narration at the proxy's step says it reads the request
    await page.evaluate((i) => window.__netviz!.stepTo(i), firstProxy);
    await expect(page.getByTestId('hop.text')).toContainText('reads the request GET');
    await expect(page.getByTestId('trace.verdict')).toHaveText('200 OK');

    await app.goto('/#example=ingress-404');
    await expect(page.getByTestId('hops.exchange')).toHaveText([
      'client → proxy: SYN',
      'proxy → client: SYN-ACK',
      'client → proxy: ACK + request',
      'proxy → client: response',
    ]);
    const total = await page.getByTestId('hops.row').count();
    await page.evaluate(() => window.__netviz!.tick(600_000));
    await expect(page.getByTestId('hops.row').nth(total - 1)).toHaveAttribute('aria-current', 'step');
    await expect(page.getByTestId('hop.text')).toContainText('The client receives 404 Not Found');
    await expect(page.getByTestId('trace.verdict')).toHaveText('404 Not Found');
    await expect(page.getByTestId('trace.verdict')).toHaveClass(/text-red/);
    await app.settled();
    await page.screenshot({ path: testInfo.outputPath('ingress-404-end.png') });

    // an old link (before conversations) to the proxy's decision still opens there
    const old = (trace!.dns?.hops.length ?? 0) + trace!.hops.findIndex((h) => h.kind === 'proxy');
    await app.goto(`/#example=ingress&step=${old}`);
    await expect(page.getByTestId('hops.row').and(page.locator('[aria-current="step"]'))).toContainText('proxy');
  });

  test('the Ingress conversation in the hop list, at three sizes, light and dark', async ({ app }, testInfo) => {
    const { page } = app;
    for (const theme of ['light', 'dark'] as const)
      for (const [w, h] of [
        [1280, 720],
        [720, 450],
        [390, 844],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await app.goto(`/?theme=${theme}#example=ingress&step=54&tl=3`);
        // the phone layout has no hop list beside the diagram: wait for the trace itself
        await page.waitForFunction(() => window.__netviz?.currentTrace()?.conversation !== undefined);
        await app.settled();
        await page.screenshot({ path: testInfo.outputPath(`ingress-conversation-${w}x${h}-${theme}.png`) });
      }
  });

  test('egress: the pod is masqueraded to its node on the way out, un-SNATed on the way back', async ({
    app,
  }, testInfo) => {
    const { page } = app;
    await app.goto('/#example=egress&step=0');
    const trace = await page.evaluate(() => window.__netviz!.currentTrace());
    const snat = trace!.hops.find((h) => h.nat && (h.nat.type === 'MASQUERADE' || h.nat.type === 'SNAT'))!;
    expect(snat.nat!.after.src).toMatch(/^192\.168\.10\.11:/);
    expect(trace!.reply!.hops.some((h) => h.nat?.type === 'un-SNAT')).toBe(true);
    const ext = trace!.hops.at(-1)!.at;
    expect(ext).toMatch(/^ext\//);
    const drawn = await page.evaluate(() => window.__netviz!.drawnCounts());
    expect(drawn['external']).toBe(1);
    await page.evaluate((i) => window.__netviz!.stepTo(i), trace!.hops.length - 1);
    // the camera has framed the step (a screenshot mid-glide shows where it was)
    await app.settled();
    await page.screenshot({ path: testInfo.outputPath('egress-out.png') });
  });

  test('a NetworkPolicy that denies: the packet is dropped where the policy is enforced, with its reason', async ({
    app,
  }, testInfo) => {
    const { page } = app;
    await app.goto('/#example=network-policy-deny&step=0');
    const trace = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(trace!.verdict).toBe('dropped');
    expect(trace!.reply).toBeNull();
    expect(trace!.hops.at(-1)!.kind).toBe('drop');
    await page.evaluate(() => window.__netviz!.tick(600_000));
    await expect(page.getByTestId('trace.verdict')).toHaveText('dropped');
    await expect(page.getByTestId('hop.inspector')).toContainText('default-deny');
    // the camera has framed the step (a screenshot mid-glide shows where it was)
    await app.settled();
    await page.screenshot({ path: testInfo.outputPath('policy-drop.png') });
  });

  test('a NetworkPolicy is drawn as an octagon; the pods it isolates have a double border; a click inspects it', async ({
    app,
  }, testInfo) => {
    const { page } = app;
    await app.goto('/#example=network-policy-deny');
    const drawn = await page.evaluate(() => {
      const cy = window.__netviz!.cy() as unknown as { $(sel: string): { map<T>(f: (e: { id(): string }) => T): T[] } };
      return {
        policies: cy.$('node.network-policy').map((e) => e.id()),
        isolated: cy.$('node.pod.isolated').map((e) => e.id()),
      };
    });
    expect(drawn.policies).toEqual(['netpol/default/default-deny-ingress']);
    const defaultPods = (await app.pods()).filter((p) => p.namespace === 'default').map((p) => `pod/default/${p.name}`);
    expect(drawn.isolated.sort()).toEqual(defaultPods.sort());
    // the camera follows the packet; the whole cluster (and the policy above it) is one key away
    await page.keyboard.press('0');
    await app.settled();
    const box = await page.evaluate(() => window.__netviz!.renderedBox('netpol/default/default-deny-ingress'));
    await page.mouse.click((box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2);
    const inspector = page.getByTestId('inspector.policy');
    await expect(inspector).toContainText('default/default-deny-ingress');
    await expect(inspector).toContainText('none: everything is denied');
    await expect(inspector).toContainText('not restricted by this policy');
    for (const pod of defaultPods)
      await expect(inspector.getByRole('button', { name: pod.slice('pod/'.length) })).toBeVisible();
    await page.getByRole('button', { name: /Legend/ }).click();
    await expect(page.getByRole('complementary', { name: 'Legend' })).toContainText('NetworkPolicy (octagon)');
    await page.screenshot({ path: testInfo.outputPath('policy-octagon.png') });
  });
});
