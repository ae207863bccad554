/**
 * The real command line: built with scripts/build-cli.mjs and run as `node dist-cli/k8s-netviz.js`
 * on the YAML fixtures of the data-path tests.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '../sim/trace/types';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'dist-cli', 'k8s-netviz.js');
const fixtures = join(root, 'src', 'sim', 'resolve', 'fixtures');

function cli(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', input: input ?? '' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
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
    expect(lines[1]).toMatch(/^step\s+kind\s+where\s+src -> dst\s+NAT before -> after\s+rule$/);
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
    [['frobnicate'], /unknown command "frobnicate"/],
    [['trace', '--from', 'pod/nope', '--to', 'pod/app-1'], /no pod default\/nope/],
    [['trace', '--from', 'pod/client', '--to', 'svc/default/nope'], /no Service default\/nope/],
    [['trace', '--from', 'pod/client', '--to', 'pod/app-1', '--pick', 'nobody'], /--pick: "nobody"/],
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
    expect(table.stdout.trimEnd().split('\n').at(-1)).toMatch(/^verdict: dropped: externalTrafficPolicy Local/);
  });

  it('a Service with no endpoints is refused at once', () => {
    const r = cli(['trace', ...services, '--from', 'pod/client', '--to', 'svc/default/empty']);
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^verdict: refused: default\/empty has no ready endpoints/);
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
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^verdict: unresolved: nosuch does not resolve/);
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
      expect(table.stdout).toMatch(/proxy +container\/ingress-nginx\/ingress-nginx-controller-/);
      expect(table.stdout).toMatch(/^http: GET shop\.example\.com\/nothing -> 404$/m);
    });

    it('a backend Service without ready endpoints: 503 from NGINX', () => {
      const t = edge(['--from', 'external/203.0.113.7', '--to', 'http://shop.example.com/admin']).trace;
      expect(t.http!.status).toBe(503);
      expect(t.reason).toContain('503');
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
