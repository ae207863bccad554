/**
 * The command line of `k8s-netviz` (also run as the kubectl plugin `kubectl netviz`), parsed with
 * node:util parseArgs. Everything here is pure argument checking: reading files, tracing and
 * serving happen in run.ts and open.ts.
 */
import { parseArgs } from 'node:util';
import type { Protocol } from '../sim/model/types';
import { CNI_PRESETS } from '../sim/registry';

export const USAGE = `Usage:
  k8s-netviz trace [-f FILE|DIR|-]... --from SOURCE --to DESTINATION [options]
  k8s-netviz matrix [-f FILE|DIR|-]... [--from-namespace NS] [--to-namespace NS] [options]
  k8s-netviz route [-f FILE|DIR|-]... URL [--gateway [NS/]NAME] [--method M] [--header 'N: v']...
  k8s-netviz open [-f FILE|DIR|-]... [--no-open]
  k8s-netviz --version | --help
As a kubectl plugin (kubectl-netviz on the PATH): kubectl netviz trace ..., kubectl netviz open ...

Commands:
  trace            the path of one packet, hop by hop, and the verdict
  matrix           who can reach whom: for each source pod, destination pod and port, allowed,
                   denied-egress, denied-ingress, not-enforced or refused, with the deciding
                   NetworkPolicies (docs/matrix.md in the source repository)
  route            what a Gateway (Gateway API) does with one HTTP request: the listener, each
                   HTTPRoute rule in precedence order and why it matched or not, the backends
                   and their shares, the outcome (a redirect, 404, 500, 503 or forwarded), the
                   request as the backend sees it and the response headers the client sees
                   (docs/gateway-api.md in the source repository)
  open             serve the app on 127.0.0.1 and open it in the browser on these manifests
                   (--no-open prints the address instead); Ctrl-C stops it

Options:
  -f, --file       Kubernetes YAML or JSON (a file, a directory of *.yaml/*.yml/*.json, or - for
                   stdin); may be repeated. Without it, the built-in reference cluster.
  --from           pod/<ns>/<name>[:container] (pod/<name> for the namespace of -n),
                   node/<name>, or external/<ip>
  --to             pod/<ns>/<name>, svc/<ns>/<name> (pod/<name>, svc/<name> for the
                   namespace of -n), a DNS name (web, web.default.svc.cluster.local,
                   kube-dns.kube-system; resolved as the client's resolver would),
                   nodeport/<node>/<port>, node/<name>, an IP (a pod, a node, a ClusterIP,
                   a LoadBalancer address or one outside the cluster), ip:port,
                   localhost:port, or a URL http(s)://host[:port]/path[?query] (through
                   an Ingress or a Gateway when one of their routes names the host)
  -n, --namespace  the namespace of pod and Service names given without one (default: default)
  --port           the port the client dials (for a Service: its port; default: its first)
  --protocol       tcp (default), udp or icmp
  --host           the HTTP Host header for a URL that carries an IP
  --cni            trace and matrix under another CNI than the manifests (or the built-in
                   cluster) configure: ${CNI_PRESETS.map((p) => p.id).join(', ')}
  --vpc-subnet-prefix
                   the AWS VPC CNI: the prefix length of the nodes' VPC subnets (16 to 28),
                   which no manifest gives (default: assumed from the nodes' pod addresses)
  --seed           fixes every random choice (default 1)
  --pick           pins a random choice among pods (an endpoint, a CoreDNS pod, the
                   upstream pod NGINX sends an Ingress request to): [<ns>/]<pod>, or
                   node/<name>: the node a load balancer sends to (repeatable)
  -o, --output     json or yaml: the whole trace (its format: docs/trace-format.md in the
                   source repository); wide: the table with the node, protocol, TTL, outer
                   header, NAT addresses and rule. Default: a table that fits 100 columns.
  --json           the same as -o json
  --exit-code      the exit status follows the verdict: 0 delivered, 3 refused, 4 dropped,
                   5 unresolved; for matrix the worst cell: 4 if any is denied, else 3 if
                   any is refused, else 0
  --from-namespace, --to-namespace
                   matrix: the sources' / destinations' namespace (default: every namespace)
  --from-selector, --to-selector
                   matrix: a label selector on the sources / destinations: app=web,tier!=db,canary
  -o, --output     matrix: wide (one line per cell with its policies), json or csv; default: a
                   grid per port
  --via            matrix: pod (to each pod's IP) or service (to the ClusterIP of a Service that
                   DNATs to that pod, as Kubernetes' netpol tests probe; cells no Service carries
                   are skipped with why). Default: service when the pods are laid out as
                   upstream's (most with a Service of their own), else pod
  --gateway        route: the Gateway, [<ns>/]<name> (default: the only one listening on the
                   URL's port)
  --method         trace (to a URL) and route: the request's method (default GET)
  --header         trace (to a URL) and route: a request header 'Name: value' (repeatable; a
                   Host header replaces the URL's host). The URL's query string, the method
                   and the headers take part in Gateway API matching.
  -o, --output     route: json or yaml: the decision as data; default: the explanation
  --no-open        open: print the address instead of starting a browser
  --version        print the version
  -h, --help       print this help

Exit status: 0 when the command ran (for trace, whatever the verdict unless --exit-code);
2 on bad arguments or bad input; 1 on an unexpected failure.`;

/** A problem with the command line: exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Output = 'table' | 'wide' | 'json' | 'yaml';

export interface TraceArgs {
  command: 'trace';
  files: string[];
  from: string;
  to: string;
  port?: number;
  protocol: Protocol;
  host?: string;
  seed: number;
  /** a CNI preset id (registry.ts CNI_PRESETS) replacing the configured CNI */
  cni?: string;
  /** --vpc-subnet-prefix: the AWS VPC CNI's nodes' subnet prefix, over what the input says */
  vpcSubnetPrefix?: number;
  pick: string[];
  output: Output;
  exitCode: boolean;
  /** the HTTP method of a URL request */
  method?: string;
  /** header lines `Name: value` of a URL request */
  headers: string[];
}

export interface OpenArgs {
  command: 'open';
  files: string[];
  /** start the system's browser (false: print the address only) */
  browser: boolean;
}

export type MatrixOutput = 'table' | 'wide' | 'json' | 'csv';

export interface MatrixArgs {
  command: 'matrix';
  files: string[];
  fromNamespace?: string;
  toNamespace?: string;
  fromSelector?: string;
  toSelector?: string;
  /** one port (with --protocol), or every declared containerPort when absent */
  port?: number;
  protocol: 'tcp' | 'udp';
  output: MatrixOutput;
  exitCode: boolean;
  cni?: string;
  /** where connections are sent; absent: the default of `defaultVia` */
  via?: 'pod' | 'service';
  vpcSubnetPrefix?: number;
}

export interface RouteArgs {
  command: 'route';
  files: string[];
  url: string;
  /** `[ns/]name`; a bare name is in `namespace` */
  gateway?: string;
  namespace: string;
  method: string;
  /** `Name: value` lines, checked by the simulation's request parser */
  headers: string[];
  seed: number;
  output: 'table' | 'json' | 'yaml';
}

export type Args = TraceArgs | MatrixArgs | RouteArgs | OpenArgs | { command: 'help' } | { command: 'version' };

const OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  from: { type: 'string' },
  to: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  port: { type: 'string' },
  protocol: { type: 'string' },
  host: { type: 'string' },
  seed: { type: 'string' },
  cni: { type: 'string' },
  'vpc-subnet-prefix': { type: 'string' },
  pick: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  'exit-code': { type: 'boolean' },
  'no-open': { type: 'boolean' },
  'from-namespace': { type: 'string' },
  'to-namespace': { type: 'string' },
  'from-selector': { type: 'string' },
  'to-selector': { type: 'string' },
  via: { type: 'string' },
  gateway: { type: 'string' },
  method: { type: 'string' },
  header: { type: 'string', multiple: true },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The options each command takes (besides --help and --version). */
const ALLOWED: Record<'trace' | 'matrix' | 'route' | 'open', readonly (keyof typeof OPTIONS)[]> = {
  trace: [
    'file',
    'from',
    'to',
    'namespace',
    'port',
    'protocol',
    'host',
    'seed',
    'pick',
    'output',
    'json',
    'exit-code',
    'cni',
    'vpc-subnet-prefix',
    'method',
    'header',
  ],
  matrix: [
    'file',
    'cni',
    'vpc-subnet-prefix',
    'from-namespace',
    'to-namespace',
    'from-selector',
    'to-selector',
    'port',
    'protocol',
    'output',
    'json',
    'exit-code',
    'via',
  ],
  route: ['file', 'gateway', 'namespace', 'method', 'header', 'seed', 'output', 'json'],
  open: ['file', 'no-open'],
};

/** A namespace name as the API accepts it (a DNS-1123 label). */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function integer(text: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name}: "${text}" is not a whole number`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`--${name}: ${value} is out of range (${min}-${max})`);
  return value;
}

/**
 * Names without a namespace take the one of -n: `pod/web-1` -> `pod/shop/web-1`, `svc/web` ->
 * `svc/shop/web`. Anything else (a DNS name, an IP, node/...) is left as given.
 */
export function qualify(ref: string, namespace: string): string {
  const match = /^(pod|svc)\/([^/]+)$/.exec(ref);
  return match ? `${match[1]}/${namespace}/${match[2]}` : ref;
}

function output(values: { output?: string; json?: boolean }): Output {
  const o = values.output;
  if (o !== undefined && o !== 'json' && o !== 'yaml' && o !== 'wide')
    throw new UsageError(`-o: "${o}" is not json, yaml or wide`);
  if (values.json && o !== undefined && o !== 'json') throw new UsageError(`--json and -o ${o} disagree`);
  return values.json ? 'json' : (o ?? 'table');
}

/** Parses argv (without the node and script entries). Throws UsageError on anything wrong. */
export function parseCommandLine(argv: readonly string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { command: 'help' };
  if (values.version || positionals[0] === 'version') return { command: 'version' };
  const command = positionals[0];
  if (command === undefined) throw new UsageError('missing command: trace, matrix, route or open');
  if (command !== 'trace' && command !== 'matrix' && command !== 'route' && command !== 'open')
    throw new UsageError(`unknown command "${command}": the commands are trace, matrix, route and open`);
  const extra = command === 'route' ? 2 : 1;
  if (positionals.length > extra) throw new UsageError(`unexpected argument "${positionals[extra] ?? ''}"`);
  for (const name of Object.keys(values) as (keyof typeof OPTIONS)[]) {
    if (!ALLOWED[command].includes(name)) throw new UsageError(`${command} takes no --${name}`);
  }
  if (command === 'open') return { command: 'open', files: values.file ?? [], browser: !values['no-open'] };
  if (values.cni !== undefined && !CNI_PRESETS.some((p) => p.id === values.cni))
    throw new UsageError(`--cni: "${values.cni}" is not one of ${CNI_PRESETS.map((p) => p.id).join(', ')}`);
  if (command === 'matrix') return matrixArgs(values);
  if (command === 'route') return routeArgs(values, positionals[1]);

  if (!values.from) throw new UsageError('--from is required');
  if (!values.to) throw new UsageError('--to is required');
  // Without -n the simulation reads pod/<name> and svc/<name> in the default namespace itself.
  const namespace = values.namespace ?? 'default';
  const named = (ref: string): string => (values.namespace === undefined ? ref : qualify(ref, namespace));
  if (!NAMESPACE.test(namespace)) throw new UsageError(`-n: "${namespace}" is not a namespace name`);
  const protocol = values.protocol ?? 'tcp';
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp')
    throw new UsageError(`--protocol: "${protocol}" is not tcp, udp or icmp`);
  const pick = (values.pick ?? []).map((p) => {
    if (/^[^/\s]+$/.test(p)) return `${namespace}/${p}`;
    if (!/^[^/\s]+\/[^/\s]+$/.test(p)) throw new UsageError(`--pick: "${p}" is not [<namespace>/]<pod> or node/<name>`);
    return p;
  });
  const args: TraceArgs = {
    command: 'trace',
    files: values.file ?? [],
    from: named(values.from),
    to: named(values.to),
    protocol,
    seed: values.seed === undefined ? 1 : integer(values.seed, 'seed', 0, 4294967295),
    pick,
    output: output(values),
    exitCode: values['exit-code'] ?? false,
    headers: values.header ?? [],
  };
  if ((values.method !== undefined || values.header !== undefined) && !/^https?:\/\//i.test(values.to))
    throw new UsageError(
      `--${values.method !== undefined ? 'method' : 'header'} applies to a URL destination (--to http(s)://host/path)`,
    );
  if (values.method !== undefined) args.method = values.method;
  if (values.port !== undefined) args.port = integer(values.port, 'port', 1, 65535);
  if (values.host !== undefined) args.host = values.host;
  if (values.cni !== undefined) args.cni = values.cni;
  if (values['vpc-subnet-prefix'] !== undefined)
    args.vpcSubnetPrefix = integer(values['vpc-subnet-prefix'], 'vpc-subnet-prefix', 16, 28);
  return args;
}

function matrixArgs(values: {
  file?: string[];
  'from-namespace'?: string;
  'to-namespace'?: string;
  'from-selector'?: string;
  'to-selector'?: string;
  port?: string;
  protocol?: string;
  output?: string;
  json?: boolean;
  'exit-code'?: boolean;
  cni?: string;
  via?: string;
  'vpc-subnet-prefix'?: string;
}): MatrixArgs {
  const protocol = values.protocol ?? 'tcp';
  // a matrix is about connections to listening ports: ICMP has none
  if (protocol !== 'tcp' && protocol !== 'udp') throw new UsageError(`--protocol: "${protocol}" is not tcp or udp`);
  if (values.protocol !== undefined && values.port === undefined)
    throw new UsageError('--protocol needs --port (without --port, every declared containerPort is probed)');
  const o = values.output;
  if (o !== undefined && o !== 'json' && o !== 'csv' && o !== 'wide')
    throw new UsageError(`-o: "${o}" is not json, csv or wide`);
  if (values.json && o !== undefined && o !== 'json') throw new UsageError(`--json and -o ${o} disagree`);
  const args: MatrixArgs = {
    command: 'matrix',
    files: values.file ?? [],
    protocol,
    output: values.json ? 'json' : (o ?? 'table'),
    exitCode: values['exit-code'] ?? false,
  };
  if (values.cni !== undefined) args.cni = values.cni;
  if (values['vpc-subnet-prefix'] !== undefined)
    args.vpcSubnetPrefix = integer(values['vpc-subnet-prefix'], 'vpc-subnet-prefix', 16, 28);
  for (const [flag, key] of [
    ['from-namespace', 'fromNamespace'],
    ['to-namespace', 'toNamespace'],
  ] as const) {
    const ns = values[flag];
    if (ns === undefined) continue;
    if (!NAMESPACE.test(ns)) throw new UsageError(`--${flag}: "${ns}" is not a namespace name`);
    args[key] = ns;
  }
  if (values['from-selector'] !== undefined) args.fromSelector = values['from-selector'];
  if (values['to-selector'] !== undefined) args.toSelector = values['to-selector'];
  if (values.port !== undefined) args.port = integer(values.port, 'port', 1, 65535);
  if (values.via !== undefined) {
    if (values.via !== 'pod' && values.via !== 'service')
      throw new UsageError(`--via: "${values.via}" is not pod or service`);
    args.via = values.via;
  }
  return args;
}

function routeArgs(
  values: {
    file?: string[];
    gateway?: string;
    namespace?: string;
    method?: string;
    header?: string[];
    seed?: string;
    output?: string;
    json?: boolean;
  },
  url: string | undefined,
): RouteArgs {
  if (url === undefined) throw new UsageError('route needs a URL: k8s-netviz route http://host/path');
  const namespace = values.namespace ?? 'default';
  if (!NAMESPACE.test(namespace)) throw new UsageError(`-n: "${namespace}" is not a namespace name`);
  const gw = values.gateway;
  if (gw !== undefined && !/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/)?[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/.test(gw))
    throw new UsageError(`--gateway: "${gw}" is not [<namespace>/]<name>`);
  const o = values.output;
  if (o !== undefined && o !== 'json' && o !== 'yaml') throw new UsageError(`-o: "${o}" is not json or yaml`);
  if (values.json && o !== undefined && o !== 'json') throw new UsageError(`--json and -o ${o} disagree`);
  const args: RouteArgs = {
    command: 'route',
    files: values.file ?? [],
    url,
    namespace,
    method: values.method ?? 'GET',
    headers: values.header ?? [],
    seed: values.seed === undefined ? 1 : integer(values.seed, 'seed', 0, 4294967295),
    output: values.json ? 'json' : (o ?? 'table'),
  };
  if (gw !== undefined) args.gateway = gw;
  return args;
}
