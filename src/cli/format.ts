/**
 * The readable form of a trace: a traceroute-like table, one row per hop, the reply after the
 * request, and the verdict last.
 */
import type { Hop, Trace } from '../sim/trace/types';

const HEADERS = ['step', 'kind', 'where', 'src -> dst', 'NAT before -> after', 'rule'];
/** Rules can be long; the table keeps rows readable, --json has everything. */
const RULE_WIDTH = 90;

function packetText(hop: Hop): string {
  const p = hop.packet;
  let text = `${p.src} -> ${p.dst} ${p.protocol}`;
  if (p.ttl !== undefined) text += ` ttl ${p.ttl}`;
  if (p.outer)
    text += ` [outer ${p.outer.src} -> ${p.outer.dst} ${p.outer.protocol}${p.outer.vni !== undefined ? ` vni ${p.outer.vni}` : ''}]`;
  return text;
}

function natText(hop: Hop): string {
  if (!hop.nat) return '';
  const { type, before, after } = hop.nat;
  const parts: string[] = [];
  if (before.src !== after.src) parts.push(`src ${before.src} -> ${after.src}`);
  if (before.dst !== after.dst) parts.push(`dst ${before.dst} -> ${after.dst}`);
  return `${type} ${parts.join(', ')}`;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 3)}...`;
}

/** Renders a trace as aligned text columns. */
export function formatTrace(trace: Trace): string {
  const rows: string[][] = [];
  const sections: { title: string; start: number }[] = [];
  let step = 0;
  const add = (title: string, hops: readonly Hop[]): void => {
    sections.push({ title, start: rows.length });
    for (const hop of hops)
      rows.push([String(step++), hop.kind, hop.at, packetText(hop), natText(hop), clip(hop.rule ?? '', RULE_WIDTH)]);
  };
  if (trace.dns) add('dns', trace.dns.hops);
  add('request', trace.hops);
  if (trace.reply) add(`reply (${trace.reply.verdict})`, trace.reply.hops);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  const r = trace.request;
  out.push(`trace ${r.from} -> ${r.to}${r.port !== undefined ? ` port ${r.port}` : ''} ${r.protocol} (seed ${r.seed})`);
  out.push(line(HEADERS));
  for (const [i, row] of rows.entries()) {
    const section = sections.find((s) => s.start === i);
    if (section) out.push(`-- ${section.title}`);
    out.push(line(row));
  }
  if (trace.dns) {
    for (const q of trace.dns.queries)
      out.push(
        `dns: ${q.name} ${q.type} -> ${q.answer === 'NXDOMAIN' ? 'NXDOMAIN' : q.answer.length === 0 ? '(no records)' : q.answer.join(', ')}`,
      );
  }
  for (const c of trace.candidates) {
    out.push(
      `candidate: ${c.chosen ? '*' : ' '} ${c.pod} ${c.ip}:${c.port} ${c.probability === null ? 'scheduler' : `p=${c.probability.toFixed(4)}`}`,
    );
  }
  if (trace.endpoint) {
    const e = trace.endpoint;
    out.push(`endpoint: ${e.pod} ${e.ip}:${e.port}${e.container ? ` (container ${e.container})` : ''}`);
  }
  if (trace.http) {
    const h = trace.http;
    out.push(`http: ${h.method} ${h.host}${h.path} -> ${h.status}`);
    for (const [name, value] of Object.entries(h.headers)) out.push(`http: upstream header ${name}: ${value}`);
  }
  out.push(`verdict: ${trace.verdict}: ${trace.reason}`);
  return `${out.join('\n')}\n`;
}
