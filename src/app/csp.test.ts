import { describe, expect, it } from 'vitest';
import { CSP_DIRECTIVES, contentSecurityPolicy, withCspMeta } from './csp';

describe('the Content-Security-Policy', () => {
  it('allows scripts only from the app, and no eval', () => {
    expect(CSP_DIRECTIVES['script-src']).toEqual(["'self'"]);
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval|wasm-unsafe-eval/);
    expect(contentSecurityPolicy()).toMatch(/^default-src 'self'; /);
    expect(contentSecurityPolicy()).toContain("worker-src 'self' blob:");
    expect(contentSecurityPolicy()).toContain("img-src 'self' data: blob:");
    expect(contentSecurityPolicy()).toContain("connect-src 'self'");
  });

  it('goes first in <head>, before any script or style it must cover', () => {
    const html = '<!doctype html><html><head>\n<meta charset="UTF-8" />\n<script src="x.js"></script></head></html>';
    const out = withCspMeta(html);
    const meta = out.indexOf('http-equiv="Content-Security-Policy"');
    expect(meta).toBeGreaterThan(out.indexOf('<head>'));
    expect(meta).toBeLessThan(out.indexOf('<script'));
    expect(() => withCspMeta('<html><body></body></html>')).toThrow(/no <head>/);
  });
});
