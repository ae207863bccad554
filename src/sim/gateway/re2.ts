/**
 * Regular expressions as RE2 reads them, matched in linear time.
 *
 * Gateway API leaves `RegularExpression` matches to the implementation; Envoy (and so Envoy
 * Gateway) compiles them with RE2 and matches the whole value (a full match, not a search). A
 * pattern can come from a share link, so it must never be able to hang the page: it is parsed here
 * into a small program and run by a Pike VM (Thompson's construction, every thread advanced in
 * lock step), which visits each (instruction, position) pair at most once. A match therefore costs
 * at most `program size × (input length + 1)` steps, whatever the pattern; there is no
 * backtracking and the platform's RegExp is never given user input.
 *
 * The syntax is RE2's: literals, `.`, classes with ranges, negation and `[:alpha:]`-style names,
 * the Perl classes `\d \w \s` and their negations, `\b \B \A \z ^ $`, groups (capturing,
 * `(?:…)`, named `(?P<n>…)` / `(?<n>…)`), alternation, `* + ? {n} {n,} {n,m}` with lazy forms,
 * flags `i m s U`, `\Q…\E`, and `\x41` / `\x{263a}` / octal escapes. What RE2 itself rejects
 * (backreferences, lookaround, possessive quantifiers, `\Z`, repeats above 1000) is rejected with
 * the position. Unicode classes (`\pL`, `\p{Greek}`) are valid RE2 but not simulated: rejected too,
 * saying so.
 */

/** A compiled pattern, ready for {@link re2FullMatch}. */
export interface Re2Program {
  readonly pattern: string;
  /** instructions; their count bounds the work per input character */
  readonly size: number;
  readonly insts: readonly Inst[];
}

export type Re2Compiled =
  | { readonly ok: true; readonly program: Re2Program }
  | {
      readonly ok: false;
      readonly message: string;
      /** 0-based UTF-16 offset of the problem in the pattern */
      readonly index: number;
    };

/** RE2's limit on a counted repetition (`{n,m}` with n or m above 1000 is an error). */
export const RE2_MAX_REPEAT = 1000;
/** The largest program accepted, after counted repetitions are expanded (RE2 caps its memory too). */
export const RE2_MAX_PROGRAM = 20_000;

type Range = readonly [number, number];
type AssertKind = 'bol' | 'eol' | 'bot' | 'eot' | 'word' | 'nonword';

type Node =
  | { readonly t: 'empty' }
  | { readonly t: 'set'; readonly ranges: readonly Range[]; readonly neg: boolean; readonly fold: boolean }
  | { readonly t: 'cat'; readonly items: readonly Node[] }
  | { readonly t: 'alt'; readonly items: readonly Node[] }
  | { readonly t: 'rep'; readonly node: Node; readonly min: number; readonly max: number }
  | { readonly t: 'assert'; readonly kind: AssertKind };

type Inst =
  | { readonly op: 'set'; readonly ranges: readonly Range[]; readonly neg: boolean; readonly fold: boolean }
  | { readonly op: 'split'; x: number; y: number }
  | { readonly op: 'jmp'; x: number }
  | { readonly op: 'assert'; readonly kind: AssertKind }
  | { readonly op: 'match' };

const MAX_CODE_POINT = 0x10ffff;
const DIGIT: Range[] = [[0x30, 0x39]];
const WORD: Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
// RE2's \s is Perl's: tab, newline, form feed, carriage return and space (no vertical tab).
const SPACE: Range[] = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
];
const POSIX: Record<string, Range[]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: DIGIT,
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: WORD,
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

/** The complement of sorted, possibly overlapping ranges. */
function negate(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

class SyntaxError_ extends Error {
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.index = index;
  }
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

class Parser {
  private pos = 0;
  private readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  private fail(message: string, index = this.pos): never {
    throw new SyntaxError_(message, index);
  }

  private peek(): number | undefined {
    return this.src.codePointAt(this.pos);
  }

  private take(): number {
    const c = this.src.codePointAt(this.pos);
    if (c === undefined) this.fail('the pattern ends too early');
    this.pos += c > 0xffff ? 2 : 1;
    return c;
  }

  private lookingAt(text: string): boolean {
    return this.src.startsWith(text, this.pos);
  }

  parse(): Node {
    const node = this.alternation({ i: false, m: false, s: false }, 0);
    if (this.pos < this.src.length) this.fail('unexpected ) with no ( before it');
    return node;
  }

  private alternation(flags: Flags, depth: number): Node {
    if (depth > 1000) this.fail('the pattern nests groups too deeply');
    const items: Node[] = [this.concatenation(flags, depth)];
    while (this.peek() === 0x7c /* | */) {
      this.pos++;
      items.push(this.concatenation(flags, depth));
    }
    return items.length === 1 ? (items[0] as Node) : { t: 'alt', items };
  }

  private concatenation(flags: Flags, depth: number): Node {
    const items: Node[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === 0x7c || c === 0x29 /* ) */) break;
      const start = this.pos;
      let atom: Node | null;
      if (c === 0x28 /* ( */) atom = this.group(flags, depth);
      else atom = this.atom(flags);
      if (atom === null) continue; // a flag group such as (?i) changes flags and matches nothing
      items.push(this.repetition(atom, start));
    }
    if (items.length === 0) return { t: 'empty' };
    return items.length === 1 ? (items[0] as Node) : { t: 'cat', items };
  }

  private repetition(atom: Node, start: number): Node {
    let node = atom;
    let repeated = false;
    for (;;) {
      const at = this.pos;
      const c = this.peek();
      let min: number;
      let max: number;
      if (c === 0x2a /* * */) [min, max] = [0, -1];
      else if (c === 0x2b /* + */) [min, max] = [1, -1];
      else if (c === 0x3f /* ? */) [min, max] = [0, 1];
      else if (c === 0x7b /* { */) {
        const counted = this.counted();
        if (counted === null) return node; // RE2 reads a `{` that starts no repeat as a literal
        [min, max] = counted;
      } else return node;
      if (c !== 0x7b) this.pos++;
      if (repeated)
        this.fail(`bad repetition operator: ${this.src.slice(start, this.pos).slice(-2)} (a repeat of a repeat)`, at);
      repeated = true;
      // A lazy form (`*?`) matches the same strings; only which match is reported differs.
      if (this.peek() === 0x3f) this.pos++;
      if (this.peek() === 0x2b) this.fail('possessive repetition (such as a++) is not RE2 syntax', this.pos);
      node = { t: 'rep', node, min, max };
    }
    return node;
  }

  /** `{n}`, `{n,}` or `{n,m}` at the cursor (consumed), or null when the brace is a literal. */
  private counted(): [number, number] | null {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 24));
    if (!m) return null;
    const at = this.pos;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    if (min > RE2_MAX_REPEAT || max > RE2_MAX_REPEAT)
      this.fail(`bad repetition operator: ${m[0]} (RE2 allows at most ${RE2_MAX_REPEAT})`, at);
    if (max !== -1 && max < min) this.fail(`bad repetition operator: ${m[0]} (the maximum is below the minimum)`, at);
    this.pos += m[0].length;
    return [min, max];
  }

  private group(flags: Flags, depth: number): Node | null {
    const open = this.pos;
    this.pos++;
    if (this.peek() === 0x3f /* ? */) {
      this.pos++;
      if (this.lookingAt('P<') || this.lookingAt('<')) {
        if (this.lookingAt('<=') || this.lookingAt('<!')) this.fail('lookbehind (?<= or (?<! is not RE2 syntax', open);
        this.pos += this.lookingAt('P<') ? 2 : 1;
        const name = /^[A-Za-z0-9_]+>/.exec(this.src.slice(this.pos));
        if (!name) this.fail('invalid named capture group (use (?P<name>…) with letters, digits and _)', open);
        this.pos += name[0].length;
      } else if (this.lookingAt('=') || this.lookingAt('!')) {
        this.fail('lookahead (?= or (?! is not RE2 syntax', open);
      } else {
        // Flags: (?flags) for the rest of the group, (?flags:re) for re alone.
        const m = /^([imsU]*)(-([imsU]*))?([:)])/.exec(this.src.slice(this.pos));
        if (!m) this.fail('invalid or unsupported perl flags (RE2 knows i, m, s and U)', open);
        if (m[2] !== undefined && m[3] === '') this.fail('missing flags after - in the flag group', open);
        if (m[1] === '' && m[2] === undefined && m[4] === ')') this.fail('empty flag group (?)', open);
        const on = m[1] ?? '';
        const off = m[3] ?? '';
        const next: Flags = { ...flags };
        for (const f of on) if (f !== 'U') next[f as keyof Flags] = true;
        for (const f of off) if (f !== 'U') next[f as keyof Flags] = false;
        this.pos += m[0].length;
        if (m[4] === ')') {
          Object.assign(flags, next);
          return null;
        }
        return this.closeGroup(this.alternation(next, depth + 1), open);
      }
    }
    return this.closeGroup(this.alternation({ ...flags }, depth + 1), open);
  }

  private closeGroup(node: Node, open: number): Node {
    if (this.peek() !== 0x29) this.fail('missing closing ) for the group opened here', open);
    this.pos++;
    return node;
  }

  private atom(flags: Flags): Node {
    const at = this.pos;
    const c = this.take();
    switch (c) {
      case 0x2e /* . */:
        return { t: 'set', ranges: flags.s ? [[0, MAX_CODE_POINT]] : negate([[0x0a, 0x0a]]), neg: false, fold: false };
      case 0x5e /* ^ */:
        return { t: 'assert', kind: flags.m ? 'bol' : 'bot' };
      case 0x24 /* $ */:
        return { t: 'assert', kind: flags.m ? 'eol' : 'eot' };
      case 0x5b /* [ */:
        return this.charClass(flags, at);
      case 0x2a:
      case 0x2b:
      case 0x3f:
        return this.fail(`missing argument to repetition operator: ${String.fromCodePoint(c)}`, at);
      case 0x5c /* \ */:
        return this.escape(flags, at);
      default:
        return { t: 'set', ranges: [[c, c]], neg: false, fold: flags.i };
    }
  }

  /** After a backslash outside a class. */
  private escape(flags: Flags, at: number): Node {
    const c = this.peek();
    if (c === undefined) this.fail('trailing backslash at the end of the pattern', at);
    switch (c) {
      case 0x62 /* b */:
        this.pos++;
        return { t: 'assert', kind: 'word' };
      case 0x42 /* B */:
        this.pos++;
        return { t: 'assert', kind: 'nonword' };
      case 0x41 /* A */:
        this.pos++;
        return { t: 'assert', kind: 'bot' };
      case 0x7a /* z */:
        this.pos++;
        return { t: 'assert', kind: 'eot' };
      case 0x51 /* Q */: {
        this.pos++;
        const end = this.src.indexOf('\\E', this.pos);
        const text = this.src.slice(this.pos, end < 0 ? undefined : end);
        this.pos = end < 0 ? this.src.length : end + 2;
        const items: Node[] = Array.from(text, (ch) => {
          const cp = ch.codePointAt(0) as number;
          return { t: 'set', ranges: [[cp, cp]], neg: false, fold: flags.i };
        });
        return items.length === 1 ? (items[0] as Node) : { t: 'cat', items };
      }
      default: {
        const set = this.classEscape(at);
        return { t: 'set', ranges: set.ranges, neg: set.neg, fold: flags.i };
      }
    }
  }

  /** An escape that stands for characters (valid inside and outside a class), after the backslash. */
  private classEscape(at: number): { ranges: Range[]; neg: boolean } {
    const c = this.take();
    const one = (cp: number) => ({ ranges: [[cp, cp] as Range], neg: false });
    switch (c) {
      case 0x64 /* d */:
        return { ranges: DIGIT, neg: false };
      case 0x44:
        return { ranges: DIGIT, neg: true };
      case 0x77 /* w */:
        return { ranges: WORD, neg: false };
      case 0x57:
        return { ranges: WORD, neg: true };
      case 0x73 /* s */:
        return { ranges: SPACE, neg: false };
      case 0x53:
        return { ranges: SPACE, neg: true };
      case 0x6e /* n */:
        return one(0x0a);
      case 0x74 /* t */:
        return one(0x09);
      case 0x72 /* r */:
        return one(0x0d);
      case 0x66 /* f */:
        return one(0x0c);
      case 0x76 /* v */:
        return one(0x0b);
      case 0x61 /* a */:
        return one(0x07);
      case 0x78 /* x */: {
        const braced = /^\{([0-9A-Fa-f]{1,6})\}/.exec(this.src.slice(this.pos, this.pos + 9));
        const plain = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.pos, this.pos + 2));
        const hex = braced?.[1] ?? plain?.[0];
        if (hex === undefined) this.fail('invalid escape sequence: \\x needs two hex digits or \\x{…}', at);
        const cp = parseInt(hex, 16);
        if (cp > MAX_CODE_POINT) this.fail('invalid escape sequence: the code point is beyond Unicode', at);
        this.pos += (braced ?? plain)![0].length;
        return one(cp);
      }
      case 0x70 /* p */:
      case 0x50:
        return this.fail('Unicode classes (\\p, \\P) are valid RE2 but not simulated', at);
      case 0x43 /* C */:
        return this.fail('\\C (any byte) is not supported: it matches inside a UTF-8 character', at);
      default:
        break;
    }
    if (c === 0x30 || (c >= 0x31 && c <= 0x37 && this.octalFollows())) {
      // RE2 reads \0, \012 and \123 as octal; \1 alone would be a backreference.
      let value = c - 0x30;
      for (let n = 0; n < 2; n++) {
        const d = this.peek();
        if (d === undefined || d < 0x30 || d > 0x37) break;
        value = value * 8 + (d - 0x30);
        this.pos++;
      }
      return one(value);
    }
    if (c >= 0x31 && c <= 0x39) this.fail('backreferences (\\1 … \\9) are not RE2 syntax', at);
    // Any punctuation may be escaped to stand for itself; letters and digits may not.
    if (c < 0x80 && !/[0-9A-Za-z]/.test(String.fromCharCode(c))) return one(c);
    return this.fail(`invalid escape sequence: \\${String.fromCodePoint(c)}`, at);
  }

  private octalFollows(): boolean {
    const d = this.peek();
    return d !== undefined && d >= 0x30 && d <= 0x37;
  }

  private charClass(flags: Flags, open: number): Node {
    let neg = false;
    if (this.peek() === 0x5e) {
      neg = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('missing closing ] for the class opened here', open);
      // A `]` first in the class is a literal (RE2, like POSIX).
      if (c === 0x5d && !first) {
        this.pos++;
        break;
      }
      first = false;
      const at = this.pos;
      if (this.lookingAt('[:')) {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos, this.pos + 16));
        if (m) {
          const named = POSIX[m[2] as string];
          if (!named) this.fail(`invalid character class range: [:${m[2]}:]`, at);
          ranges.push(...(m[1] === '^' ? negate(named) : named));
          this.pos += m[0].length;
          continue;
        }
      }
      const lo = this.classChar(ranges);
      if (lo === null) continue;
      if (
        this.peek() === 0x2d /* - */ &&
        this.src.codePointAt(this.pos + 1) !== 0x5d &&
        this.pos + 1 < this.src.length
      ) {
        this.pos++;
        const hi = this.classChar(ranges);
        if (hi === null) this.fail('invalid character class range: a range cannot end in a class such as \\d', at);
        if (hi < lo) this.fail(`invalid character class range: ${this.src.slice(at, this.pos)}`, at);
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    return { t: 'set', ranges, neg, fold: flags.i };
  }

  /** One character of a class, or null when it was a Perl class (\d…) already added to `ranges`. */
  private classChar(ranges: Range[]): number | null {
    const at = this.pos;
    const c = this.take();
    if (c !== 0x5c) return c;
    const set = this.classEscape(at);
    const single = set.ranges[0];
    if (
      !set.neg &&
      set.ranges.length === 1 &&
      single &&
      single[0] === single[1] &&
      !/[dws]/i.test(this.src[at + 1] ?? '')
    )
      return single[0];
    ranges.push(...(set.neg ? negate(set.ranges) : set.ranges));
    return null;
  }
}

class Compiler {
  readonly insts: Inst[] = [];

  private emit(inst: Inst): number {
    if (this.insts.length >= RE2_MAX_PROGRAM)
      throw new SyntaxError_('the pattern is too large once its repeats are expanded', 0);
    this.insts.push(inst);
    return this.insts.length - 1;
  }

  compile(node: Node): void {
    switch (node.t) {
      case 'empty':
        return;
      case 'set':
        this.emit({ op: 'set', ranges: node.ranges, neg: node.neg, fold: node.fold });
        return;
      case 'assert':
        this.emit({ op: 'assert', kind: node.kind });
        return;
      case 'cat':
        for (const item of node.items) this.compile(item);
        return;
      case 'alt': {
        const jumps: Inst[] = [];
        node.items.forEach((item, i) => {
          if (i === node.items.length - 1) {
            this.compile(item);
            return;
          }
          const split = this.emit({ op: 'split', x: 0, y: 0 });
          (this.insts[split] as { x: number }).x = split + 1;
          this.compile(item);
          const jmp = this.emit({ op: 'jmp', x: 0 });
          jumps.push(this.insts[jmp] as Inst);
          (this.insts[split] as { y: number }).y = this.insts.length;
        });
        for (const j of jumps) (j as { x: number }).x = this.insts.length;
        return;
      }
      case 'rep': {
        for (let i = 0; i < node.min; i++) this.compile(node.node);
        if (node.max === -1) {
          // x*: L1: split L2, L3; L2: x; jmp L1; L3:
          const split = this.emit({ op: 'split', x: 0, y: 0 });
          (this.insts[split] as { x: number }).x = split + 1;
          this.compile(node.node);
          this.emit({ op: 'jmp', x: split });
          (this.insts[split] as { y: number }).y = this.insts.length;
          return;
        }
        // x{0,k} as nested options: (x(x(x)?)?)?
        const splits: number[] = [];
        for (let i = node.min; i < node.max; i++) {
          const split = this.emit({ op: 'split', x: 0, y: 0 });
          (this.insts[split] as { x: number }).x = split + 1;
          splits.push(split);
          this.compile(node.node);
        }
        for (const s of splits) (this.insts[s] as { y: number }).y = this.insts.length;
        return;
      }
    }
  }
}

/**
 * Parses and compiles an RE2 pattern.
 *
 * @example
 * const r = compileRe2('/v[0-9]+/.*');
 * if (r.ok) re2FullMatch(r.program, '/v2/users').matched; // true
 */
export function compileRe2(pattern: string): Re2Compiled {
  try {
    const node = new Parser(pattern).parse();
    const compiler = new Compiler();
    compiler.compile(node);
    compiler.insts.push({ op: 'match' });
    return { ok: true, program: { pattern, size: compiler.insts.length, insts: compiler.insts } };
  } catch (error) {
    if (error instanceof SyntaxError_) return { ok: false, message: error.message, index: error.index };
    throw error;
  }
}

function isWord(c: number | undefined): boolean {
  return (
    c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x61 && c <= 0x7a))
  );
}

function inRanges(ranges: readonly Range[], c: number): boolean {
  for (const [lo, hi] of ranges) if (c >= lo && c <= hi) return true;
  return false;
}

function setMatches(inst: Extract<Inst, { op: 'set' }>, c: number): boolean {
  let hit = inRanges(inst.ranges, c);
  if (!hit && inst.fold) {
    const ch = String.fromCodePoint(c);
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    // Only simple (one code point) case mappings, as RE2's folding.
    if (lower.length === ch.length) hit = inRanges(inst.ranges, lower.codePointAt(0) as number);
    if (!hit && upper.length === ch.length) hit = inRanges(inst.ranges, upper.codePointAt(0) as number);
  }
  return hit !== inst.neg;
}

export interface Re2MatchResult {
  readonly matched: boolean;
  /** threads visited plus characters tested: at most size × (length + 1) × 2 */
  readonly steps: number;
}

/**
 * Whether the whole input matches (RE2::FullMatch, what Envoy's `safe_regex` does), by a Pike VM.
 */
export function re2FullMatch(program: Re2Program, input: string): Re2MatchResult {
  const text = Array.from(input, (ch) => ch.codePointAt(0) as number);
  const { insts } = program;
  const seen = new Int32Array(insts.length).fill(-1);
  let current: number[] = [];
  let next: number[] = [];
  let steps = 0;
  const stack: number[] = [];

  const assertHolds = (kind: AssertKind, i: number): boolean => {
    const before = text[i - 1];
    const after = text[i];
    switch (kind) {
      case 'bot':
        return i === 0;
      case 'eot':
        return i === text.length;
      case 'bol':
        return i === 0 || before === 0x0a;
      case 'eol':
        return i === text.length || after === 0x0a;
      case 'word':
        return isWord(before) !== isWord(after);
      case 'nonword':
        return isWord(before) === isWord(after);
    }
  };

  /** Follows jumps, splits and assertions from pc at position i, adding the threads that read. */
  const add = (list: number[], start: number, i: number, generation: number): void => {
    stack.push(start);
    while (stack.length > 0) {
      const pc = stack.pop() as number;
      if (seen[pc] === generation) continue;
      seen[pc] = generation;
      steps++;
      const inst = insts[pc] as Inst;
      switch (inst.op) {
        case 'jmp':
          stack.push(inst.x);
          break;
        case 'split':
          stack.push(inst.y, inst.x);
          break;
        case 'assert':
          if (assertHolds(inst.kind, i)) stack.push(pc + 1);
          break;
        default:
          list.push(pc);
      }
    }
  };

  add(current, 0, 0, 0);
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as number;
    next.length = 0;
    for (const pc of current) {
      steps++;
      const inst = insts[pc] as Inst;
      if (inst.op === 'set' && setMatches(inst, c)) add(next, pc + 1, i + 1, i + 1);
    }
    [current, next] = [next, current];
    if (current.length === 0) return { matched: false, steps };
  }
  return { matched: current.some((pc) => insts[pc]?.op === 'match'), steps };
}
