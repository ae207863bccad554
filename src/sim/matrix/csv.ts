/**
 * The matrix as CSV, the same bytes from the CLI (`-o csv`) and the app's export: RFC 4180, a
 * header, CRLF line ends, the policies of a cell space-separated in one field.
 */
import { MATRIX_VERDICTS } from './matrix';
import type { Matrix } from './matrix';
import type { CompactMatrix } from './compact';

const field = (x: string): string => (/[",\r\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x);

/**
 * @example
 * matrixCsv(computeMatrix(cluster, { ports: [{ port: 80, protocol: 'tcp' }] }))
 * // 'from,to,port,protocol,verdict,policies\r\nx/a,x/b,80,tcp,denied-ingress,x/deny\r\n...'
 */
export function matrixCsv(m: Matrix): string {
  const lines = ['from,to,port,protocol,verdict,policies'];
  for (const c of m.cells)
    lines.push([c.from, c.to, String(c.port), c.protocol, c.verdict, c.policies.join(' ')].map(field).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The same bytes as `matrixCsv` of the same selection, from the compact matrix. */
export function compactMatrixCsv(m: CompactMatrix): string {
  const lines = ['from,to,port,protocol,verdict,policies'];
  const D = m.destinations.length;
  const P = m.ports.length;
  m.sources.forEach((from, s) => {
    m.destinations.forEach((to, d) => {
      m.ports.forEach((port, p) => {
        const at = (s * D + d) * P + p;
        const verdict = MATRIX_VERDICTS[m.verdicts[at] as number] as string;
        const policies = (m.policySets[m.decisions[at] as number] ?? []).join(' ');
        lines.push([from, to, String(port.port), port.protocol, verdict, policies].map(field).join(','));
      });
    });
  });
  return `${lines.join('\r\n')}\r\n`;
}
