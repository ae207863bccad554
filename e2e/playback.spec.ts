import { test, expect } from './fixtures';

test.describe('scenarios and playback', () => {
  test('a link #example=<id>&step=<n> opens the scenario stopped at that step, with its explanation', async ({
    app,
  }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-pod-cross-node&step=7');
    await expect(page.getByTestId('scenario.explanation')).toContainText('flannel.1');
    await expect(page.getByTestId('playback.position')).toHaveText(/^step 8 of /);
    const trace = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(trace!.hops[7]!.kind).toBe('encap');
    await expect(page.getByTestId('hops.row').nth(7)).toHaveAttribute('aria-current', 'step');
    await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('pod-to-pod-cross-node');
  });

  test('the scenario picker loads each scenario, and the event list matches the simulation', async ({ app }) => {
    const { page } = app;
    await app.goto();
    for (const id of ['container-to-container', 'pod-to-pod-same-node', 'pod-to-pod-cross-node']) {
      await page.getByRole('combobox', { name: 'Scenario' }).selectOption(id);
      await expect(page.getByTestId('scenario.explanation')).toBeVisible();
      const trace = await page.evaluate(() => window.__netviz!.currentTrace());
      expect(trace).not.toBeNull();
      await expect(page.getByTestId('hops.row')).toHaveCount(trace!.hops.length + (trace!.reply?.hops.length ?? 0));
      await page.evaluate(() => window.__netviz!.tick(120_000));
      await expect(page.getByTestId('trace.verdict')).toHaveText(trace!.verdict);
      expect(page.url()).toContain(`#example=${id}`);
    }
  });

  test('an unknown scenario id gives a message and the built-in cluster', async ({ app }) => {
    await app.goto('/#example=no-such-scenario');
    await expect(app.page.getByTestId('notice')).toContainText('no-such-scenario');
    expect(app.page.url()).toContain('#example=no-such-scenario');
  });

  test('the keyboard steps like a presentation clicker, and stays off while typing', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-pod-cross-node&step=0');
    await page.locator('body').press('ArrowRight');
    await page.locator('body').press('PageDown');
    await page.locator('body').press(' ');
    await expect(page.getByTestId('playback.position')).toHaveText(/^step 4 of /);
    await page.locator('body').press('ArrowLeft');
    await expect(page.getByTestId('playback.position')).toHaveText(/^step 3 of /);
    await page.locator('body').press('End');
    const total = await page.evaluate(() => {
      const t = window.__netviz!.currentTrace()!;
      return t.hops.length + (t.reply?.hops.length ?? 0);
    });
    await expect(page.getByTestId('playback.position')).toHaveText(`step ${total} of ${total}`);
    await page.locator('body').press('Home');
    await expect(page.getByTestId('playback.position')).toHaveText(/^step 1 of /);
    await page.locator('body').press(']');
    expect(((await page.evaluate(() => window.__netviz!.getState())) as { speed: number }).speed).toBe(2);
    await page.locator('body').press('[');
    await page.locator('body').press('[');
    expect(((await page.evaluate(() => window.__netviz!.getState())) as { speed: number }).speed).toBe(0.5);
    // typing in the search box does not step
    await page.getByRole('searchbox', { name: 'Search by name or IP' }).press('ArrowRight');
    await expect(page.getByTestId('playback.position')).toHaveText(/^step 1 of /);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.locator('body').press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  });

  test('switching the CNI rebuilds the diagram and re-traces the packet', async ({ app }, testInfo) => {
    const { page } = app;
    await app.goto('/#example=pod-to-pod-cross-node&step=0');
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('calico-ipip');
    const trace = await page.evaluate(() => window.__netviz!.currentTrace());
    const encap = trace!.hops.find((h) => h.kind === 'encap')!;
    expect(encap.at).toBe('dev/node-a/tunl0');
    const drawn = await page.evaluate(() => window.__netviz!.drawnCounts());
    expect(drawn['bridge'] ?? 0).toBe(0);
    const step = trace!.hops.indexOf(encap);
    await page.evaluate((i) => window.__netviz!.stepTo(i), step);
    // the camera has framed the step (a screenshot mid-glide shows where it was)
    await app.settled();
    await page.screenshot({ path: testInfo.outputPath('calico-ipip-encap.png') });
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('flannel-host-gw');
    const hostGw = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(hostGw!.hops.some((h) => h.kind === 'encap')).toBe(false);
    expect(hostGw!.verdict).toBe('delivered');
  });

  test('the explanation follows a switch of proxy mode or CNI, under the scenario’s own framing', async ({ app }) => {
    const { page } = app;
    const explanation = page.getByTestId('scenario.explanation');
    await app.goto('/#example=pod-to-service&step=0');
    await expect(explanation).toContainText('The Service web has a stable virtual IP');
    await expect(explanation).toContainText("kube-proxy's iptables rules");
    await expect(explanation).toContainText('chosen for this example');
    // the hop that chose says so in words, not in the command line's
    const chooser = (await page.evaluate(() => window.__netviz!.currentTrace()))!.hops.findIndex((h) =>
      /pinned by --pick|chosen for this example/.test(h.text),
    );
    expect(chooser).toBeGreaterThan(0);
    await page.evaluate((i) => window.__netviz!.stepTo(i), chooser);
    await expect(page.getByTestId('hop.text')).toContainText('(chosen for this example)');
    await expect(page.getByTestId('hop.text')).not.toContainText('--pick');
    await page.getByRole('combobox', { name: 'Service proxy mode' }).selectOption('ipvs');
    await expect(explanation).toContainText('IPVS virtual server');
    await expect(explanation).toContainText('round robin');
    await expect(explanation).not.toContainText('iptables');
    await expect(explanation).toContainText('The Service web has a stable virtual IP');
    await page.getByRole('combobox', { name: 'Service proxy mode' }).selectOption('cilium');
    await expect(explanation).toContainText('connect()');
    await expect(explanation).not.toContainText('kube-proxy');
    await expect(explanation).not.toContainText('IPVS');

    await app.goto('/#example=pod-to-pod-cross-node&step=0');
    await expect(explanation).toContainText('flannel.1');
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('calico-ipip');
    await expect(explanation).toContainText("Calico's tunnel device tunl0");
    await expect(explanation).not.toContainText(/flannel|VXLAN/);
    await page.getByRole('combobox', { name: 'CNI plugin' }).selectOption('flannel-host-gw');
    await expect(explanation).toContainText('no tunnel');
    await expect(explanation).not.toContainText('VXLAN');
  });
});

test.describe('Send from… on the diagram', () => {
  test('click the source, then the destination; Esc leaves the mode and a plain click selects again', async ({
    app,
  }) => {
    const { page } = app;
    await app.goto();
    const click = async (id: string) => {
      const box = await page.evaluate((el) => window.__netviz!.renderedBox(el), id);
      await page.mouse.click((box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2);
    };
    await page.getByRole('button', { name: 'Send from…' }).click();
    await expect(page.getByTestId('pick.banner')).toContainText('Click the source');
    await click('container/default/client/client');
    await expect(page.getByTestId('pick.banner')).toContainText('From pod/default/client:client');
    await click('container/default/app-1/web');
    await expect(page.getByTestId('pick.banner')).toHaveCount(0);
    const trace = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(trace!.request).toMatchObject({ from: 'pod/default/client:client', to: 'pod/default/app-1' });
    expect(trace!.verdict).toBe('delivered');

    await page.getByRole('button', { name: 'Send from…' }).click();
    await page.locator('body').press('Escape');
    await expect(page.getByTestId('pick.banner')).toHaveCount(0);
    await click('container/default/app-1/sidecar');
    await expect(page.getByTestId('selection.inspector')).toContainText('container/default/app-1/sidecar');
  });
});

test.describe('every built-in scenario', () => {
  test('opens from the picker with the event list and verdict of the simulation, and the form follows it', async ({
    app,
  }) => {
    const { page } = app;
    await app.goto();
    const ids = await page
      .getByRole('combobox', { name: 'Scenario' })
      .locator('option:not([disabled])')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    for (const id of [
      'container-to-container',
      'pod-to-pod-same-node',
      'pod-to-pod-cross-node',
      'pod-to-service',
      'pod-to-service-dns',
      'nodeport-cluster',
      'nodeport-local',
      'loadbalancer',
      'ingress',
      'ingress-404',
      'ingress-503',
      'egress',
      'egress-eks-external-snat',
      'network-policy-deny',
      'network-policy-deny-eks',
    ]) {
      expect(ids).toContain(id);
    }
    for (const id of ids) {
      await page.getByRole('combobox', { name: 'Scenario' }).selectOption(id);
      const trace = await page.evaluate(() => window.__netviz!.currentTrace());
      expect(trace, id).not.toBeNull();
      // one row per step of the conversation (through a proxy some paths are played more than once,
      // a later packet skipping the rules only the first one meets)
      const total =
        (trace!.dns?.hops.length ?? 0) +
        (trace!.conversation ?? []).reduce((n, x) => n + x.to - x.from - (x.skip?.length ?? 0), 0);
      await expect(page.getByTestId('hops.row')).toHaveCount(total);
      await page.evaluate(() => window.__netviz!.tick(600_000));
      // through an L7 proxy the outcome is the HTTP status the client got
      const outcome = trace!.http
        ? {
            200: '200 OK',
            301: '301 Moved Permanently',
            404: '404 Not Found',
            500: '500 Internal Server Error',
            503: '503 Service Unavailable',
          }[trace!.http.status]
        : trace!.verdict;
      await expect(page.getByTestId('trace.verdict')).toHaveText(outcome!);
      await expect(page.getByRole('combobox', { name: 'Source' })).toHaveValue(trace!.request.from);
      await expect(page.getByRole('combobox', { name: 'Destination' })).toHaveValue(trace!.request.to);
    }
  });

  test('another packet sent from the form leaves the scenario; the same packet again keeps it', async ({ app }) => {
    const { page } = app;
    await app.goto('/#example=pod-to-service&step=0');
    const picker = page.getByRole('combobox', { name: 'Scenario' });
    await page.getByRole('button', { name: 'Send packet' }).click();
    await expect(picker).toHaveValue('pod-to-service');
    await expect(page.getByTestId('scenario.explanation')).toBeVisible();
    await page.getByRole('combobox', { name: 'Destination' }).fill('93.184.216.34:443');
    await page.getByRole('button', { name: 'Send packet' }).click();
    await expect(picker).toHaveValue('');
    await expect(page.getByTestId('scenario.explanation')).toHaveCount(0);
  });

  test('the form sends to any destination the command line accepts: a Service by DNS name, a node, the Internet', async ({
    app,
  }) => {
    const { page } = app;
    await app.goto();
    // the destination suggests pods, Services, DNS names and the Internet once it has the focus
    const destination = page.getByRole('combobox', { name: 'Destination' });
    const suggested = () =>
      destination.evaluate((el: HTMLInputElement) => [...(el.list?.options ?? [])].map((o) => o.value));
    await destination.focus();
    await expect.poll(suggested).toContain('svc/default/web');
    expect(await suggested()).toContain('web');
    expect(await suggested()).toContain('93.184.216.34:443');
    for (const [to, check] of [
      ['web', (t: { dns: unknown }) => t.dns !== null],
      ['93.184.216.34:443', (t: { hops: { at: string }[] }) => t.hops.at(-1)!.at === 'ext/93.184.216.34'],
    ] as const) {
      await page.getByRole('combobox', { name: 'Destination' }).fill(to);
      await page.getByRole('textbox', { name: 'Port' }).fill(to === 'web' ? '80' : '');
      await page.getByRole('button', { name: 'Send packet' }).click();
      const trace = await page.evaluate(() => window.__netviz!.currentTrace());
      expect(trace!.request.to).toBe(to);
      expect(check(trace as never)).toBe(true);
    }
    await page.getByRole('combobox', { name: 'Source' }).selectOption('external/203.0.113.10');
    await page.getByRole('combobox', { name: 'Destination' }).fill('192.168.10.11:22');
    await page.getByRole('button', { name: 'Send packet' }).click();
    const ssh = await page.evaluate(() => window.__netviz!.currentTrace());
    expect(ssh!.request.from).toBe('external/203.0.113.10');
    expect(ssh!.hops[0]!.at).toBe('ext/203.0.113.10');
  });
});
