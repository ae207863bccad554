import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeText, invalidUtf8At, readSources } from './input';

describe('invalidUtf8At', () => {
  it('accepts UTF-8 and finds the first byte that is not', () => {
    expect(invalidUtf8At(Buffer.from('café 東京 😀'))).toBe(-1);
    expect(invalidUtf8At(Buffer.from([0x61, 0xe9, 0x62]))).toBe(1);
    // overlong '/', a UTF-16 surrogate, a truncated sequence, past U+10FFFF
    expect(invalidUtf8At(Buffer.from([0xc0, 0xaf]))).toBe(0);
    expect(invalidUtf8At(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1);
    expect(invalidUtf8At(Buffer.from([0x61, 0x62, 0xe6, 0x9d]))).toBe(2);
    expect(invalidUtf8At(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
  });
});

describe('decodeText', () => {
  it('reads UTF-8 and UTF-16 with a byte-order mark', () => {
    expect(decodeText(Buffer.from('kind: Pod\n'), 'f')).toBe('kind: Pod\n');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kind: Pod\n', 'utf16le')]);
    expect(decodeText(utf16, 'f')).toBe('kind: Pod\n');
  });

  it('names the line and column of the first byte that is not text', () => {
    expect(() => decodeText(Buffer.from('a: 1\nname: caf\xe9\n', 'latin1'), 'x.yaml')).toThrow(
      'x.yaml:2:10: byte 0xe9 is not UTF-8 text; save the file as UTF-8',
    );
    expect(() => decodeText(Buffer.from('a: ünï\nb\u0000', 'utf8'), 'x.yaml')).toThrow(/^x\.yaml:2:2: a NUL byte/);
  });
});

describe('readSources', () => {
  it('stops reading stdin at the limit', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled += 1024;
        this.push(Buffer.alloc(1024, 0x61));
      },
    });
    await expect(readSources(['-'], { stdin: endless, limit: 64 * 1024 })).rejects.toThrow(
      /<stdin>: the input is more than/,
    );
    expect(pulled).toBeLessThan(200 * 1024);
  });

  it('counts the limit over all sources', async () => {
    await expect(readSources(['-'], { stdin: Readable.from([Buffer.from('kind: Pod\n')]), limit: 4 })).rejects.toThrow(
      /more than/,
    );
    expect(await readSources(['-'], { stdin: Readable.from([Buffer.from('kind: Pod\n')]), limit: 100 })).toEqual([
      { name: '<stdin>', text: 'kind: Pod\n' },
    ]);
  });
});
