/**
 * The lint rules that keep the seams: reading `settings.cni` / `settings.proxyMode` outside the CNI
 * and proxy modules and the registry fails `npm run lint`. Shown on a fixture that breaks the rule
 * in each way it can (lint-fixtures/readsCniSetting.ts), linted as if it sat in the canvas, the
 * store and the resolver, and as if it sat in a CNI module, where it is allowed.
 */
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const fixture = readFileSync(new URL('lint-fixtures/readsCniSetting.ts', root), 'utf8');
const eslint = new ESLint({ cwd: root.pathname });

async function settingsErrors(filePath: string): Promise<number[]> {
  const [result] = await eslint.lintText(fixture, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-syntax' && m.message.includes('settings.cni'))
    .map((m) => m.line);
}

describe('settings are read through the registry', () => {
  it.each(['src/canvas/bridge.ts', 'src/store/bridge.ts', 'src/sim/resolve/bridge.ts', 'src/ui/Bridge.tsx'])(
    'fails a file in %s that reads them, at each read',
    async (filePath) => {
      // cluster.settings.cni, settings.proxyMode, const { cni } = cluster.settings
      expect(await settingsErrors(filePath)).toEqual([6, 10, 14]);
    },
    60_000,
  );

  it.each(['src/sim/cni/bridge.ts', 'src/sim/proxy/bridge.ts'])(
    'lets a module read them: %s',
    async (filePath) => {
      expect(await settingsErrors(filePath)).toEqual([]);
    },
    60_000,
  );
});
