/**
 * Collecting import problems: each one names its source, and where possible the object, the field
 * and the line and column. Locating a field costs a walk of the document, so it happens only when a
 * problem is reported, and reports are capped (MAX_REPORTED_PROBLEMS).
 */
import { MAX_REPORTED_PROBLEMS } from './limits';
import type { ImportProblem } from './types';

/** A field path inside an object: `['spec', 'ports', 0, 'port']`. */
export type Path = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/** One Kubernetes object as read from the input, with the means to place its fields in the text. */
export interface RawObject {
  readonly value: Record<string, unknown>;
  /** the name of the source it came from */
  readonly source: string;
  /** 1-based line and column of a field of this object (the nearest existing ancestor if absent) */
  locate(path: Path): Position | undefined;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `['spec', 'ports', 0, 'port']` -> `spec.ports[0].port`; odd keys (label names) are quoted. */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** `spec.ports[0].port` -> `['spec', 'ports', 0, 'port']` (the inverse of formatPath for plain keys). */
export function parsePath(text: string): Path {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return out;
}

/** Line and column (1-based) of an offset, from a sorted table of line-start offsets. */
export function positionAt(lineStarts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (lineStarts[lo] as number) + 1 };
}

/** Offsets where each line of a text starts. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export class Problems {
  readonly errors: ImportProblem[] = [];
  readonly warnings: ImportProblem[] = [];
  private dropped = { error: 0, warning: 0 };

  add(problem: ImportProblem): void {
    const list = problem.severity === 'error' ? this.errors : this.warnings;
    if (list.length >= MAX_REPORTED_PROBLEMS) {
      this.dropped[problem.severity]++;
      return;
    }
    list.push(problem);
  }

  /** A problem about a field of an object, placed in the text when the field can be found. */
  at(severity: ImportProblem['severity'], object: RawObject, label: string, path: Path, message: string): void {
    const list = severity === 'error' ? this.errors : this.warnings;
    if (list.length >= MAX_REPORTED_PROBLEMS) {
      this.dropped[severity]++;
      return;
    }
    const problem: ImportProblem = { severity, message, source: object.source, object: label };
    if (path.length > 0) problem.field = formatPath(path);
    const position = object.locate(path);
    if (position) {
      problem.line = position.line;
      problem.column = position.column;
    }
    list.push(problem);
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  /** The lists, each ending with a count of what the cap left out. */
  finish(): { errors: ImportProblem[]; warnings: ImportProblem[] } {
    const summary = (severity: 'error' | 'warning', list: ImportProblem[]): ImportProblem[] =>
      this.dropped[severity] > 0
        ? [
            ...list,
            {
              severity,
              source: list[0]?.source ?? '',
              message: `${this.dropped[severity]} more ${severity}s not shown`,
            },
          ]
        : list;
    return { errors: summary('error', this.errors), warnings: summary('warning', this.warnings) };
  }
}
