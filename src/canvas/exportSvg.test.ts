import { describe, expect, it } from 'vitest';
import { escapeXml } from './exportSvg';

describe('text in the exported SVG', () => {
  it('is never markup', () => {
    expect(escapeXml('"><svg onload=alert(1)>')).toBe('&quot;&gt;&lt;svg onload=alert(1)&gt;');
    expect(escapeXml("<img src=x onerror='x'>&")).toBe('&lt;img src=x onerror=&apos;x&apos;&gt;&amp;');
  });

  it('writes out characters XML cannot hold, so the file stays well-formed', () => {
    expect(escapeXml('web\u0007bell')).toBe('web&lt;U+0007&gt;bell');
    expect(escapeXml('a\u0000b\uffff')).toBe('a&lt;U+0000&gt;b&lt;U+FFFF&gt;');
    expect(escapeXml('lone \ud800 surrogate')).toBe('lone &lt;U+D800&gt; surrogate');
    // tab, newline, CR and real astral characters are fine
    expect(escapeXml('a\tb\nc\rd 😀')).toBe('a\tb\nc\rd 😀');
  });
});
