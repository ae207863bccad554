import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

/** Which of these drawn elements the diagram has (ids as docs/trace-format.md names them). */
const drawn = (page: Page, ids: string[]) =>
  page.evaluate(
    (list) =>
      list.filter((id) => {
        try {
          const box = window.__netviz!.renderedBox(id);
          return box.x2 > box.x1;
        } catch {
          return false;
        }
      }),
    ids,
  );

test.describe('kindnet (kind)', () => {
  test('the CNI switch plays cross-node pod to pod through ptp veths, no bridge, no tunnel', async ({
    app,
  }, testInfo) => {
    const { page } = app;
    await app.goto('/#example=pod-to-pod-cross-node&step=0');
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('kindnet');
    const trace = (await page.evaluate(() => window.__netviz!.currentTrace()))!;
    expect(trace.verdict).toBe('delivered');
    expect(trace.hops.some((h) => h.kind === 'encap' || h.kind === 'bridge')).toBe(false);
    // no cni0 and no tunnel device drawn: the module declares none
    const counts = await page.evaluate(() => window.__netviz!.drawnCounts());
    expect(counts['bridge'] ?? 0).toBe(0);
    expect(await drawn(page, ['dev/node-a/cni0', 'dev/node-a/flannel.1'])).toEqual([]);
    // the hop where the sending node routes the pod range of the other node via its address
    const route = trace.hops.findIndex(
      (h) => h.kind === 'route' && /^10\.244\.2\.0\/24 via 192\.168\.10\.12 dev eth0$/.test(h.rule ?? ''),
    );
    expect(route).toBeGreaterThan(0);
    // every veth and device the trace passes is on the diagram
    const places = [
      ...new Set(trace.hops.map((h) => h.at).filter((at) => at.startsWith('veth/') || at.startsWith('dev/node'))),
    ];
    expect(await drawn(page, places)).toEqual(places);
    const arp = trace.hops.find((h) => h.kind === 'arp')!;
    expect(arp.rule).toMatch(/^10\.244\.1\.1 dev eth0 lladdr /);
    await page.evaluate((i) => window.__netviz!.stepTo(i), trace.hops.indexOf(arp));
    await expect(page.getByTestId('hop.text')).toContainText('holds 10.244.1.1/32 itself');
    await page.evaluate((i) => window.__netviz!.stepTo(i), route);
    await expect(page.getByTestId('hop.text')).toContainText('10.244.2.0/24');
    await expect(page.getByTestId('scenario.explanation')).not.toContainText(/flannel|VXLAN|cni0/);
    await app.settled();
    await page.screenshot({ path: testInfo.outputPath('kindnet-route.png') });
    // the choice survives a share link
    await page.getByRole('button', { name: 'Share' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share' });
    await expect(dialog.getByTestId('share.link')).toHaveValue(/^http/);
    const url = await dialog.getByTestId('share.link').inputValue();
    await dialog.getByRole('button', { name: 'Close' }).click();
    const other = await page.context().newPage();
    await other.goto(url);
    await other.waitForFunction(() => window.__netviz !== undefined);
    await expect(other.getByRole('combobox', { name: 'CNI plugin' })).toHaveValue('kindnet');
    await other.close();
  });

  test('a NetworkPolicy drop and egress masquerade under kindnet', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=network-policy-deny&step=0');
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('kindnet');
    const denied = (await page.evaluate(() => window.__netviz!.currentTrace()))!;
    expect(denied.verdict).toBe('dropped');
    expect(denied.hops.at(-1)!.text).toContain('kindnetd (kube-network-policies)');
    await app.goto('/#example=egress&step=0');
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('kindnet');
    const egress = (await page.evaluate(() => window.__netviz!.currentTrace()))!;
    const masq = egress.hops.find((h) => h.nat?.type === 'MASQUERADE')!;
    expect(masq.rule).toContain('KIND-MASQ-AGENT');
  });
});

test.describe('pictures under kindnet', () => {
  const CASES = [
    { name: 'kindnet-1280x720-light', size: [1280, 720], theme: 'light' },
    { name: 'kindnet-1280x720-dark', size: [1280, 720], theme: 'dark' },
    { name: 'kindnet-720x450-light', size: [720, 450], theme: 'light' },
    { name: 'kindnet-720x450-dark', size: [720, 450], theme: 'dark' },
    { name: 'kindnet-390x844-light', size: [390, 844], theme: 'light' },
    { name: 'kindnet-390x844-dark', size: [390, 844], theme: 'dark' },
  ] as const;
  for (const c of CASES) {
    test(`${c.name}`, async ({ browser }, testInfo) => {
      // the CNI switch sits in the menu on a phone: choose at desktop width, then resize
      const context = await browser.newContext({
        viewport: { width: 1280, height: 720 },
        reducedMotion: 'reduce',
        baseURL: testInfo.project.use.baseURL!,
      });
      const page = await context.newPage();
      await page.goto(`/?theme=${c.theme}#example=pod-to-pod-cross-node&step=0`);
      await page.waitForFunction(() => window.__netviz !== undefined);
      await page.evaluate(() => window.__netviz!.whenReady());
      await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('kindnet');
      await page.setViewportSize({ width: c.size[0], height: c.size[1] });
      const trace = (await page.evaluate(() => window.__netviz!.currentTrace()))!;
      const step = trace.hops.findIndex(
        (h) => h.kind === 'route' && (h.rule ?? '').includes('via 192.168.10.12 dev eth0'),
      );
      expect(step).toBeGreaterThan(0);
      await page.evaluate((i) => window.__netviz!.stepTo(i), step);
      await page.evaluate(() => window.__netviz!.cameraSettled());
      await page.screenshot({ path: testInfo.outputPath(`${c.name}.png`) });
      await context.close();
    });
  }
});

test.describe('the AWS VPC CNI (EKS)', () => {
  test('the CNI switch plays cross-node pod to pod through the VPC fabric, ENIs drawn', async ({ app }, testInfo) => {
    const { page } = app;
    await app.goto('/#example=pod-to-pod-cross-node&step=0');
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('aws-vpc');
    const trace = (await page.evaluate(() => window.__netviz!.currentTrace()))!;
    expect(trace.verdict).toBe('delivered');
    expect(trace.hops.some((h) => h.kind === 'encap' || h.kind === 'bridge' || h.packet.outer)).toBe(false);
    // pods hold VPC addresses: 192.168.10.x like the nodes, and veths named eni + 11 hex digits
    expect(trace.endpoint!.ip).toMatch(/^192\.168\.10\./);
    const veths = trace.hops.filter((h) => h.kind === 'veth').map((h) => h.rule ?? '');
    for (const v of veths) expect(v).toMatch(/^eni[0-9a-f]{11}@if3 /);
    const arp = trace.hops.find((h) => h.kind === 'arp')!;
    expect(arp.rule).toMatch(/^169\.254\.1\.1 dev eth0 lladdr \S+ PERMANENT$/);
    expect(trace.hops.map((h) => h.rule)).toContain(
      '-A AWS-SNAT-CHAIN-0 -d 192.168.10.0/24 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
    );
    const wire = trace.hops.findIndex((h) => h.kind === 'wire');
    expect(trace.hops[wire]!.text).toContain('VPC fabric');
    expect(trace.hops[wire + 1]!.rule).toMatch(/^512: from all to 192\.168\.10\.\d+ lookup main$/);
    // no cni0 and no tunnel device; the spare ENI eth1 is drawn on every node
    const counts = await page.evaluate(() => window.__netviz!.drawnCounts());
    expect(counts['bridge'] ?? 0).toBe(0);
    expect(await drawn(page, ['dev/node-a/cni0', 'dev/node-a/flannel.1'])).toEqual([]);
    expect(await drawn(page, ['dev/node-a/eth1', 'dev/node-b/eth1'])).toEqual(['dev/node-a/eth1', 'dev/node-b/eth1']);
    const places = [
      ...new Set(trace.hops.map((h) => h.at).filter((at) => at.startsWith('veth/') || at.startsWith('dev/node'))),
    ];
    expect(await drawn(page, places)).toEqual(places);
    await page.evaluate((i) => window.__netviz!.stepTo(i), trace.hops.indexOf(arp));
    await expect(page.getByTestId('hop.text')).toContainText('permanent entry');
    await page.evaluate((i) => window.__netviz!.stepTo(i), wire);
    await expect(page.getByTestId('hop.text')).toContainText('VPC fabric');
    await expect(page.getByTestId('scenario.explanation')).not.toContainText(/flannel|VXLAN|cni0/);
    await app.settled();
    await page.screenshot({ path: testInfo.outputPath('aws-vpc-wire.png') });
    // the choice survives a share link
    await page.getByRole('button', { name: 'Share' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share' });
    await expect(dialog.getByTestId('share.link')).toHaveValue(/^http/);
    const url = await dialog.getByTestId('share.link').inputValue();
    await dialog.getByRole('button', { name: 'Close' }).click();
    const other = await page.context().newPage();
    await other.goto(url);
    await other.waitForFunction(() => window.__netviz !== undefined);
    await expect(other.getByRole('combobox', { name: 'CNI plugin' })).toHaveValue('aws-vpc');
    await other.close();
  });

  test('egress is SNATed to the node primary address; the policy agent drops a denied packet', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=egress&step=0');
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('aws-vpc');
    const egress = (await page.evaluate(() => window.__netviz!.currentTrace()))!;
    const snat = egress.hops.find((h) => h.nat?.type === 'SNAT')!;
    expect(snat.rule).toMatch(/^-A AWS-SNAT-CHAIN-0 .* -j SNAT --to-source 192\.168\.10\.11 --random-fully$/);
    expect(snat.text).toContain('assumed');
    // switched to, the plugin leaves its network policy agent off, as EKS ships it
    await app.goto('/#example=network-policy-deny&step=0');
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('aws-vpc');
    const off = (await page.evaluate(() => window.__netviz!.currentTrace()))!;
    expect(off.verdict).toBe('delivered');
    expect(off.hops.find((h) => h.kind === 'policy')!.text).toContain('no effect');
    await app.goto('/#example=network-policy-deny-eks&step=0');
    await expect(page.getByRole('combobox', { name: 'CNI plugin' })).toHaveValue('aws-vpc');
    const on = (await page.evaluate(() => window.__netviz!.currentTrace()))!;
    expect(on.verdict).toBe('dropped');
    expect(on.hops.at(-1)!.text).toContain('network policy agent');
  });
});

test.describe('pictures under the AWS VPC CNI', () => {
  const CASES = [
    { name: 'aws-vpc-1280x720-light', size: [1280, 720], theme: 'light' },
    { name: 'aws-vpc-1280x720-dark', size: [1280, 720], theme: 'dark' },
    { name: 'aws-vpc-720x450-light', size: [720, 450], theme: 'light' },
    { name: 'aws-vpc-390x844-dark', size: [390, 844], theme: 'dark' },
  ] as const;
  for (const c of CASES) {
    test(`${c.name}`, async ({ browser }, testInfo) => {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 720 },
        reducedMotion: 'reduce',
        baseURL: testInfo.project.use.baseURL!,
      });
      const page = await context.newPage();
      await page.goto(`/?theme=${c.theme}#example=pod-to-pod-cross-node&step=0`);
      await page.waitForFunction(() => window.__netviz !== undefined);
      await page.evaluate(() => window.__netviz!.whenReady());
      await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('aws-vpc');
      await page.setViewportSize({ width: c.size[0], height: c.size[1] });
      const trace = (await page.evaluate(() => window.__netviz!.currentTrace()))!;
      // the packet entering the receiving node by the ENI that holds the pod's address
      const step = trace.hops.findIndex((h) => h.kind === 'wire') + 1;
      expect(step).toBeGreaterThan(1);
      await page.evaluate((i) => window.__netviz!.stepTo(i), step);
      await page.evaluate(() => window.__netviz!.cameraSettled());
      await page.screenshot({ path: testInfo.outputPath(`${c.name}.png`) });
      await context.close();
    });
  }
});
