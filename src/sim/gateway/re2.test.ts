import { describe, expect, it } from 'vitest';
import { compileRe2, re2FullMatch } from './re2';

const full = (pattern: string, input: string): boolean => {
  const r = compileRe2(pattern);
  if (!r.ok) throw new Error(`${pattern}: ${r.message} at ${r.index}`);
  return re2FullMatch(r.program, input).matched;
};

describe('compileRe2 + re2FullMatch', () => {
  it.each([
    ['/v[0-9]+/.*', '/v2/users', true],
    ['/v[0-9]+/.*', '/v2', false],
    ['/v[0-9]+/.*', 'x/v2/', false], // a full match, never a search
    ['/(foo|bar)/?', '/bar/', true],
    ['/(foo|bar)/?', '/baz', false],
    ['a{2,3}', 'aaa', true],
    ['a{2,3}', 'aaaa', false],
    ['a{2,}', 'aaaaaa', true],
    ['a{2}', 'a', false],
    ['[^/]+', 'abc', true],
    ['[^/]+', 'a/c', false],
    ['[]a]+', ']a]', true],
    ['[a-c-]+', 'b-a', true],
    ['\\d+\\.\\d+', '12.5', true],
    ['\\w+', 'a_1', true],
    ['\\s', '\t', true],
    ['\\S+', 'a b', false],
    ['[[:alpha:]]+', 'Hello', true],
    ['[[:^digit:]]+', 'abc1', false],
    ['(?i)/API/.*', '/api/x', true],
    ['/api/(?i:X)y', '/api/xy', true],
    ['/api/(?i:X)y', '/api/xY', false],
    ['.', '\n', false],
    ['(?s).', '\n', true],
    ['^/a$', '/a', true],
    ['\\bfoo\\b.*', 'foo bar', true],
    ['\\Qa.b\\E', 'a.b', true],
    ['\\Qa.b\\E', 'axb', false],
    ['\\x41\\x{263a}', 'A☺', true],
    ['(?P<v>[0-9])x', '1x', true],
    ['a*?b', 'aab', true],
    ['', '', true],
    ['a|', '', true],
    ['x{', 'x{', true], // a brace that starts no repeat is a literal
    ['(a*)*', 'aaaa', true],
    ['.*\\.(css|js)', '/static/app.js', true],
  ])('%s on %s is %s', (pattern, input, expected) => {
    expect(full(pattern, input)).toBe(expected);
  });

  it.each([
    ['(a', 'missing closing )', 0],
    ['a)', 'unexpected )', 1],
    ['*a', 'missing argument to repetition operator', 0],
    ['a**', 'bad repetition operator', 2],
    ['a++', 'possessive', 2],
    ['[a', 'missing closing ]', 0],
    ['[z-a]', 'invalid character class range', 1],
    ['(a)\\1', 'backreferences', 3],
    ['(?=a)', 'lookahead', 0],
    ['(?<=a)b', 'lookbehind', 0],
    ['a{1001}', 'at most 1000', 1],
    ['a{3,2}', 'below the minimum', 1],
    ['\\pL', 'Unicode classes', 0],
    ['ab\\', 'trailing backslash', 2],
    ['\\Z', 'invalid escape', 0],
    ['(?x)a', 'perl flags', 0],
    ['[[:foo:]]', 'invalid character class range', 1],
  ])('rejects %s (%s at %i)', (pattern, message, index) => {
    const r = compileRe2(pattern);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain(message);
    expect(r.index).toBe(index);
  });

  it('rejects a pattern that expands past the program limit', () => {
    const r = compileRe2('((a{1000}){1000})');
    expect(r.ok || r.message).toMatch(/too large/);
  });

  it('matches (a+)+$ against a long non-matching input in linear steps', () => {
    const r = compileRe2('(a+)+$');
    if (!r.ok) throw new Error(r.message);
    const n = 100_000;
    const result = re2FullMatch(r.program, `${'a'.repeat(n)}!`);
    expect(result.matched).toBe(false);
    // A backtracking engine takes about 2^n steps here; the Pike VM at most 2 × size per character.
    expect(result.steps).toBeLessThanOrEqual(2 * r.program.size * (n + 2));
    expect(re2FullMatch(r.program, 'a'.repeat(n)).matched).toBe(true);
  });

  it('keeps (x+x+)+y and nested counted repeats linear too', () => {
    for (const pattern of ['(x+x+)+y', '(a|aa)*b', '(a?){30}a{30}', '(.*a){12}']) {
      const r = compileRe2(pattern);
      if (!r.ok) throw new Error(r.message);
      for (const n of [1_000, 4_000]) {
        const result = re2FullMatch(r.program, 'a'.repeat(n).replace(/a/g, pattern.startsWith('(x') ? 'x' : 'a'));
        expect(result.steps).toBeLessThanOrEqual(2 * r.program.size * (n + 2));
      }
    }
  });
});
