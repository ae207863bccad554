/**
 * The command line of `k8s-netviz trace` (issue 3), parsed with node:util parseArgs. Everything here
 * is pure argument checking: reading files and tracing happen in main.ts.
 */
import { parseArgs } from 'node:util';
import type { Protocol } from '../sim/model/types';

export const USAGE = `Usage:
  k8s-netviz trace [-f <file|dir|->]... --from <source> --to <destination>
                   [--port N] [--protocol tcp|udp|icmp] [--host NAME] [--seed N]
                   [--pick <namespace>/<pod> | node/<name>]... [--json]

  -f, --file     Kubernetes YAML or JSON (a file, a directory of *.yaml/*.yml/*.json, or - for
                 stdin); may be repeated. Without it, the built-in reference cluster.
  --from         pod/<ns>/<name>[:container] (pod/<name> for the default namespace),
                 node/<name>, or external/<ip>
  --to           pod/<ns>/<name>, svc/<ns>/<name> (svc/<name> for the default
                 namespace), a DNS name (web, web.default.svc.cluster.local,
                 kube-dns.kube-system; resolved as the client's resolver would),
                 nodeport/<node>/<port>, node/<name>, an IP (a pod, a node, a ClusterIP,
                 a LoadBalancer address or one outside the cluster), ip:port,
                 localhost:port, or a URL http(s)://host[:port]/path (through an
                 Ingress when the host is one of its hosts)
  --port         the port the client dials (for a Service: its port; default: its first)
  --protocol     tcp (default), udp or icmp
  --host         the HTTP Host header for a URL that carries an IP
  --seed         fixes every random choice (default 1)
  --pick         pins a random choice among pods (an endpoint, a CoreDNS pod, the
                 upstream pod NGINX sends an Ingress request to), or node/<name>:
                 the node a load balancer sends to (repeatable)
  --json         print the trace as JSON

Exit status: 0 when the trace ran (whatever its verdict), 2 on bad arguments or bad input.`;

/** A problem with the command line: exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface TraceArgs {
  command: 'trace';
  files: string[];
  from: string;
  to: string;
  port?: number;
  protocol: Protocol;
  host?: string;
  seed: number;
  pick: string[];
  json: boolean;
}

export type Args = TraceArgs | { command: 'help' };

function integer(text: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name}: "${text}" is not a whole number`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`--${name}: ${value} is out of range (${min}-${max})`);
  return value;
}

/** Parses argv (without the node and script entries). Throws UsageError on anything wrong. */
export function parseCommandLine(argv: readonly string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        file: { type: 'string', short: 'f', multiple: true },
        from: { type: 'string' },
        to: { type: 'string' },
        port: { type: 'string' },
        protocol: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        pick: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { command: 'help' };
  if (positionals.length === 0) throw new UsageError('missing command: the only command is "trace"');
  if (positionals[0] !== 'trace')
    throw new UsageError(`unknown command "${positionals[0] ?? ''}": the only command is "trace"`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1] ?? ''}"`);
  if (!values.from) throw new UsageError('--from is required');
  if (!values.to) throw new UsageError('--to is required');
  const protocol = values.protocol ?? 'tcp';
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp')
    throw new UsageError(`--protocol: "${protocol}" is not tcp, udp or icmp`);
  const pick = values.pick ?? [];
  for (const p of pick) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(p)) throw new UsageError(`--pick: "${p}" is not <namespace>/<pod> or node/<name>`);
  }
  const args: TraceArgs = {
    command: 'trace',
    files: values.file ?? [],
    from: values.from,
    to: values.to,
    protocol,
    seed: values.seed === undefined ? 1 : integer(values.seed, 'seed', 0, 4294967295),
    pick,
    json: values.json ?? false,
  };
  if (values.port !== undefined) args.port = integer(values.port, 'port', 1, 65535);
  if (values.host !== undefined) args.host = values.host;
  return args;
}
