/**
 * Playwright fixtures: a page that fails its test on any console error or uncaught exception, and
 * typed access to the read-only `window.__netviz` handle. Every page and frame of every test also
 * listens for Content-Security-Policy violations: one is a failure, whichever page or frame it
 * happened in.
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

/** A `securitypolicyviolation` event, as the page reported it. */
export interface CspViolation {
  url: string;
  directive: string;
  blocked: string;
  sample: string;
}

export const test = base.extend<{ app: NetvizPage; cspViolations: CspViolation[] }>({
  cspViolations: [
    async ({ context }, use) => {
      const violations: CspViolation[] = [];
      await context.exposeBinding('__reportCspViolation', (_source, v: CspViolation) => {
        violations.push(v);
      });
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          const report = (window as unknown as { __reportCspViolation?: (v: unknown) => void }).__reportCspViolation;
          report?.({
            url: e.documentURI,
            directive: e.effectiveDirective,
            blocked: e.blockedURI,
            sample: e.sample,
          });
        });
      });
      await use(violations);
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
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
