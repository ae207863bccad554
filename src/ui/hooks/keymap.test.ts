import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYMAP, actionFor } from './keymap';

describe('the keymap', () => {
  it('binds no key twice', () => {
    const keys = KEYMAP.flatMap((b) => b.keys);
    const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(twice).toEqual([]);
    expect(actionFor('PageDown')).toBe('next');
    expect(actionFor('x')).toBeNull();
  });

  it('is the table in docs/url-and-keys.md: every key there, marked as existing', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'url-and-keys.md'), 'utf8');
    const rows = doc.split('\n').filter((line) => line.startsWith('| keys |') && line.includes('| exists |'));
    const documented = rows.map((row) => row.split('|')[2] ?? '').join(' ');
    const named = (key: string): string =>
      ({ ArrowRight: 'Right', ArrowLeft: 'Left', ' ': 'Space', Escape: 'Esc' })[key] ?? key;
    for (const binding of KEYMAP) {
      // a letter is documented in capitals; one of a binding's keys is enough for its lower case
      const shown = binding.keys.map(named).filter((k) => !/^[a-z]$/.test(k));
      for (const key of shown)
        expect(documented.includes(key) || documented.includes(`\`${key}\``), `${key} (${binding.action})`).toBe(true);
    }
  });
});
