import { describe, expect, it } from 'vitest';
import { escapeEncoded, escapeText } from './escape';
import { shorten, wrap } from './format';

describe('escapeText', () => {
  it('shows control characters, C1 controls, bidi and zero-width marks as escapes', () => {
    expect(escapeText('a\u001b[2Jb\u0007c\u009bd\u202ee\u200bf\ufeffg')).toBe(
      'a\\x1b[2Jb\\x07c\\x9bd\\u202ee\\u200bf\\ufeffg',
    );
    expect(escapeText('one\ntwo\ttab')).toBe('one\\x0atwo\\x09tab');
    expect(escapeText('one\ntwo', true)).toBe('one\ntwo');
  });

  it('leaves printable text, accents and CJK alone, and is idempotent', () => {
    const text = 'café 東京 pod/default/web-1 -> 10.0.0.1:80';
    expect(escapeText(text)).toBe(text);
    const once = escapeText('x\u001by');
    expect(escapeText(once)).toBe(once);
  });
});

describe('escapeEncoded', () => {
  it('keeps JSON the same data', () => {
    const value = { name: 'evil\u001b]0;t\u0007\u009b\u202e\u2028' };
    const json = escapeEncoded(JSON.stringify(value, null, 2));
    // eslint-disable-next-line no-control-regex
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u202e]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('shorten', () => {
  it('cuts in the middle to exactly the width', () => {
    expect(shorten('container/kube-system/coredns-abc-xyz/coredns', 20)).toBe('container/…z/coredns');
    expect([...shorten('container/kube-system/coredns-abc-xyz/coredns', 20)]).toHaveLength(20);
    expect(shorten('short', 20)).toBe('short');
  });
});

describe('wrap', () => {
  it('breaks at spaces, indents continuations, cuts words longer than a line', () => {
    expect(wrap('aaa bbb ccc ddd', 8)).toEqual(['aaa bbb', '    ccc', '    ddd']);
    expect(wrap('short', 8)).toEqual(['short']);
    expect(wrap('x'.repeat(20), 8)).toEqual(['xxxxxxxx', '    xxxx', '    xxxx', '    xxxx']);
    for (const line of wrap(`verdict: ${'word '.repeat(60)}${'z'.repeat(150)}`, 100))
      expect(line.length).toBeLessThanOrEqual(100);
  });
});
