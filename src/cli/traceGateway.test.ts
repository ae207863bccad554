import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from './args';
import { run } from './run';

const examples = fileURLToPath(new URL('../sim/gateway/fixtures/examples.yaml', import.meta.url));
const ciliumFixture = fileURLToPath(new URL('../sim/gateway/fixtures/cilium.yaml', import.meta.url));

async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await run(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

const trace = (to: string, ...rest: string[]) =>
  cli(['trace', '-f', examples, '--from', 'external/203.0.113.10', '--to', to, ...rest]);

describe('k8s-netviz trace through a Gateway', () => {
  it('adds the Envoy proxy a dump lacks, with a warning, and traces through it', async () => {
    const r = await trace('http://api.example.com/cart');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('warning: The input has a Gateway of Envoy Gateway but not the proxy it creates');
    expect(r.stderr).toContain('envoy-default-web-');
    expect(r.stdout).toContain('http: GET api.example.com/cart -> 200');
    expect(r.stdout).toContain('http: route HTTPRoute default/api rule 0');
    expect(r.stdout).toContain('http: upstream header x-forwarded-for: 203.0.113.10');
    expect(r.stdout).toMatch(/endpoint: shop\/cart-/);
  });

  it('--header and the query string take part in matching; -o json carries route, location and backend', async () => {
    const canary = await trace('https://www.example.com/?a=1', '--header', 'x-canary: always', '-o', 'json');
    expect(canary.status).toBe(0);
    const t = JSON.parse(canary.stdout) as {
      request: { headers: string[] };
      endpoint: { pod: string };
      http: {
        route: { name: string; rule: number };
        query: string;
        backend: { path: string; headers: Record<string, string> };
      };
    };
    expect(t.request.headers).toEqual(['x-canary: always']);
    expect(t.endpoint.pod).toMatch(/^default\/web-canary-/);
    expect(t.http).toMatchObject({ route: { name: 'web', rule: 0 }, query: 'a=1', backend: { path: '/?a=1' } });
    expect(t.http.backend.headers['x-canary']).toBe('always');
    const redirect = await trace('http://www.example.com/a?b=c');
    expect(redirect.stdout).toContain('http: GET www.example.com/a?b=c -> 301');
    expect(redirect.stdout).toContain('http: location https://www.example.com/a?b=c');
  });

  it('--method reaches the request; --method and --header need a URL; a bad method is a usage error', async () => {
    const post = await trace('http://api.example.com/cart', '--method', 'POST', '-o', 'json');
    expect(JSON.parse(post.stdout)).toMatchObject({ request: { method: 'POST' }, http: { method: 'POST' } });
    expect(() => parseCommandLine(['trace', '--from', 'pod/a', '--to', 'pod/b', '--method', 'POST'])).toThrow(
      new UsageError('--method applies to a URL destination (--to http(s)://host/path)'),
    );
    const bad = await trace('http://api.example.com/cart', '--method', 'GE T');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('method: "GE T" is not an HTTP method');
    const header = await trace('http://api.example.com/cart', '--header', 'no colon');
    expect(header.status).toBe(2);
    expect(header.stderr).toContain('is not a header line');
  });
});

describe('the Gateway scenarios in the CLI', () => {
  it('trace from their manifests to the HTTP status the app shows', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { stringify } = await import('yaml');
    const { SCENARIOS } = await import('../sim/scenarios/catalog');
    const { buildCluster } = await import('../sim/model/build');
    const { toManifests } = await import('../sim/export/toManifests');
    const dir = mkdtempSync(join(tmpdir(), 'netviz-gw-'));
    const expected: Record<string, number> = {
      gateway: 200,
      'gateway-split': 200,
      'gateway-redirect': 301,
      'gateway-header-match': 200,
      'gateway-no-route': 404,
      'gateway-cross-namespace': 500,
      'gateway-cross-namespace-granted': 200,
    };
    for (const [id, status] of Object.entries(expected)) {
      const s = SCENARIOS.find((x) => x.id === id)!;
      const file = join(dir, `${id}.yaml`);
      const docs = toManifests(buildCluster(s.spec), s.spec, { style: 'authored' });
      writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
      const headers = (s.request.headers ?? []).flatMap((h) => ['--header', h]);
      const r = await cli([
        'trace',
        '-f',
        file,
        '--from',
        s.request.from,
        '--to',
        s.request.to,
        ...headers,
        '-o',
        'json',
      ]);
      expect(r.status, `${id}: ${r.stderr}`).toBe(0);
      // the manifests already hold the Envoy proxy: nothing is added
      expect(r.stderr, id).not.toContain('Envoy Gateway but not the proxy');
      expect((JSON.parse(r.stdout) as { http: { status: number } }).http.status, id).toBe(status);
    }
  });

  it("with Cilium (enable-gateway-api, kube-proxy replacement): the node's Envoy, from its ingress address", async () => {
    const args = [
      'trace',
      '-f',
      ciliumFixture,
      '--from',
      'external/203.0.113.10',
      '--to',
      'http://shop.example.com/cart',
    ];
    const r = await cli([...args, '--seed', '2']);
    expect(r.status).toBe(0);
    // the operator's Service is added on import, and said so; no proxy pod anywhere
    expect(r.stderr).toContain("warning: The input has a Gateway of Cilium's GatewayClass");
    expect(r.stderr).toContain('default/cilium-gateway-shop');
    expect(r.stdout).toContain('http: GET shop.example.com/cart -> 200');
    expect(r.stdout).toContain('http: upstream header x-forwarded-for: 203.0.113.10');
    expect(r.stdout).toContain('http: upstream header x-envoy-external-address: 203.0.113.10');
    const json = await cli([...args, '--seed', '2', '-o', 'json']);
    const t = JSON.parse(json.stdout) as {
      hops: { kind: string; at: string; packet: { src: string }; nat?: unknown }[];
    };
    const envoy = t.hops.findIndex((h) => h.kind === 'proxy');
    expect(t.hops[envoy]?.at).toMatch(/^dev\/node-[ab]\/cilium-envoy$/);
    // no translation on the way to Envoy; the upstream connection leaves from the node's ingress address
    expect(t.hops.slice(0, envoy).some((h) => h.nat !== undefined)).toBe(false);
    const node = t.hops[envoy]?.at.split('/')[1];
    expect(t.hops[envoy + 1]?.packet.src).toMatch(node === 'node-a' ? /^10\.244\.1\.254:/ : /^10\.244\.2\.254:/);
    // from inside the cluster the node's Envoy is not followed: a clear request error
    const inside = await cli([
      'trace',
      '-f',
      ciliumFixture,
      '--from',
      'node/node-a',
      '--to',
      'http://shop.example.com/',
    ]);
    expect(inside.status).toBe(2);
    expect(inside.stderr).toContain('is traced from outside it (from: external/<ip>)');
  });
});
