// Finds a Chromium for the end-to-end tests: Playwright's own when it is installed, else Debian's
// /usr/bin/chromium, else installs Debian's `chromium` when running as root with apt-get, else
// stops with a message that says how to get one. Used by scripts/e2e.mjs and scripts/bench.mjs.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chromium } from '@playwright/test';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Returns { executablePath, source }: the browser to launch and where it came from. */
export function findChromium({ install = true } = {}) {
  if (process.env.PW_CHROMIUM_PATH && existsSync(process.env.PW_CHROMIUM_PATH)) {
    return { executablePath: process.env.PW_CHROMIUM_PATH, source: 'PW_CHROMIUM_PATH' };
  }
  try {
    const own = chromium.executablePath();
    // Passed explicitly: Playwright's default headless shell may be missing when only the full
    // browser was installed, and the full browser runs headless just as well.
    if (own && existsSync(own)) return { executablePath: own, source: `Playwright's Chromium (${own})` };
  } catch {
    // Playwright has no browser of its own here; fall through to the system's.
  }
  const system = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (system) return { executablePath: system, source: system };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (install && isRoot && hasApt) {
    console.log("No Chromium found: installing Debian's chromium with apt-get...");
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = SYSTEM_CHROMIUM.find((p) => existsSync(p));
    if (installed) return { executablePath: installed, source: `${installed} (just installed)` };
  }
  console.error(
    [
      'No Chromium to run the end-to-end tests with. Any one of these works:',
      '  - npx playwright install chromium       (Playwright downloads its own browser)',
      '  - sudo apt-get install chromium          (Debian/Ubuntu; used from /usr/bin/chromium)',
      '  - PW_CHROMIUM_PATH=/path/to/chrome npm test',
    ].join('\n'),
  );
  process.exit(1);
}
