/**
 * From text to Kubernetes objects: YAML streams (many documents) and JSON (one object, an array or a
 * `kind: List`), within the input limits, with every object able to place its fields in the text.
 *
 * YAML goes through the `yaml` package's lexer, parser and composer driven step by step, so that the
 * nesting limit is checked on the parser's own stack before anything deep is built (its parser slows
 * down sharply on deep nesting and its composer recurses). JSON goes through JSON.parse.
 */
import { Composer, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, visit } from 'yaml';
import type { Alias, Document, Node as YamlNode } from 'yaml';
import { formatBytes, formatCount } from '../model/format';
export { formatBytes };
import { locateJson } from './jsonLocate';
import type { ImportLimits } from './limits';
import { lineStartsOf, positionAt } from './problems';
import type { Path, Position, Problems, RawObject } from './problems';
import type { ImportProblem } from './types';

/** Where parse problems go: the import's Problems, or a buffer while a reading is on trial. */
type Sink = Pick<Problems, 'add'>;

/** Budgets shared by all sources of one import. */
export interface ParseBudget {
  readonly limits: ImportLimits;
  objects: number;
}

/** UTF-8 length of a text, without TextEncoder (src/sim has no DOM or Node types). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deepest nesting of maps and lists in a JSON value, counted without recursion and stopping at `limit + 1`. */
function depthExceeding(value: unknown, limit: number): Path | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const top = stack.pop() as { value: unknown; path: (string | number)[] };
    if (typeof top.value !== 'object' || top.value === null) continue;
    if (top.path.length >= limit) return top.path;
    if (Array.isArray(top.value)) top.value.forEach((v, i) => stack.push({ value: v, path: [...top.path, i] }));
    else
      for (const key of Object.keys(top.value))
        stack.push({ value: (top.value as Record<string, unknown>)[key], path: [...top.path, key] });
  }
  return null;
}

/** Spreads a document's value into Kubernetes objects: `kind: List` and `XList` items, or an array. */
function flatten(
  value: unknown,
  source: string,
  at: (path: Path) => Position | undefined,
  budget: ParseBudget,
  problems: Sink,
  out: RawObject[],
): boolean {
  const push = (item: unknown, prefix: Path): boolean => {
    if (item === null || item === undefined) return true;
    budget.objects++;
    if (budget.objects > budget.limits.maxObjects) {
      const pos = at(prefix);
      problems.add({
        severity: 'error',
        source,
        ...pos,
        message: `The input holds more than ${formatCount(budget.limits.maxObjects)} Kubernetes objects (the limit is MAX_OBJECTS); split it or leave out what the visualizer does not need.`,
      });
      return false;
    }
    if (!isRecord(item)) {
      const pos = at(prefix);
      problems.add({
        severity: 'error',
        source,
        ...pos,
        message: `Expected a Kubernetes object (a map with apiVersion and kind), found ${Array.isArray(item) ? 'a list' : typeof item}.`,
      });
      return true;
    }
    out.push({ value: item, source, locate: (path) => at([...prefix, ...path]) });
    return true;
  };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!push(value[i], [i])) return false;
    return true;
  }
  if (
    isRecord(value) &&
    typeof value['kind'] === 'string' &&
    value['kind'].endsWith('List') &&
    Array.isArray(value['items'])
  ) {
    // `kubectl get -o json` prints `kind: List`; the raw API prints `PodList` whose items carry no
    // kind or apiVersion, which the list's own kind and apiVersion imply.
    const itemKind = value['kind'] === 'List' ? null : value['kind'].slice(0, -'List'.length);
    const items = value['items'] as unknown[];
    for (let i = 0; i < items.length; i++) {
      let item = items[i];
      if (itemKind && isRecord(item) && item['kind'] === undefined)
        item = { kind: itemKind, apiVersion: value['apiVersion'], ...item };
      if (!push(item, ['items', i])) return false;
    }
    return true;
  }
  return push(value, []);
}

/** Where a JSON.parse error happened, from its message (V8: `position N`, Firefox: `line L column C`). */
function jsonErrorPosition(message: string, lineStarts: readonly number[]): Position | undefined {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (pos) return positionAt(lineStarts, Number(pos[1]));
  return undefined;
}

function parseJson(
  text: string,
  source: string,
  budget: ParseBudget,
  problems: Sink,
  out: RawObject[],
): 'ok' | 'invalid' | 'fatal' {
  let value: unknown;
  let lineStarts: number[] | null = null;
  const starts = (): number[] => (lineStarts ??= lineStartsOf(text));
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.add({
      severity: 'error',
      source,
      ...jsonErrorPosition(message, starts()),
      message: `Invalid JSON: ${message}`,
    });
    return 'invalid';
  }
  const at = (path: Path): Position | undefined => {
    const offset = locateJson(text, path);
    return offset === null ? undefined : positionAt(starts(), offset);
  };
  const deep = depthExceeding(value, budget.limits.maxDepth);
  if (deep) {
    problems.add({
      severity: 'error',
      source,
      ...at(deep),
      message: `The input nests maps and lists more than ${budget.limits.maxDepth} levels deep (the limit is MAX_DEPTH).`,
    });
    return 'fatal';
  }
  return flatten(value, source, at, budget, problems, out) ? 'ok' : 'fatal';
}

/** The YAML node at a path, or the nearest ancestor that exists. */
function nodeAt(doc: Document.Parsed, path: Path): YamlNode | null {
  let node: unknown = doc.contents;
  let found = node as YamlNode | null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) break;
    } else break;
    found = node as YamlNode;
    if (isAlias(node)) break;
  }
  return found;
}

export interface YamlDocs {
  docs: Document.Parsed[];
  lineCounter: LineCounter;
  /** set when a limit stopped the parse */
  fatal?: { message: string; position: Position };
}

/**
 * Parses a YAML stream within the nesting and object limits. The parser's stack is the nesting of
 * the construct being read, so checking it after each token stops a deep input after at most
 * `maxDepth` levels.
 */
export function parseYamlStream(
  text: string,
  limits: ImportLimits,
  maxDocs: number,
  onDoc?: (doc: Document.Parsed, index: number) => void,
): YamlDocs {
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  // Documents are composed as soon as the parser finishes them, so the syntax tree of one document
  // is garbage before the next is read (holding all of it made the garbage collector the hot spot).
  const composer = new Composer({ merge: true, prettyErrors: false });
  const docs: Document.Parsed[] = [];
  let count = 0;
  // With a callback, documents are handed over and not kept: the caller decides what to hold.
  const take = (doc: Document.Parsed): void => {
    if (onDoc) onDoc(doc, count);
    else docs.push(doc);
    count++;
  };
  const fail = (message: string): YamlDocs => ({
    docs: [],
    lineCounter,
    fatal: { message, position: toPosition(lineCounter, parser.offset) },
  });
  const tooMany = (): YamlDocs =>
    fail(
      `The input holds more than ${formatCount(limits.maxObjects)} Kubernetes objects (the limit is MAX_OBJECTS); split it or leave out what the visualizer does not need.`,
    );
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) {
      for (const doc of composer.next(token)) {
        if (count >= maxDocs) return tooMany();
        take(doc);
      }
    }
    if (parser.stack.length > limits.maxDepth) {
      return fail(`The input nests maps and lists more than ${limits.maxDepth} levels deep (the limit is MAX_DEPTH).`);
    }
  }
  const rest = [...parser.end()].flatMap((token) => [...composer.next(token)]);
  rest.push(...composer.end(true, text.length));
  if (count + rest.length > maxDocs) return tooMany();
  rest.forEach(take);
  return { docs, lineCounter };
}

export function toPosition(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * An alias inside the very node its anchor names (`a: &x { b: *x }`): the value would contain
 * itself. The `yaml` package builds such a value as a cyclic object, which breaks everything that
 * walks it later (the share link's JSON, to begin with). Aliases point only to anchors defined
 * before them, so a loop always runs through an ancestor of the alias.
 */
export function selfReference(doc: Document.Parsed): Alias | null {
  let found: Alias | null = null;
  visit(doc, {
    Alias(_key, node, path) {
      const target = node.resolve(doc);
      if (target && path.includes(target)) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The plain value of a composed document, or the reason it has none. */
export function yamlValue(
  doc: Document.Parsed,
  limits: ImportLimits,
  mayHaveAliases = true,
): { value: unknown } | { error: string; aliasLimit: boolean; offset?: number } {
  const cycle = mayHaveAliases ? selfReference(doc) : null;
  if (cycle) {
    const error = `The YAML alias *${cycle.source} refers to a map or list that contains it: a loop no Kubernetes object can hold. Copy the part it should repeat instead.`;
    return cycle.range ? { error, aliasLimit: false, offset: cycle.range[0] } : { error, aliasLimit: false };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: limits.maxYamlAliases }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias count/i.test(message)) {
      return {
        error: `YAML aliases expand beyond the limit of ${formatCount(limits.maxYamlAliases)} (MAX_YAML_ALIASES): this looks like an alias bomb.`,
        aliasLimit: true,
      };
    }
    const text = `Cannot read this YAML document: ${message}`;
    // an alias to an anchor that does not exist (yet): point at the alias, not at the document
    let unresolved: Alias | null = null;
    if (/unresolved alias/i.test(message))
      visit(doc, {
        Alias(_key, node) {
          if (node.resolve(doc)) return undefined;
          unresolved = node;
          return visit.BREAK;
        },
      });
    const range = (unresolved as Alias | null)?.range;
    return range ? { error: text, aliasLimit: false, offset: range[0] } : { error: text, aliasLimit: false };
  }
}

function parseYaml(
  text: string,
  source: string,
  budget: ParseBudget,
  problems: Sink,
  out: RawObject[],
): 'ok' | 'invalid' | 'fatal' {
  const remaining = budget.limits.maxObjects - budget.objects;
  // The composed documents are not kept (a large input's trees kept alive made garbage collection
  // the main cost); placing a field in the text parses the source again, which only problems need.
  let reparsed: Document.Parsed[] | null = null;
  const docAt = (index: number): Document.Parsed | undefined =>
    (reparsed ??= parseYamlStream(text, budget.limits, Infinity).docs)[index];
  let result: 'ok' | 'invalid' | 'fatal' = 'ok';
  const mayHaveAliases = text.includes('*');
  const onDoc = (doc: Document.Parsed, index: number): void => {
    if (result === 'fatal') return;
    for (const warning of doc.warnings) {
      problems.add({ severity: 'warning', source, ...offsetPosition(text, warning.pos[0]), message: warning.message });
    }
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        problems.add({
          severity: 'error',
          source,
          ...offsetPosition(text, error.pos[0]),
          message: `Invalid YAML: ${error.message}`,
        });
      }
      result = 'invalid';
      return;
    }
    // an alias is written `*name`: text without a `*` has none, and needs no walk looking for loops
    const read = yamlValue(doc, budget.limits, mayHaveAliases);
    const startOffset = doc.range[0];
    if ('error' in read) {
      problems.add({
        severity: 'error',
        source,
        ...offsetPosition(text, read.offset ?? startOffset),
        message: read.error,
      });
      result = read.aliasLimit ? 'fatal' : 'invalid';
      return;
    }
    const at = (path: Path): Position | undefined => {
      const again = docAt(index);
      const node = again ? nodeAt(again, path) : null;
      return offsetPosition(text, node?.range ? node.range[0] : startOffset);
    };
    if (!flatten(read.value, source, at, budget, problems, out)) result = 'fatal';
  };
  const { fatal } = parseYamlStream(text, budget.limits, remaining, onDoc);
  if (fatal) {
    problems.add({ severity: 'error', source, ...fatal.position, message: fatal.message });
    return 'fatal';
  }
  return result;
}

/** Line and column of an offset, counted on demand (problems are few; lines of big inputs many). */
function offsetPosition(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Reads the objects of one source. JSON is recognised by its first character; text that is not
 * valid JSON but was not named `.json` is read as YAML (a YAML flow map also starts with `{`).
 */
export function parseSource(
  text: string,
  source: string,
  budget: ParseBudget,
  problems: Sink,
  out: RawObject[],
): 'ok' | 'invalid' | 'fatal' {
  const first = /\S/.exec(text.charCodeAt(0) === 0xfeff ? text.slice(1, 4096) : text.slice(0, 4096));
  const looksJson = first !== null && (first[0] === '{' || first[0] === '[');
  if (looksJson) {
    const isJsonFile = /\.json$/i.test(source);
    const scratch: RawObject[] = [];
    const trial = isJsonFile ? problems : new ProblemBuffer(problems);
    const before = budget.objects;
    const result = parseJson(text, source, budget, trial, scratch);
    if (result !== 'invalid' || isJsonFile) {
      if (trial instanceof ProblemBuffer) trial.flush();
      out.push(...scratch);
      return result;
    }
    budget.objects = before;
  }
  return parseYaml(text, source, budget, problems, out);
}

/** Holds problems back until we know the JSON reading is the one that counts. */
class ProblemBuffer implements Sink {
  private held: ImportProblem[] = [];
  private readonly target: Sink;
  constructor(target: Sink) {
    this.target = target;
  }
  add(problem: ImportProblem): void {
    this.held.push(problem);
  }
  flush(): void {
    for (const p of this.held) this.target.add(p);
  }
}
