/**
 * The matrix as CSV, the same bytes from the CLI (`-o csv`) and the app's export: RFC 4180, a
 * header, CRLF line ends, the policies of a cell space-separated in one field.
 */
import type { Matrix } from './matrix';

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
