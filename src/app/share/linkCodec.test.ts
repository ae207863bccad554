import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCluster, defaultClusterSpec, toManifests } from '../../sim';
import { toBase64Url } from './base64url';
import { deflateSync } from 'fflate';
import { INFLATE_SLICE_BYTES, deflateRaw } from './deflate';
import { MAX_DECODED_BYTES, decodeShare, encodeShare, shareParamOf, validatePayload } from './linkCodec';
import type { SharePayload } from './linkCodec';

const cluster = buildCluster(defaultClusterSpec);
const referenceCluster: SharePayload = {
  v: 1,
  manifests: toManifests(cluster, defaultClusterSpec, { style: 'authored' }),
  ops: [
    { op: 'deletePod', pod: 'default/app-1' },
    { op: 'scaleDeployment', deployment: 'default/app', replicas: 3 },
  ],
  settings: { proxyMode: 'ipvs' },
  request: { from: 'pod/default/client', to: 'svc/default/app', port: 80 },
  seed: 7,
  pick: [],
  step: 4,
  selection: 'node/node-a',
};
const tinyGenerated: SharePayload = {
  v: 1,
  generate: '5x4',
  ops: [],
  settings: {},
  request: null,
  seed: 3,
  pick: [],
  step: null,
  selection: null,
};

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('share links', () => {
  for (const native of [true, false]) {
    it(`round-trips a user's cluster with ops, request, step and selection (${native ? 'CompressionStream' : 'fflate'})`, async () => {
      const text = await encodeShare(referenceCluster, { native });
      expect(text.startsWith('z1.')).toBe(true);
      expect(text).toMatch(/^z1\.[A-Za-z0-9_-]+$/);
      // one reader reads what either compressor wrote
      const back = await decodeShare(text);
      expect(back).toEqual({ ok: true, payload: referenceCluster });
    });
  }

  it('reads the scenario id a link may carry, and refuses a malformed one', () => {
    expect(validatePayload({ ...tinyGenerated, scenario: 'pod-to-service' })).toEqual({
      ok: true,
      payload: { ...tinyGenerated, scenario: 'pod-to-service' },
    });
    // links written before the field existed have none
    expect(validatePayload(tinyGenerated)).toEqual({ ok: true, payload: tinyGenerated });
    expect(validatePayload({ ...tinyGenerated, scenario: '<script>' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(validatePayload({ ...tinyGenerated, scenario: 7 })).toMatchObject({ ok: false, code: 'invalid' });
  });

  it("keeps an HTTP request's method and header lines, and refuses malformed ones", () => {
    const request = {
      from: 'external/203.0.113.10',
      to: 'http://api.example.com/',
      method: 'POST',
      headers: ['X-Canary: always'],
    };
    expect(validatePayload({ ...tinyGenerated, request })).toEqual({
      ok: true,
      payload: { ...tinyGenerated, request },
    });
    for (const bad of [
      { ...request, method: 7 },
      { ...request, headers: 'X-Canary: always' },
      { ...request, headers: [7] },
      { ...request, headers: Array.from({ length: 33 }, () => 'A: b') },
    ])
      expect(validatePayload({ ...tinyGenerated, request: bad })).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('keeps tiny payloads as readable JSON (j1)', async () => {
    const small: SharePayload = {
      v: 1,
      generate: '2x2',
      ops: [],
      settings: {},
      request: null,
      seed: 1,
      pick: [],
      step: null,
      selection: null,
    };
    const text = await encodeShare(small);
    expect(text.startsWith('j1.')).toBe(true);
    expect(await decodeShare(text)).toEqual({ ok: true, payload: small });
    expect((await decodeShare(await encodeShare(tinyGenerated))).ok).toBe(true);
  });

  it('refuses damaged, truncated, oversized and future-version links with a message', async () => {
    const good = await encodeShare(referenceCluster);
    const cases: [string, string][] = [
      ['garbage', 'damaged'],
      ['z1.@@@', 'damaged'],
      [good.slice(0, Math.floor(good.length / 2)), 'damaged'],
      [`z1.${good.slice(3).split('').reverse().join('')}`, 'damaged'],
      ['z2.AAAA', 'future'],
      ['j9.AAAA', 'future'],
      ['q1.AAAA', 'damaged'],
      [`j1.${toBase64Url(utf8('{"v":2,"manifests":[]}'))}`, 'future'],
      [`j1.${toBase64Url(utf8('{"v":1,"manifests":[],"step":-3}'))}`, 'invalid'],
      [`j1.${toBase64Url(utf8('[1,2,3]'))}`, 'invalid'],
      ['j1.' + 'A'.repeat(2_000_000), 'oversized'],
    ];
    for (const [text, code] of cases) {
      const result = await decodeShare(text);
      expect(result.ok, text.slice(0, 30)).toBe(false);
      if (!result.ok) {
        expect(result.code, text.slice(0, 30)).toBe(code);
        expect(result.message).toMatch(/^This link’s scenario could not be opened: /);
      }
    }
  });

  it('caps what a compressed link may unpack to (a zip bomb costs nothing)', async () => {
    const bomb = utf8(`{"v":1,"manifests":[],"pad":"${' '.repeat(MAX_DECODED_BYTES + 10)}"}`);
    for (const native of [true, false]) {
      const packed = await deflateRaw(bomb, { native });
      expect(packed.length).toBeLessThan(20_000);
      const result = await decodeShare(`z1.${toBase64Url(packed)}`);
      expect(result).toMatchObject({ ok: false, code: 'oversized' });
    }
  });

  it('stops inflating a bomb within a slice of the cap, never inflating it whole first', async () => {
    // 64 MB of zeros packs into ~64 KB: the link is small, what it would unpack to is not
    const bomb = deflateSync(new Uint8Array(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    let produced = 0;
    let largest = 0;
    const result = await decodeShare(`z1.${toBase64Url(bomb)}`, {
      onOutput: (n) => {
        produced += n;
        largest = Math.max(largest, n);
      },
    });
    expect(result).toMatchObject({ ok: false, code: 'oversized' });
    // it did inflate up to the cap, and one slice of input adds at most ~1 MB past it
    expect(produced).toBeGreaterThan(MAX_DECODED_BYTES);
    expect(produced).toBeLessThan(MAX_DECODED_BYTES + 1.1 * 1024 * INFLATE_SLICE_BYTES);
    expect(largest).toBeLessThanOrEqual(1.1 * 1024 * INFLATE_SLICE_BYTES);
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    const deep = JSON.parse(`{"v":1,"manifests":[${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]}`) as unknown;
    expect(validatePayload(deep)).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('reads s= from a hash beside other parameters', () => {
    expect(shareParamOf('#s=z1.abc-_')).toBe('z1.abc-_');
    expect(shareParamOf('#example=x&step=2')).toBeNull();
  });

  // Links already published must open forever: every file in the corpus decodes, per format version.
  describe('the stored corpus (e2e/fixtures/links)', () => {
    const dir = join(import.meta.dirname, '../../../e2e/fixtures/links');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    it('has a link for each format version', () => {
      const formats = new Set(
        files.map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { format: string }).format),
      );
      for (const f of ['example', 'j1', 'z1']) expect(formats).toContain(f);
    });
    for (const file of files) {
      it(`${file} still decodes`, async () => {
        const entry = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
          format: string;
          hash: string;
          expect: Record<string, unknown>;
        };
        const s = shareParamOf(entry.hash);
        if (entry.format === 'example') {
          expect(s).toBeNull();
          return;
        }
        const result = await decodeShare(s ?? '');
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.payload).toMatchObject(entry.expect['payload'] as object);
      });
    }
  });
});
