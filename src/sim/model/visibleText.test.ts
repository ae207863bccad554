import { describe, expect, it } from 'vitest';
import { describeChar, findHidden, visibleText } from './format';

describe('untrusted text in messages', () => {
  it('writes out bidi overrides, zero-width and control characters instead of obeying them', () => {
    expect(visibleText('abc\u202Egnp.exe')).toBe('abc<U+202E>gnp.exe');
    expect(visibleText('we\u200Bb\u0007')).toBe('we<U+200B>b<U+0007>');
    expect(visibleText('\u2066x\u2069')).toBe('<U+2066>x<U+2069>');
    expect(visibleText('plain café 😀')).toBe('plain café 😀');
  });

  it('cuts long text', () => {
    expect(visibleText('x'.repeat(300), 10)).toBe('xxxxxxxxxx…');
  });

  it('names what it found', () => {
    expect(findHidden('ab\u202Ec')).toEqual({ char: '\u202E', index: 2 });
    expect(findHidden('tab\there\nnewline')).toBeNull();
    expect(describeChar('\u202E')).toBe('U+202E (RIGHT-TO-LEFT OVERRIDE)');
    expect(describeChar('\u0001')).toBe('U+0001 (a control character)');
  });
});
