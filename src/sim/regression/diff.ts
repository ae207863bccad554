/**
 * A readable difference between a stored corpus record and the one computed now: which case, which
 * hop, which field, before and after. A failing corpus test prints this instead of two walls of JSON.
 */
import type { CorpusRecord } from './cases';

export interface FieldChange {
  /** `hops[3].packet.dst`, `reply.verdict`, `[2].rules[5]` */
  path: string;
  before: unknown;
  after: unknown;
}

/** The differing leaves of two JSON values, in document order (at most `limit`). */
export function jsonChanges(before: unknown, after: unknown, limit = 20, path = ''): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before, after, path, out, limit);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(a: unknown, b: unknown, path: string, out: FieldChange[], limit: number): void {
  if (out.length >= limit) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const here = `${path}[${i}]`;
      if (i >= a.length) out.push({ path: here, before: '(absent)', after: b[i] });
      else if (i >= b.length) out.push({ path: here, before: a[i], after: '(absent)' });
      else walk(a[i], b[i], here, out, limit);
      if (out.length >= limit) return;
    }
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      const here = path === '' ? key : `${path}.${key}`;
      if (!(key in a)) out.push({ path: here, before: '(absent)', after: b[key] });
      else if (!(key in b)) out.push({ path: here, before: a[key], after: '(absent)' });
      else walk(a[key], b[key], here, out, limit);
      if (out.length >= limit) return;
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, before: a, after: b });
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

/** Names a hop by its position, kind and element, so a reader finds it in the app. */
function hopLabel(output: unknown, path: string): string | null {
  const match = /^(dns\.hops|hops|reply\.hops)\[(\d+)\]/.exec(path);
  if (!match || !isObject(output)) return null;
  const list =
    match[1] === 'hops'
      ? output.hops
      : match[1] === 'dns.hops'
        ? isObject(output.dns) && output.dns.hops
        : isObject(output.reply) && output.reply.hops;
  const hop = Array.isArray(list) ? list[Number(match[2])] : undefined;
  return isObject(hop) ? `${match[1]} #${match[2]} (${String(hop.kind)} at ${String(hop.at)})` : null;
}

/**
 * Describes how `after` differs from `before`, or returns null when they are the same byte for
 * byte. Key order counts: the trace's JSON is a public format and its field order is part of it.
 */
export function describeDifference(before: CorpusRecord, after: CorpusRecord): string | null {
  const a = JSON.stringify(before);
  const b = JSON.stringify(after);
  if (a === b) return null;
  const lines = [`case ${before.id} (${before.kind})`];
  const changes = [
    ...jsonChanges(before.input, after.input, 5, 'input'),
    ...jsonChanges(before.output, after.output, 20),
  ];
  if (changes.length === 0) lines.push('  same values, different field order');
  for (const change of changes) {
    const hop = hopLabel(before.output, change.path) ?? hopLabel(after.output, change.path);
    lines.push(`  ${hop ? `${hop}: ` : ''}${change.path}`);
    lines.push(`    before: ${show(change.before)}`);
    lines.push(`    after:  ${show(change.after)}`);
  }
  return lines.join('\n');
}
