/**
 * Playwright fixtures: a page that fails its test on any console error or uncaught exception, and
 * typed access to the read-only `window.__netviz` handle.
 */
import { test as base, expect } from '@playwright/test';
import type { Page } from '@playwright/test';

export interface NetvizPage {
  page: Page;
  /** console errors and page errors seen so far */
  errors: string[];
  goto(path?: string): Promise<void>;
  elementCount(): Promise<{ nodes: number; pods: number; containers: number; services: number }>;
  /** the cluster's pods, as the store holds them */
  pods(): Promise<PodInfo[]>;
  /** waits until the camera has stopped moving */
  settled(): Promise<void>;
}

export interface PodInfo {
  namespace: string;
  name: string;
  node: string;
  ip: string;
}

export const test = base.extend<{ app: NetvizPage }>({
  app: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('pageerror', (err) => errors.push(String(err)));
    const app: NetvizPage = {
      page,
      errors,
      async goto(path = '/') {
        await page.goto(path);
        await page.waitForFunction(() => window.__netviz !== undefined);
        await page.evaluate(() => window.__netviz!.whenRendered());
        await page.evaluate(() => window.__netviz!.whenReady());
      },
      elementCount: () => page.evaluate(() => window.__netviz!.elementCount()),
      settled: () => page.evaluate(() => window.__netviz!.cameraSettled()),
      pods: () =>
        page.evaluate(() =>
          (window.__netviz!.getState() as { cluster: { pods: PodInfo[] } }).cluster.pods.map(
            ({ namespace, name, node, ip }) => ({ namespace, name, node, ip }),
          ),
        ),
    };
    await use(app);
    expect(errors, 'console errors and uncaught exceptions').toEqual([]);
  },
});

export { expect };
