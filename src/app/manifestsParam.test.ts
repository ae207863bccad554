import { describe, expect, it } from 'vitest';
import { fetchManifests, parseManifestsParam } from './manifestsParam';

const base = 'http://127.0.0.1:4000/tok3n/?manifests=manifests.yaml';

describe('parseManifestsParam', () => {
  it('resolves a path against the page', () => {
    expect(parseManifestsParam('?manifests=manifests.yaml', base)).toEqual({
      kind: 'ok',
      url: 'http://127.0.0.1:4000/tok3n/manifests.yaml',
    });
    expect(parseManifestsParam('?theme=dark', base)).toEqual({ kind: 'none' });
  });

  it.each(['https://evil.example/x.yaml', '//evil.example/x.yaml', 'javascript:alert(1)', 'data:text/yaml,kind: Pod'])(
    'refuses %s',
    (value) => {
      const r = parseManifestsParam(`?manifests=${encodeURIComponent(value)}`, base);
      expect(r.kind).toBe('error');
    },
  );
});

const respond =
  (body: BodyInit, init?: ResponseInit): typeof fetch =>
  () =>
    Promise.resolve(new Response(body, init));

describe('fetchManifests', () => {
  it('returns the text', async () => {
    expect(await fetchManifests('x', respond('kind: Pod\n'))).toBe('kind: Pod\n');
  });

  it('says what went wrong', async () => {
    await expect(fetchManifests('x', respond('no', { status: 404 }))).rejects.toThrow('the server answered 404');
    await expect(fetchManifests('x', respond(new Uint8Array([0x61, 0xe9])))).rejects.toThrow('not UTF-8');
  });

  it('stops downloading at the limit', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    await expect(fetchManifests('x', respond(endless), 8 * 1024)).rejects.toThrow('larger than');
    expect(pulled).toBeLessThan(64 * 1024);
  });
});
