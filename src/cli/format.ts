/**
 * The readable form of a trace: a traceroute-like table, one row per hop, the reply after the
 * request, and the verdict last. The default table fits 100 columns (long element ids are
 * shortened in the middle, sentences wrap); `-o wide` adds the node, protocol, TTL, outer header,
 * the NAT's addresses and the rule, unshortened. Every text from the trace is escaped
 * (escape.ts): names come from manifests.
 */
import type { Hop, Trace } from '../sim/trace/types';
import { renumbered, timeline } from '../sim/trace/conversation';
import { escapeText } from './escape';

/** The default table's width: the classic terminal's 80 columns fit most rows, 100 all. */
export const TABLE_WIDTH = 100;
/**
 * Narrowest an element id gets when the table must shrink. With the widest of everything else
 * (step 4, kind 13 for load-balancer, two ip:port of 21 with " -> " 46, NAT 10 for MASQUERADE, and
 * 4 gaps of 2) a row is 16 + 81 = 97 columns: always within TABLE_WIDTH.
 */
const MIN_WHERE = 16;

interface Column {
  header: string;
  cell(hop: Hop, step: number): string;
}

const endpoints = (hop: Hop): string => `${hop.packet.src} -> ${hop.packet.dst}`;

function outerText(hop: Hop): string {
  const o = hop.packet.outer;
  if (!o) return '';
  return `${o.src} -> ${o.dst} ${o.protocol}${o.vni !== undefined ? ` vni ${o.vni}` : ''}`;
}

function natText(hop: Hop): string {
  if (!hop.nat) return '';
  const { type, before, after } = hop.nat;
  const parts: string[] = [];
  if (before.src !== after.src) parts.push(`src ${before.src} -> ${after.src}`);
  if (before.dst !== after.dst) parts.push(`dst ${before.dst} -> ${after.dst}`);
  return `${type} ${parts.join(', ')}`;
}

const STEP: Column = { header: 'STEP', cell: (_, step) => String(step) };
const KIND: Column = { header: 'KIND', cell: (hop) => hop.kind };
const WHERE: Column = { header: 'WHERE', cell: (hop) => hop.at };

const DEFAULT_COLUMNS: readonly Column[] = [
  STEP,
  KIND,
  WHERE,
  { header: 'SRC -> DST', cell: endpoints },
  { header: 'NAT', cell: (hop) => hop.nat?.type ?? '' },
];

const WIDE_COLUMNS: readonly Column[] = [
  STEP,
  KIND,
  { header: 'NODE', cell: (hop) => hop.node ?? '' },
  WHERE,
  { header: 'SRC -> DST', cell: endpoints },
  { header: 'PROTO', cell: (hop) => hop.packet.protocol },
  { header: 'TTL', cell: (hop) => (hop.packet.ttl === undefined ? '' : String(hop.packet.ttl)) },
  { header: 'OUTER', cell: outerText },
  { header: 'NAT', cell: natText },
  { header: 'RULE', cell: (hop) => hop.rule ?? '' },
];

/** Shortens in the middle, where ids repeat least: `container/kube-sy…-lx858/coredns`. */
export function shorten(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  const tail = Math.floor((width - 1) / 2);
  return `${chars.slice(0, width - 1 - tail).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

/** Breaks a line at spaces into lines of at most `width` characters; continuations are indented. */
export function wrap(text: string, width: number, indent = '    '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = '';
    }
    if (line !== '') {
      line += ` ${word}`;
      continue;
    }
    line = (lines.length === 0 ? '' : indent) + word;
    // a word longer than a line is cut
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = indent + line.slice(width);
    }
  }
  lines.push(line);
  return lines;
}

export interface FormatOptions {
  /** `-o wide`: every column, nothing shortened or wrapped */
  wide?: boolean;
}

/** Renders a trace as aligned text columns. */
export function formatTrace(trace: Trace, options: FormatOptions = {}): string {
  const wide = options.wide ?? false;
  const columns = wide ? WIDE_COLUMNS : DEFAULT_COLUMNS;
  const rows: string[][] = [];
  const sections: { title: string; start: number }[] = [];
  let step = 0;
  const add = (title: string, hops: readonly Hop[]): void => {
    sections.push({ title, start: rows.length });
    for (const hop of hops) {
      const at = step++;
      rows.push(columns.map((c) => escapeText(c.cell(hop, at))));
    }
  };
  if (renumbered(trace)) {
    // Through an L7 proxy the steps follow the conversation: one section per exchange.
    const steps = timeline(trace);
    const conversation = trace.conversation ?? [];
    let from = 0;
    while (from < steps.length) {
      const e = steps[from]?.exchange ?? null;
      let to = from;
      while (to < steps.length && (steps[to]?.exchange ?? null) === e) to++;
      const x = e === null ? null : conversation[e];
      const title = x ? `${x.leg} ${x.carries.join(' + ')} (${x.direction})` : 'dns';
      add(
        title,
        steps.slice(from, to).map((s) => s.hop),
      );
      from = to;
    }
  } else {
    if (trace.dns) add('dns', trace.dns.hops);
    add('request', trace.hops);
    if (trace.reply) add(`reply (${trace.reply.verdict})`, trace.reply.hops);
  }

  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  if (!wide) {
    // Only the element id gives way: the addresses are what a reader compares between rows.
    const where = columns.indexOf(WHERE);
    const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
    if (total > TABLE_WIDTH) widths[where] = Math.max(MIN_WHERE, (widths[where] ?? 0) - (total - TABLE_WIDTH));
  }
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => {
        const width = widths[i] ?? 0;
        const text = wide ? c : shorten(c, width);
        return i === cells.length - 1 ? text : text + ' '.repeat(Math.max(0, width - [...text].length));
      })
      .join('  ')
      .trimEnd();
  const text = (s: string): string[] => (wide ? [escapeText(s)] : wrap(escapeText(s), TABLE_WIDTH));

  const out: string[] = [];
  const r = trace.request;
  out.push(
    ...text(
      `trace ${r.from} -> ${r.to}${r.port !== undefined ? ` port ${r.port}` : ''} ${r.protocol} (seed ${r.seed})`,
    ),
  );
  out.push(line(columns.map((c) => c.header)));
  for (const [i, row] of rows.entries()) {
    const section = sections.find((s) => s.start === i);
    if (section) out.push(`-- ${section.title}`);
    out.push(line(row));
  }
  if (trace.dns) {
    for (const q of trace.dns.queries)
      out.push(
        ...text(
          `dns: ${q.name} ${q.type} -> ${q.timedOut ? 'timed out (no answer)' : q.answer === 'NXDOMAIN' ? 'NXDOMAIN' : q.answer.length === 0 ? '(no records)' : q.answer.join(', ')}`,
        ),
      );
  }
  for (const c of trace.candidates) {
    out.push(
      ...text(
        `candidate: ${c.chosen ? '*' : ' '} ${c.pod} ${c.ip}:${c.port} ${c.probability === null ? 'scheduler' : `p=${c.probability.toFixed(4)}`}`,
      ),
    );
  }
  if (trace.endpoint) {
    const e = trace.endpoint;
    out.push(...text(`endpoint: ${e.pod} ${e.ip}:${e.port}${e.container ? ` (container ${e.container})` : ''}`));
  }
  if (trace.http) {
    const h = trace.http;
    const query = h.query !== undefined ? `?${h.query}` : '';
    out.push(...text(`http: ${h.method} ${h.host}${h.path}${query} -> ${h.status}`));
    if (h.route) {
      const rule = h.route.rule === null ? 'default backend' : `rule ${h.route.rule}`;
      out.push(...text(`http: route ${h.route.kind} ${h.route.namespace}/${h.route.name} ${rule}`));
    }
    if (h.location) out.push(...text(`http: location ${h.location}`));
    // the request line the backend got, where a rewrite or the query makes it differ from the client's
    if (h.backend && (h.backend.path !== h.path || h.backend.method !== h.method))
      out.push(...text(`http: backend request ${h.backend.method} ${h.backend.path}`));
    for (const [name, value] of Object.entries(h.headers)) out.push(...text(`http: upstream header ${name}: ${value}`));
  }
  out.push(...text(`verdict: ${trace.verdict}: ${trace.reason}`));
  return `${out.join('\n')}\n`;
}
