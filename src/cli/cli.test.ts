/**
 * The real command line: built with scripts/build-cli.mjs and run as `node dist-cli/k8s-netviz.js`
 * on the YAML fixtures of the data-path tests.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '../sim/trace/types';
import { MAX_INPUT_BYTES } from '../sim/import/limits';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'dist-cli', 'k8s-netviz.js');
const fixtures = join(root, 'src', 'sim', 'resolve', 'fixtures');

function cli(
  args: string[],
  input?: string,
  timeout?: number,
): { status: number | null; stdout: string; stderr: string } {
  // a run killed at `timeout` has status null, which no test expects: a hang fails, not a slow machine
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', input: input ?? '', timeout });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The verdict sentence of a table, its wrapped lines joined again. */
function verdictOf(stdout: string): string {
  return stdout
    .slice(stdout.lastIndexOf('\nverdict: ') + 1)
    .trimEnd()
    .replace(/\n {4}/g, ' ');
}

const cluster = [
  '-f',
  join(fixtures, 'kubeadm.yaml'),
  '-f',
  join(fixtures, 'nodes.yaml'),
  '-f',
  join(fixtures, 'workloads.yaml'),
];

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { cwd: root });
}, 60_000);

describe('k8s-netviz trace', () => {
  it('prints the trace JSON of a cross-node request on a fixture, exit 0', () => {
    const r = cli([
      'trace',
      ...cluster,
      '-f',
      join(fixtures, 'cni', 'calico-ipip.yaml'),
      '--from',
      'pod/default/client',
      '--to',
      'pod/default/server-b',
      '--port',
      '8080',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const t = JSON.parse(r.stdout) as Trace;
    expect(t.verdict).toBe('delivered');
    expect(t.request).toEqual({
      from: 'pod/default/client',
      to: 'pod/default/server-b',
      port: 8080,
      protocol: 'tcp',
      seed: 1,
      pick: [],
    });
    expect(t.hops.find((h) => h.kind === 'encap')!.at).toBe('dev/node-a/tunl0');
    expect(t.reply!.hops.at(-1)!.at).toBe('container/default/client/client');
  });

  it('gives the same bytes for the same seed, reads a directory and stdin', () => {
    const args = ['--from', 'pod/client', '--to', 'pod/server-b', '--port', '8080', '--json', '--seed', '42'];
    const a = cli(['trace', ...cluster, '-f', join(fixtures, 'cni', 'flannel-vxlan.yaml'), ...args]);
    const b = cli(['trace', ...cluster, '-f', join(fixtures, 'cni', 'flannel-vxlan.yaml'), ...args]);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    // A directory is its *.yaml, *.yml and *.json files in name order (not its cni/ subdirectory).
    const inOrder = ['kubeadm.yaml', 'nodes-two-subnets.yaml', 'nodes.yaml', 'workloads.yaml'].flatMap((f) => [
      '-f',
      join(fixtures, f),
    ]);
    const dir = cli(['trace', '-f', fixtures, ...args]);
    expect(dir.status).toBe(0);
    expect(dir.stdout).toBe(cli(['trace', ...inOrder, ...args]).stdout);
    const stdin = cli(
      ['trace', '-f', join(fixtures, 'kubeadm.yaml'), '-f', join(fixtures, 'nodes.yaml'), '-f', '-', ...args],
      `${String(execFileSync('cat', [join(fixtures, 'workloads.yaml')]))}`,
    );
    expect(stdin.status).toBe(0);
    expect((JSON.parse(stdin.stdout) as Trace).verdict).toBe('delivered');
  });

  it('prints a table with the verdict last, and uses the built-in cluster without -f', () => {
    const r = cli(['trace', '--from', 'pod/default/client', '--to', 'pod/default/app-1', '--port', '8080']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^STEP\s+KIND\s+WHERE\s+SRC -> DST\s+NAT$/);
    expect(lines.at(-1)).toMatch(/^verdict: delivered: /);
    expect(r.stdout).toContain('-- reply (delivered)');
  });

  it('exits 0 for a refused connection, since the trace ran', () => {
    const r = cli(['trace', '--from', 'pod/client', '--to', 'pod/app-1', '--port', '9', '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as Trace).verdict).toBe('refused');
  });

  it('warns on stderr, never on stdout, about a pick that matches no choice', () => {
    const r = cli([
      'trace',
      '--from',
      'pod/client',
      '--to',
      'pod/app-1',
      '--port',
      '8080',
      '--pick',
      'default/app-1',
      '--json',
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: --pick default\/app-1 matched no choice/);
    expect((JSON.parse(r.stdout) as Trace).request.pick).toEqual(['default/app-1']);
  });

  it.each([
    [['trace', '--to', 'pod/app-1'], /--from is required/],
    [['trace', '--from', 'pod/client'], /--to is required/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '--port', 'http'], /--port: "http" is not a whole number/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '--port', '70000'], /--port: 70000 is out of range/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '--protocol', 'sctp'], /--protocol: "sctp"/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command "frobnicate": the commands are trace, matrix, route and open/],
    [['trace', '--from', 'pod/nope', '--to', 'pod/app-1'], /no pod default\/nope/],
    [['trace', '--from', 'pod/client', '--to', 'svc/default/nope'], /no Service default\/nope/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '--pick', 'a/b/c'], /--pick: "a\/b\/c"/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '--pick', 'nobody'], /no pod default\/nobody/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '-o', 'xml'], /-o: "xml" is not json, yaml or wide/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '--json', '-o', 'yaml'], /--json and -o yaml disagree/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '-n', 'Bad_NS'], /-n: "Bad_NS" is not a namespace name/],
    [['open', '--from', 'pod/client'], /open takes no --from/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '--no-open'], /trace takes no --no-open/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '--pick', 'default/ghost'], /no pod default\/ghost/],
    [['trace', '-f', '/nonexistent/x.yaml', '--from', 'pod/client', '--to', 'pod/app-1'], /no such file/],
  ])('exits 2 with the error on stderr for %j', (args, message) => {
    const r = cli(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('reports bad input as file:line:col: Kind ns/name: field: message, exit 2', () => {
    const bad =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n    - name: c\n      ports:\n        - containerPort: "eighty"\n';
    const r = cli(['trace', '-f', '-', '--from', 'pod/client', '--to', 'pod/app-1'], bad);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^<stdin>:\d+:\d+: Pod default\/broken: spec\.containers\[0\]\.ports\[0\]\.containerPort: /m,
    );
  });
});

describe('k8s-netviz --cni', () => {
  it('traces the built-in cluster under kindnet: via the ptp gateway, routed by the host, no cni0', () => {
    const r = cli(
      ['trace', '--from', 'pod/default/client', '--to', 'pod/default/app-1', '--port', '8080'].concat([
        '-o',
        'wide',
        '--cni',
        'kindnet',
      ]),
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('10.244.1.0/24 via 10.244.1.1 dev eth0 src 10.244.1.2');
    expect(r.stdout).toMatch(/10\.244\.1\.3 dev veth[0-9a-f]{8} scope host/);
    expect(r.stdout).not.toContain('cni0');
  });

  it('replaces the CNI the manifests configure, for trace and matrix', () => {
    const withCalico = [...cluster, '-f', join(fixtures, 'cni', 'calico-ipip.yaml')];
    const args = ['--from', 'pod/default/client', '--to', 'pod/default/server-b', '--port', '8080', '-o', 'wide'];
    const r = cli(['trace', ...withCalico, ...args, '--cni', 'kindnet']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('tunl0');
    expect(r.stdout).toContain('10.244.2.0/24 via 192.168.10.12 dev eth0');
    expect(r.stdout).toContain('-A KIND-MASQ-AGENT -d 10.244.0.0/16');
    // Calico enforces the default deny; flannel, switched to, does not
    const deny = ['-f', join(fixtures, 'policy', 'default-deny.yaml'), '--port', '8080', '-o', 'json'];
    const verdicts = (id: string): string[] =>
      (
        JSON.parse(cli(['matrix', ...withCalico, ...deny, '--cni', id]).stdout) as { cells: { verdict: string }[] }
      ).cells.map((c) => c.verdict);
    expect(verdicts('flannel-vxlan')).toContain('not-enforced');
    expect(verdicts('flannel-vxlan')).not.toContain('denied-ingress');
    expect(verdicts('kindnet')).toContain('denied-ingress');
  });

  it('traces under the AWS VPC CNI: VPC addresses, the fabric, AWS-SNAT-CHAIN-0', () => {
    const wide = (to: string, port: string): string => {
      const r = cli([
        'trace',
        '--from',
        'pod/default/client',
        '--to',
        to,
        '--port',
        port,
        '-o',
        'wide',
        '--cni',
        'aws-vpc',
      ]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return r.stdout;
    };
    const across = wide('pod/default/web-8rdbl7jt4z-w2bsc', '80');
    expect(across).toContain('default via 169.254.1.1 dev eth0');
    expect(across).toMatch(/169\.254\.1\.1 dev eth0 lladdr \S+ PERMANENT/);
    expect(across).toContain('-A AWS-SNAT-CHAIN-0 -d 192.168.10.0/24 -m comment --comment "AWS SNAT CHAIN" -j RETURN');
    expect(across).toContain('512: from all to 192.168.10.14 lookup main');
    expect(across).not.toContain('cni0');
    const out = wide('93.184.215.14', '443');
    expect(out).toContain('-j SNAT --to-source 192.168.10.11 --random-fully');
  });

  it('reads an EKS dump as the AWS VPC CNI', () => {
    const eks = join(root, 'src', 'sim', 'import', 'fixtures', 'eks-cluster.yaml');
    const r = cli(['trace', '-f', eks, '--from', 'pod/default/client', '--to', 'svc/default/web', '-o', 'json']);
    expect(r.status, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as Trace;
    expect(t.hops.some((h) => h.rule?.startsWith('-A AWS-SNAT-CHAIN-0'))).toBe(true);
    expect(t.hops.some((h) => h.at.endsWith('/default/client') && h.rule?.startsWith('eni'))).toBe(true);
  });

  it('takes --vpc-subnet-prefix over the assumed one, and refuses one EC2 would not make', () => {
    const eks = join(root, 'src', 'sim', 'import', 'fixtures', 'eks-cluster.yaml');
    const route = (extra: string[]): string => {
      const r = cli([
        'trace',
        '-f',
        eks,
        '--from',
        'pod/default/client',
        '--to',
        '192.168.38.201',
        '-o',
        'json',
        ...extra,
      ]);
      expect(r.status, r.stderr).toBe(0);
      const t = JSON.parse(r.stdout) as Trace;
      return t.hops.find((h) => h.kind === 'route' && h.at.startsWith('node/'))!.text;
    };
    expect(route([])).toContain('The subnet 192.168.0.0/19 is assumed');
    expect(route(['--vpc-subnet-prefix', '18'])).not.toContain('assumed');
    const bad = cli([
      'trace',
      '-f',
      eks,
      '--from',
      'pod/default/client',
      '--to',
      '192.168.38.201',
      '--vpc-subnet-prefix',
      '30',
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--vpc-subnet-prefix');
  });

  it('rejects a CNI it does not know, naming the ones it does, exit 2', () => {
    const r = cli(['trace', '--from', 'pod/default/client', '--to', 'pod/default/app-1', '--cni', 'weave']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--cni: "weave" is not one of flannel-vxlan');
    expect(r.stderr).toContain('kindnet');
  });
});

describe('k8s-netviz trace to Services', () => {
  const services = [
    ...cluster,
    '-f',
    join(fixtures, 'cni', 'flannel-vxlan.yaml'),
    '-f',
    join(fixtures, 'services', 'services.yaml'),
  ];
  const json = (args: string[]): Trace => {
    const r = cli(['trace', ...services, ...args, '--json']);
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Trace;
  };

  it('NodePort, externalTrafficPolicy Cluster: masqueraded on the ingress node, reply un-SNAT and un-DNAT there', () => {
    const t = json(['--from', 'external/203.0.113.7', '--to', '192.168.10.11:30080', '--pick', 'default/server-b']);
    expect(t.verdict).toBe('delivered');
    expect(t.hops[0]!.at).toBe('ext/203.0.113.7');
    const masq = t.hops.find((h) => h.nat?.type === 'MASQUERADE')!;
    expect(masq.node).toBe('node-a');
    expect(masq.nat!.after.src).toMatch(/^10\.244\.1\.0:/);
    expect(t.reply!.hops.filter((h) => h.nat).map((h) => h.nat!.type)).toEqual(['un-SNAT', 'un-DNAT']);
    expect(t.reply!.hops.at(-1)!.packet).toMatchObject({ src: '192.168.10.11:30080', dst: t.hops[0]!.packet.src });
  });

  it('NodePort, externalTrafficPolicy Local: client address kept on a node with an endpoint, silent drop elsewhere', () => {
    const kept = json(['--from', 'external/203.0.113.7', '--to', 'nodeport/node-b/30081']);
    expect(kept.verdict).toBe('delivered');
    expect(kept.hops.some((h) => h.nat?.type === 'MASQUERADE')).toBe(false);
    expect(kept.hops.at(-1)!.packet.src).toMatch(/^203\.0\.113\.7:/);
    const dropped = json(['--from', 'external/203.0.113.7', '--to', 'nodeport/cp/30081']);
    expect(dropped.verdict).toBe('dropped');
    expect(dropped.reply).toBeNull();
    expect(
      dropped.hops.some((h) =>
        /^-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default\/np-local:http has no local endpoints" .*-j DROP$/.test(
          h.rule ?? '',
        ),
      ),
    ).toBe(true);
    const table = cli(['trace', ...services, '--from', 'external/203.0.113.7', '--to', 'nodeport/cp/30081']);
    expect(verdictOf(table.stdout)).toMatch(/^verdict: dropped: externalTrafficPolicy Local/);
  });

  it('a Service with no endpoints is refused at once', () => {
    const r = cli(['trace', ...services, '--from', 'pod/client', '--to', 'svc/default/empty']);
    expect(r.status).toBe(0);
    expect(verdictOf(r.stdout)).toMatch(/^verdict: refused: default\/empty has no ready endpoints/);
    const t = json(['--from', 'pod/client', '--to', 'svc/default/empty']);
    expect(
      t.hops.some((h) =>
        /"default\/empty:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable$/.test(
          h.rule ?? '',
        ),
      ),
    ).toBe(true);
    expect(t.reply!.verdict).toBe('refused');
  });

  it('a name lookup lists its NXDOMAIN search candidates; an unknown name is unresolved', () => {
    const t = json(['--from', 'pod/client', '--to', 'kube-dns.kube-system', '--port', '53', '--protocol', 'udp']);
    expect(
      t.dns!.queries.map((q) => `${q.name} ${q.type} ${q.answer === 'NXDOMAIN' ? 'NXDOMAIN' : q.answer.join(',')}`),
    ).toEqual([
      'kube-dns.kube-system.default.svc.cluster.local A NXDOMAIN',
      'kube-dns.kube-system.default.svc.cluster.local AAAA NXDOMAIN',
      'kube-dns.kube-system.svc.cluster.local A 10.96.0.10',
      'kube-dns.kube-system.svc.cluster.local AAAA ',
    ]);
    expect(t.dns!.hops[0]!.packet.dst).toBe('10.96.0.10:53');
    expect(t.verdict).toBe('delivered');
    const r = cli(['trace', ...services, '--from', 'pod/client', '--to', 'nosuch']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('dns: nosuch.default.svc.cluster.local A -> NXDOMAIN');
    expect(r.stdout).toContain('dns: nosuch.cluster.local A -> NXDOMAIN');
    expect(verdictOf(r.stdout)).toMatch(/^verdict: unresolved: nosuch does not resolve/);
  });

  it('a lookup whose queries a NetworkPolicy drops lists the names tried, each timed out', () => {
    const deny = [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata: { name: deny-egress, namespace: default }',
      'spec: { podSelector: {}, policyTypes: [Egress] }',
    ].join('\n');
    const args = ['trace', ...cluster, '-f', join(fixtures, 'cni', 'calico-ipip.yaml')];
    const r = cli(
      [...args, '-f', join(fixtures, 'services', 'services.yaml'), '-f', '-', '--from', 'pod/client', '--to', 'web'],
      deny,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('dns: web.default.svc.cluster.local A -> timed out (no answer)\n');
    expect(r.stdout).toContain('dns: web AAAA -> timed out (no answer)\n');
    expect(verdictOf(r.stdout)).toMatch(/^verdict: unresolved: The DNS query to 10\.96\.0\.10 failed/);
  });

  it('a picked endpoint steers a Local load balancer to its node; a stray pick warns on stderr and in the JSON', () => {
    const args = ['trace', ...services, '--from', 'external/203.0.113.9', '--to', '198.51.100.10'];
    const r = cli([...args, '--pick', 'default/server-b', '--json']);
    expect(r.stderr).toBe('');
    const t = JSON.parse(r.stdout) as Trace;
    expect(t.endpoint!.pod).toBe('default/server-b');
    expect(t.hops[t.hops.findIndex((h) => h.kind === 'load-balancer') + 1]!.node).toBe('node-b');
    const stray = cli([...args, '--pick', 'default/client', '--json']);
    expect(stray.stderr).toBe('warning: --pick default/client matched no choice in this trace\n');
    expect((JSON.parse(stray.stdout) as Trace).warnings).toEqual([
      '--pick default/client matched no choice in this trace',
    ]);
    // the same warning as an object: its code, its sentence and the element it is about
    expect((JSON.parse(stray.stdout) as Trace).warningDetails).toEqual([
      {
        code: 'pick-unmatched',
        message: '--pick default/client matched no choice in this trace',
        subjects: ['pod/default/client'],
      },
    ]);
    const node = cli([...args.slice(0, -2), '--to', '198.51.100.11', '--pick', 'node/cp', '--json']);
    const details = (JSON.parse(node.stdout) as Trace).warningDetails!;
    expect(details).toEqual([
      { code: 'pick-unmatched', message: '--pick node/cp matched no choice in this trace', subjects: ['node/cp'] },
    ]);
    expect(node.stderr).toBe(details.map((d) => `warning: ${d.message}\n`).join(''));
  });

  it('a pick of the resolving client itself is no DNS choice: it warns instead of passing silently', () => {
    const r = cli(['trace', ...services, '--from', 'pod/client', '--to', 'web', '--pick', 'default/client', '--json']);
    expect(r.stderr).toBe('warning: --pick default/client matched no choice in this trace\n');
    const coredns = (JSON.parse(r.stdout) as Trace).dns!.hops.find((h) => h.kind === 'dns')!.at.split('/');
    const pinned = cli([
      'trace',
      ...services,
      '--from',
      'pod/client',
      '--to',
      'web',
      '--pick',
      `${coredns[1]}/${coredns[2]}`,
    ]);
    expect(pinned.stderr).toBe('');
  });

  it('warns about a pick that is not an endpoint', () => {
    const r = cli(['trace', ...services, '--from', 'pod/client', '--to', 'svc/web', '--pick', 'default/duo', '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('warning: --pick default/duo matched no choice in this trace\n');
  });

  describe('the edge of the cluster (issue 5)', () => {
    const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: default
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /cart
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
          - path: /admin
            pathType: Prefix
            backend:
              service:
                name: empty
                port:
                  name: http
`;
    const edge = (args: string[]): { stdout: string; stderr: string; trace: Trace } => {
      const r = cli(['trace', ...services, '-f', '-', ...args, '--json'], ingress);
      expect(r.status, r.stderr).toBe(0);
      return { stdout: r.stdout, stderr: r.stderr, trace: JSON.parse(r.stdout) as Trace };
    };

    it('adds ingress-nginx when Ingresses come without a controller, and says so on stderr', () => {
      const r = edge([
        '--from',
        'external/203.0.113.7',
        '--to',
        'http://shop.example.com/cart',
        '--pick',
        'default/server-b',
      ]);
      expect(r.stderr).toMatch(
        /^warning: The input has 1 Ingress but no Ingress controller: the simulation adds ingress-nginx/,
      );
      expect(r.trace.http).toMatchObject({ host: 'shop.example.com', path: '/cart', status: 200 });
      expect(r.trace.endpoint!.pod).toBe('default/server-b');
      expect(r.trace.hops.filter((h) => h.kind === 'proxy')).toHaveLength(1);
    });

    it('an Ingress without a matching rule: the default backend answers 404, the connection itself was delivered', () => {
      const t = edge(['--from', 'external/203.0.113.7', '--to', 'http://shop.example.com/nothing']).trace;
      expect(t.verdict).toBe('delivered');
      expect(t.http!.status).toBe(404);
      expect(t.http!.headers).toEqual({});
      expect(t.hops.at(-1)!.kind).toBe('proxy');
      const table = cli(
        ['trace', ...services, '-f', '-', '--from', 'external/203.0.113.7', '--to', 'http://shop.example.com/nothing'],
        ingress,
      );
      expect(table.stdout).toMatch(/proxy +container\/ingr…[^ ]*\/controller /);
      const wide = cli(
        [
          'trace',
          ...services,
          '-f',
          '-',
          '--from',
          'external/203.0.113.7',
          '--to',
          'http://shop.example.com/nothing',
          '-o',
          'wide',
        ],
        ingress,
      );
      expect(wide.stdout).toMatch(/proxy +node-a +container\/ingress-nginx\/ingress-nginx-controller-/);
      expect(table.stdout).toMatch(/^http: GET shop\.example\.com\/nothing -> 404$/m);
    });

    it('a backend Service without ready endpoints: 503 from NGINX', () => {
      const t = edge(['--from', 'external/203.0.113.7', '--to', 'http://shop.example.com/admin']).trace;
      expect(t.http!.status).toBe(503);
      expect(t.reason).toContain('503');
    });

    it('--json keeps hops and reply and adds the conversation; the table numbers its steps', () => {
      const r = edge(['--from', 'external/203.0.113.7', '--to', 'http://shop.example.com/cart']);
      const t = r.trace;
      // hops / reply as before: the request path with NGINX's own connection, the answers back
      expect(t.hops[0]!.kind).toBe('socket');
      expect(t.hops.filter((h) => h.kind === 'proxy')).toHaveLength(1);
      expect(t.reply!.hops.at(-1)).toMatchObject({ kind: 'deliver', at: 'ext/203.0.113.7' });
      const conv = t.conversation!.map((x) => `${x.leg} ${x.direction} ${x.carries.join('+')}`);
      expect(conv).toEqual([
        'client-proxy to-server SYN',
        'client-proxy to-client SYN-ACK',
        'client-proxy to-server ACK+request',
        'proxy-backend to-server SYN',
        'proxy-backend to-client SYN-ACK',
        'proxy-backend to-server ACK+request',
        'proxy-backend to-client response',
        'client-proxy to-client response',
      ]);
      for (const x of t.conversation!) {
        const path = x.path === 'hops' ? t.hops : t.reply!.hops;
        expect(x.from).toBeGreaterThanOrEqual(0);
        expect(x.to).toBeLessThanOrEqual(path.length);
        expect(x.to).toBeGreaterThan(x.from);
      }
      const table = cli(
        ['trace', ...services, '-f', '-', '--from', 'external/203.0.113.7', '--to', 'http://shop.example.com/cart'],
        ingress,
      ).stdout;
      const sections = [...table.matchAll(/^-- (.*)$/gm)].map((m) => m[1]);
      expect(sections).toEqual([
        'client-proxy SYN (to-server)',
        'client-proxy SYN-ACK (to-client)',
        'client-proxy ACK + request (to-server)',
        'proxy-backend SYN (to-server)',
        'proxy-backend SYN-ACK (to-client)',
        'proxy-backend ACK + request (to-server)',
        'proxy-backend response (to-client)',
        'client-proxy response (to-client)',
      ]);
      // one row per playback step, numbered as the app numbers them
      const played = t.conversation!.reduce((n, x) => n + x.to - x.from - (x.skip?.length ?? 0), 0);
      const last = [...table.matchAll(/^(\d+) /gm)].map((m) => Number(m[1]));
      expect(last.at(-1)).toBe(played - 1);
      expect(last).toEqual(last.map((_, i) => i));
    });

    it('a pod to a Service: the direct conversation, SYN then SYN-ACK over hops and reply', () => {
      const t = edge(['--from', 'pod/client', '--to', 'svc/web']).trace;
      expect(t.conversation).toEqual([
        expect.objectContaining({ leg: 'direct', carries: ['SYN'], path: 'hops', from: 0, to: t.hops.length }),
        expect.objectContaining({
          leg: 'direct',
          carries: ['SYN-ACK'],
          path: 'reply',
          from: 0,
          to: t.reply!.hops.length,
        }),
      ]);
    });

    it('a URL with an IP and --host: the Host header decides the Ingress rule', () => {
      const np = edge(['--from', 'external/203.0.113.7', '--to', 'http://shop.example.com/cart']).trace.hops[0]!.packet
        .dst;
      const t = edge([
        '--from',
        'external/203.0.113.7',
        '--to',
        `http://${np}/cart`,
        '--host',
        'shop.example.com',
      ]).trace;
      expect(t.http).toMatchObject({ host: 'shop.example.com', status: 200 });
    });

    it('egress: a pod to an Internet address is masqueraded to its node and un-SNATed on the way back', () => {
      const t = edge(['--from', 'pod/client', '--to', '93.184.216.34:443']).trace;
      expect(t.verdict).toBe('delivered');
      const masq = t.hops.find((h) => h.nat?.type === 'MASQUERADE')!;
      expect(masq.rule).toContain('FLANNEL-POSTRTG');
      expect(t.hops.at(-1)).toMatchObject({ kind: 'deliver', at: 'ext/93.184.216.34' });
      expect(t.hops.at(-1)!.packet.src).toBe(masq.nat!.after.src);
      expect(t.reply!.hops.find((h) => h.nat?.type === 'un-SNAT')!.nat!.after.dst).toBe(t.hops[0]!.packet.src);
    });
  });
});

describe('kubectl-style options (issue 24)', () => {
  const hops = ['--from', 'pod/default/client', '--to', 'web', '--port', '80'];

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const r = cli(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`k8s-netviz ${version}\n`);
  });

  it('the default table fits 100 columns, long ids shortened and the verdict wrapped; -o wide has everything', () => {
    const table = cli(['trace', ...hops]);
    expect(table.status).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(100);
    // the CoreDNS pod's container id is longer than the column: shortened in the middle
    expect(table.stdout).toMatch(/ container\/kube-sy…[^ ]*\/coredns {2}/);
    expect(lines.at(-2)).toMatch(/^verdict: delivered: /);
    expect(lines.at(-1)).toMatch(/^ {4}\S/);

    const wide = cli(['trace', ...hops, '-o', 'wide']);
    expect(wide.status).toBe(0);
    const wideLines = wide.stdout.split('\n');
    expect(wideLines[1]).toMatch(/^STEP\s+KIND\s+NODE\s+WHERE\s+SRC -> DST\s+PROTO\s+TTL\s+OUTER\s+NAT\s+RULE$/);
    expect(wide.stdout).toContain('container/kube-system/coredns-');
    expect(wide.stdout).toMatch(/DNAT dst 10\.96\.0\.10:53 -> 10\.244\.\d+\.\d+:53 +-A KUBE-SEP-/);
    expect(wideLines.find((l) => l.startsWith('verdict: '))).toMatch(/\(iptables mode\)\.$/);
  });

  it('-o yaml is the same trace as -o json, and --json is -o json', () => {
    const json = cli(['trace', ...hops, '-o', 'json']);
    const yaml = cli(['trace', ...hops, '-o', 'yaml']);
    expect(yaml.status).toBe(0);
    expect(parse(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    expect(cli(['trace', ...hops, '--json']).stdout).toBe(json.stdout);
  });

  it('-n names the namespace of pod/<name> and svc/<name>, and of a --pick without one', () => {
    const r = cli([
      'trace',
      '-n',
      'kube-system',
      '--from',
      'pod/default/client',
      '--to',
      'svc/kube-dns',
      '--port',
      '53',
      '--protocol',
      'udp',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as Trace;
    expect(t.request.to).toBe('svc/kube-system/kube-dns');
    expect(t.endpoint!.pod).toMatch(/^kube-system\/coredns-/);
    const pod = t.endpoint!.pod.split('/')[1]!;
    const picked = cli([
      'trace',
      '--namespace',
      'kube-system',
      '--from',
      'pod/default/client',
      '--to',
      'svc/kube-dns',
      '--port',
      '53',
      '--protocol',
      'udp',
      '--pick',
      pod,
      '--json',
    ]);
    expect(picked.status, picked.stderr).toBe(0);
    expect((JSON.parse(picked.stdout) as Trace).request.pick).toEqual([`kube-system/${pod}`]);
  });

  it('--exit-code: 0 delivered, 3 refused, 4 dropped, 5 unresolved; without it 0', () => {
    const services = [
      ...cluster,
      '-f',
      join(fixtures, 'cni', 'flannel-vxlan.yaml'),
      '-f',
      join(fixtures, 'services', 'services.yaml'),
    ];
    const status = (args: string[]) => cli(['trace', ...services, ...args, '--exit-code']).status;
    expect(status(['--from', 'pod/client', '--to', 'pod/server-b', '--port', '8080'])).toBe(0);
    expect(status(['--from', 'pod/client', '--to', 'svc/default/empty'])).toBe(3);
    expect(status(['--from', 'external/203.0.113.7', '--to', 'nodeport/cp/30081'])).toBe(4);
    expect(status(['--from', 'pod/client', '--to', 'nosuch'])).toBe(5);
    expect(cli(['trace', ...services, '--from', 'pod/client', '--to', 'nosuch']).status).toBe(0);
  });

  it('--help lists every option', () => {
    const help = cli(['--help']).stdout;
    for (const option of ['--version', '-o, --output', '--json', '-n, --namespace', '--exit-code', '--no-open', 'open'])
      expect(help).toContain(option);
  });
});

describe('hostile input (issue 27)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netviz-hostile-'));
  const pod = (name: string): string =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  nodeName: node-a\n  containers:\n    - name: c\n`;

  it('refuses control and bidi characters in a manifest name, and escapes them wherever it echoes them', () => {
    const name = 'evil\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202ex';
    // eslint-disable-next-line no-control-regex
    const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;
    // in a file: the importer refuses the name, naming the field and its line
    const file = join(dir, 'evil.yaml');
    writeFileSync(file, pod(JSON.stringify(name)));
    const refused = cli(['trace', '-f', file, '--from', 'pod/default/x', '--to', '203.0.113.9:443']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('metadata.name');
    expect(refused.stderr).not.toMatch(unsafe);
    // on the command line: the error echoes it escaped, never raw
    const echoed = cli(['trace', '--from', `pod/default/${name}`, '--to', '203.0.113.9:443']);
    expect(echoed.status).toBe(2);
    expect(echoed.stderr).not.toMatch(unsafe);
    expect(echoed.stderr).toContain('evil\\x1b]0;pwned');
  });

  const write = (name: string, content: string | Buffer): string => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const nested = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
  const bigList = JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: Array.from({ length: 12000 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `p-${i}`,
        managedFields: [
          { manager: 'kubectl', fieldsV1: Object.fromEntries(Array.from({ length: 60 }, (_, j) => [`f:k${j}`, {}])) },
        ],
      },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: i < 11999 ? 80 : 'eighty' }] }] },
    })),
  });
  const cases: [string, string | Buffer, RegExp][] = [
    ['empty', '', /empty: no Kubernetes objects/],
    [
      'alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x]\n${'bcdefg'
        .split('')
        .map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`)
        .join('\n')}\n`,
      /:1:1: YAML aliases expand beyond the limit/,
    ],
    ['undefined alias', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: *nope\n', /:\d+:\d+: .*Unresolved alias/],
    ['10,000-deep YAML', `a: ${nested(10000)}\n`, /:1:\d+: The input nests maps and lists more than 64 levels/],
    ['10,000-deep JSON', `{"a": ${nested(10000)}}`, /:1:\d+: The input nests maps and lists more than 64 levels/],
    ['unknown tag', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: !!js/function "function(){}"\n', /:\d+:\d+: /],
    [
      'duplicate keys',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n',
      /:5:3: Invalid YAML: Map keys must be unique/,
    ],
    ['tabs', 'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n', /:4:1: Invalid YAML: Tabs/],
    ['not Kubernetes', 'hello: world\n', /:1:1: .*not a Kubernetes object/],
    ['JSON trailing comma', '{"apiVersion": "v1", "kind": "Pod", }', /:1:\d+: Invalid JSON/],
    [
      'Latin-1',
      Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: caf\xe9\n', 'latin1'),
      /:4:12: byte 0xe9 is not UTF-8 text/,
    ],
    [
      'binary',
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]),
      /:1:7: a NUL byte: this is a binary file/,
    ],
    ['UTF-16 without BOM', Buffer.from('apiVersion: v1\n', 'utf16le'), /:1:2: a NUL byte/],
    [
      'replicas: 100000',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: big\nspec:\n  replicas: 100000\n  selector:\n    matchLabels: {app: big}\n  template:\n    metadata:\n      labels: {app: big}\n    spec:\n      containers:\n        - name: c\n',
      /:\d+:\d+: Deployment default\/big: /,
    ],
    [
      'a 10 MB List with managedFields',
      bigList,
      /:1:\d+: Pod default\/p-11999: spec\.containers\[0\]\.ports\[0\]\.containerPort: /,
    ],
  ];

  it('hostile files through trace -f: exit 2, one line naming file, line and column, no stack trace, no hang', () => {
    const rows: string[] = [];
    for (const [name, content, message] of cases) {
      const file = write(`${name.replace(/\W+/g, '-')}.${/JSON|List/.test(name) ? 'json' : 'yaml'}`, content);
      const started = performance.now();
      const r = cli(['trace', '-f', file, '--from', 'pod/client', '--to', 'pod/app-1'], undefined, 60_000);
      const ms = Math.round(performance.now() - started);
      rows.push(
        `${name.padEnd(32)} exit ${r.status}  ${String(ms).padStart(5)} ms  ${r.stderr.split('\n')[0]!.slice(0, 110)}`,
      );
      expect(r.status, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      const errors = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '));
      expect(errors, name).toHaveLength(1);
      expect(errors[0], name).toContain(file);
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    console.log(`hostile input through trace -f:\n${rows.join('\n')}`);
  }, 120_000);

  it('refuses a file larger than the limit before reading it', () => {
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, Buffer.alloc(MAX_INPUT_BYTES + 1, 0x61));
    const r = cli(['trace', '-f', file, '--from', 'pod/client', '--to', 'pod/app-1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `k8s-netviz: ${file}: the input is more than 48 MiB in all; the limit is 48 MiB (MAX_INPUT_BYTES)\n`,
    );
  });

  it('stops reading an endless stdin at the limit: exit 2', async () => {
    const child = spawn(process.execPath, [bin, 'trace', '-f', '-', '--from', 'pod/a', '--to', 'pod/b'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const chunk = Buffer.alloc(1024 * 1024, 'a: b\n');
    let written = 0;
    child.stdin.on('error', () => undefined);
    const status = await new Promise<number | null>((done) => {
      child.on('exit', (code) => done(code));
      const pump = (): void => {
        while (child.stdin.writable && written < 200 * 1024 * 1024) {
          written += chunk.length;
          if (!child.stdin.write(chunk)) {
            child.stdin.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    expect(status).toBe(2);
    expect(stderr).toMatch(/^k8s-netviz: <stdin>: the input is more than 48 MiB in all/);
    expect(written).toBeLessThan(100 * 1024 * 1024);
  }, 60_000);

  it('a dangling symbolic link in a -f directory: a clear error, exit 2', () => {
    const linked = mkdtempSync(join(tmpdir(), 'netviz-links-'));
    writeFileSync(join(linked, 'a.yaml'), pod('a'));
    symlinkSync(join(linked, 'missing.yaml'), join(linked, 'b.yaml'));
    const r = cli(['trace', '-f', linked, '--from', 'pod/a', '--to', 'pod/a']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`k8s-netviz: -f ${join(linked, 'b.yaml')}: a symbolic link to a file that does not exist\n`);
  });
});
