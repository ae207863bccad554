import { describe, expect, it } from 'vitest';
import { decodeText, firstInvalidUtf8, readTextFile } from './readTextFile';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('reading an opened or dropped file', () => {
  it('refuses a file by its size before reading a byte of it', async () => {
    let read = false;
    const huge = {
      name: 'huge.yaml',
      size: 450 * 1024 * 1024,
      arrayBuffer: () => {
        read = true;
        return Promise.resolve(new ArrayBuffer(0));
      },
    } as unknown as Blob & { name: string };
    const result = await readTextFile(huge, 48 * 1024 * 1024);
    expect(result).toEqual({
      ok: false,
      message: '“huge.yaml” is 450.0 MB; the limit is 48.0 MB. It was not read.',
    });
    expect(read).toBe(false);
  });

  it('reads UTF-8, with or without a byte-order mark, and UTF-16 with one', async () => {
    expect(await readTextFile(new Blob([utf8('kind: Pod\nname: café\n')]), 1000)).toEqual({
      ok: true,
      text: 'kind: Pod\nname: café\n',
    });
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('a: b')]), 'f')).toEqual({ ok: true, text: 'a: b' });
    const le = new Uint8Array([0xff, 0xfe, ...[...'a: é'].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(decodeText(le, 'f')).toEqual({ ok: true, text: 'a: é' });
  });

  it('refuses Latin-1 text instead of altering its names, saying which byte and where', () => {
    const latin1 = new Uint8Array([...utf8('metadata:\n  name: caf'), 0xe9, ...utf8('\n')]);
    const result = decodeText(latin1, '“x.yaml”');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain('“x.yaml” is not UTF-8 text: the byte 0xE9 at line 2, column 12');
      expect(result.message).toMatch(/Latin-1/);
    }
  });

  it('calls a binary file a binary file, and UTF-16 without a mark what it is', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    const result = decodeText(png, 'The file');
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.message).toMatch(/^The file is not a text file: it holds the byte 0x1A at line 2/);
    const bare16 = new Uint8Array([...'kind'].flatMap((c) => [c.charCodeAt(0), 0]));
    const r16 = decodeText(bare16, 'f');
    if (!r16.ok) expect(r16.message).toMatch(/UTF-16 text without a byte-order mark/);
    expect(r16.ok).toBe(false);
  });

  it('finds the first invalid UTF-8 sequence: overlong, surrogate, cut short', () => {
    expect(firstInvalidUtf8(utf8('ok ✓ 😀'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xe2, 0x9c]))).toBe(2);
  });
});
