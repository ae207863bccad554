import { describe, expect, it } from 'vitest';
import { assetsToKeep, classify, parseHistory, recordVersion } from './cachePlan';

const scope = new URL('https://example.github.io/k8s-netviz/');
const precache = new Set(['index.html', 'favicon.svg', 'manifest.webmanifest', 'assets/index-abc.js']);
const at = (path: string) => new URL(path, scope);

describe('classify', () => {
  it('sends the app page, with any query, to the network first', () => {
    expect(classify(at('./'), scope, true, precache)).toBe('page');
    expect(classify(at('./?present=1'), scope, true, precache)).toBe('page');
    expect(classify(at('./index.html'), scope, true, precache)).toBe('page');
  });

  it('leaves other pages, outside files and other sites to the network', () => {
    expect(classify(at('./s/ingress/'), scope, true, precache)).toBeNull();
    expect(classify(at('./posters/ingress.png'), scope, false, precache)).toBeNull();
    expect(classify(at('./embed.js'), scope, false, precache)).toBeNull();
    expect(classify(new URL('https://example.github.io/other/index.html'), scope, true, precache)).toBeNull();
    expect(classify(new URL('https://evil.example/k8s-netviz/assets/x.js'), scope, false, precache)).toBeNull();
  });

  it('serves hashed files, even ones of another version, and the precached shell from the cache', () => {
    expect(classify(at('./assets/index-abc.js'), scope, false, precache)).toBe('asset');
    expect(classify(at('./assets/Editor-old.js'), scope, false, precache)).toBe('asset');
    expect(classify(at('./favicon.svg'), scope, false, precache)).toBe('shell');
  });
});

describe('the version history', () => {
  const v = (version: string, ...assets: string[]) => ({ version, assets });

  it('keeps the newest three versions, the newest first, without duplicates', () => {
    let history = recordVersion([], v('1', 'assets/a1.js'));
    history = recordVersion(history, v('2', 'assets/a2.js'));
    history = recordVersion(history, v('3', 'assets/a3.js'));
    history = recordVersion(history, v('4', 'assets/a4.js', 'assets/shared.js'));
    expect(history.map((h) => h.version)).toEqual(['4', '3', '2']);
    history = recordVersion(history, v('3', 'assets/a3.js'));
    expect(history.map((h) => h.version)).toEqual(['3', '4', '2']);
    expect([...assetsToKeep(history)].sort()).toEqual([
      'assets/a2.js',
      'assets/a3.js',
      'assets/a4.js',
      'assets/shared.js',
    ]);
  });

  it('reads anything malformed as no history', () => {
    expect(parseHistory(null)).toEqual([]);
    expect(parseHistory({ version: '1' })).toEqual([]);
    expect(parseHistory([{ version: '1', assets: [3] }, v('2', 'assets/b.js')])).toEqual([v('2', 'assets/b.js')]);
  });
});
