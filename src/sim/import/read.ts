/**
 * Typed, defensive reads of fields of an untrusted object. A field of the wrong type is an error
 * naming the object and the field path, as the API server's decoding would reject it; absent
 * optional fields are simply undefined. Only own properties are read, so keys such as
 * `constructor` or `__proto__` in the input never reach the prototype.
 */
import { describeChar, findHidden, visibleText } from '../model/format';
import { parseCidr, parseIPv4 } from '../model/ip';
import type { Path, Problems, RawObject } from './problems';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(value: unknown, key: string | number): unknown {
  if (Array.isArray(value)) return typeof key === 'number' ? value[key] : undefined;
  if (isRecord(value) && typeof key === 'string' && Object.hasOwn(value, key)) return value[key];
  return undefined;
}

/** The value at a path, or undefined when any step is missing. */
export function getPath(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) {
    current = own(current, segment);
    if (current === undefined) return undefined;
  }
  return current;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string')
    return `the string ${visibleText(JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value), 60)}`;
  return `${typeof value} ${String(value)}`;
}

/** Reads the fields of one object, reporting problems against it. */
export class Fields {
  readonly object: RawObject;
  readonly label: string;
  readonly problems: Problems;
  /** set once an error was reported for this object */
  failed = false;

  constructor(object: RawObject, label: string, problems: Problems) {
    this.object = object;
    this.label = label;
    this.problems = problems;
  }

  error(path: Path, message: string): void {
    this.failed = true;
    this.problems.at('error', this.object, this.label, path, message);
  }

  warn(path: Path, message: string): void {
    this.problems.at('warning', this.object, this.label, path, message);
  }

  get(path: Path): unknown {
    return getPath(this.object.value, path);
  }

  /** null and absent both mean "not given", as in the API. */
  private present(path: Path): unknown {
    const value = this.get(path);
    return value === null ? undefined : value;
  }

  str(path: Path, required = false): string | undefined {
    const value = this.present(path);
    if (value === undefined) {
      if (required) this.error(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.error(path, `must be a string, not ${describe(value)}`);
      return undefined;
    }
    return this.shown(path, value) ? value : undefined;
  }

  /**
   * Whether a string can be shown as it is: one holding a control, zero-width or bidi character
   * (names that display reversed or hide a part, a control character that breaks the SVG export)
   * is an error naming the character and where it is.
   */
  private shown(path: Path, value: string, what = 'the value'): boolean {
    const hidden = findHidden(value);
    if (!hidden) return true;
    this.error(
      path,
      `${what} holds ${describeChar(hidden.char)} at character ${hidden.index + 1}, which would hide or reorder text on screen; remove it`,
    );
    return false;
  }

  /** A string from a fixed set; anything else is an error listing the allowed values. */
  oneOf<T extends string>(path: Path, allowed: readonly T[]): T | undefined {
    const value = this.str(path);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      this.error(path, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, not ${describe(value)}`);
      return undefined;
    }
    return value as T;
  }

  int(path: Path, min: number, max: number, required = false): number | undefined {
    const value = this.present(path);
    if (value === undefined) {
      if (required) this.error(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.error(path, `must be an integer, not ${describe(value)}`);
      return undefined;
    }
    if (value < min || value > max) {
      this.error(path, `must be between ${min} and ${max}, not ${value}`);
      return undefined;
    }
    return value;
  }

  bool(path: Path): boolean | undefined {
    const value = this.present(path);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.error(path, `must be true or false, not ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  map(path: Path, required = false): Record<string, unknown> | undefined {
    const value = this.present(path);
    if (value === undefined) {
      if (required) this.error(path, 'is required');
      return undefined;
    }
    if (!isRecord(value)) {
      this.error(path, `must be a map, not ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  list(path: Path, required = false): unknown[] | undefined {
    const value = this.present(path);
    if (value === undefined) {
      if (required) this.error(path, 'is required');
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.error(path, `must be a list, not ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  /** A map of strings (labels, selectors, annotations, ConfigMap data). */
  stringMap(path: Path): Record<string, string> | undefined {
    const value = this.map(path);
    if (value === undefined) return undefined;
    const entries: [string, string][] = [];
    for (const key of Object.keys(value)) {
      const v = value[key];
      if (typeof v !== 'string') {
        this.error([...path, key], `must be a string, not ${describe(v)} (quote it: "${visibleText(String(v), 40)}")`);
        continue;
      }
      if (!this.shown([...path, key], key, 'the key') || !this.shown([...path, key], v)) continue;
      entries.push([key, v]);
    }
    // fromEntries defines own properties, so a `__proto__` key stays a plain key.
    return Object.fromEntries(entries);
  }

  /** An integer or a name (a Service targetPort, a NetworkPolicy port). */
  intOrString(path: Path, min: number, max: number): number | string | undefined {
    const value = this.present(path);
    if (typeof value === 'string') {
      // The API accepts a numeric string here and treats it as the number.
      if (/^\d+$/.test(value)) return this.checkRange(path, Number(value), min, max);
      if (value === '') {
        this.error(path, 'must not be empty');
        return undefined;
      }
      return value;
    }
    return this.int(path, min, max);
  }

  private checkRange(path: Path, value: number, min: number, max: number): number | undefined {
    if (value < min || value > max) {
      this.error(path, `must be between ${min} and ${max}, not ${value}`);
      return undefined;
    }
    return value;
  }

  ipv4(path: Path): string | undefined {
    const value = this.str(path);
    if (value === undefined) return undefined;
    if (parseIPv4(value) === null) {
      this.error(path, `must be an IPv4 address, not ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  cidr(path: Path): string | undefined {
    const value = this.str(path);
    if (value === undefined) return undefined;
    const cidr = parseCidr(value);
    if (cidr === null) {
      this.error(path, `must be an IPv4 CIDR such as 10.244.0.0/16, not ${describe(value)}`);
      return undefined;
    }
    return value;
  }
}
