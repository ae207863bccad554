import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildCluster } from '../model/build';
import type { ClusterSpec } from '../model/build';
import type { Cluster } from '../model/types';
import { matchIngress } from '../resolve/ingress';
import { findScenario } from '../scenarios/catalog';
import { loadManifests } from '../import/index';
import { conversionOf, conversionYaml, ingressToGateway, nameFromHost } from './fromIngress';
import type { IngressConversion } from './fromIngress';
import { routeRequest } from './route';

const shopSpec = (): ClusterSpec => findScenario('ingress')!.spec;

/** The shop's cluster with its Ingress replaced by these. */
function withIngresses(...ingresses: object[]): Cluster {
  const spec = shopSpec();
  const extras = (spec.extras ?? []).filter((o) => (o as { kind?: string }).kind !== 'Ingress');
  return buildCluster({ ...spec, extras: [...extras, ...ingresses] });
}

function ingress(name: string, spec: object, annotations: Record<string, string> = {}): object {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', annotations },
    spec: { ingressClassName: 'nginx', ...spec },
  };
}

const svc = (name: string, port: number | string) => ({
  service: { name, port: typeof port === 'number' ? { number: port } : { name: port } },
});

/** The cluster with the converted objects in place, served by a GatewayClass of that name. */
function asGateway(cluster: Cluster, conv: IngressConversion): Cluster {
  const classes = [...new Set(conv.objects.filter((o) => o.kind === 'Gateway').map((o) => o.name))].map((name) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name },
    spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
  }));
  return { ...cluster, extras: [...cluster.extras, ...classes, ...conv.objects.map((o) => o.manifest)] };
}

type Outcome = string;
const ingressOutcome = (cluster: Cluster, scheme: 'http' | 'https', host: string, path: string): Outcome => {
  const m = matchIngress(cluster, { host, path, scheme });
  if (m.status === 308) return `redirect ${m.redirect ?? ''}`;
  return m.backend ? `${m.status} ${m.backend.service}` : `${m.status}`;
};
const gatewayOutcome = (cluster: Cluster, scheme: 'http' | 'https', host: string, path: string): Outcome => {
  const d = routeRequest(
    cluster,
    { namespace: 'default', name: 'nginx' },
    { scheme, host, port: scheme === 'https' ? 443 : 80, method: 'GET', path, query: [], headers: [] },
  );
  if (d.location !== null) return `redirect ${d.location}`;
  return d.picked ? `${d.status} ${d.picked.ref.name}` : `${d.status}`;
};

describe('ingressToGateway', () => {
  it('turns the shop Ingress into a Gateway per class and an HTTPRoute per host', () => {
    const conv = ingressToGateway(buildCluster(shopSpec()));
    expect(conv.objects.map((o) => `${o.kind} ${o.namespace}/${o.name}`)).toEqual([
      'Gateway default/nginx',
      'HTTPRoute default/shop-shop-example-com',
    ]);
    const [gw, route] = conv.objects;
    expect(gw!.manifest['spec']).toEqual({
      gatewayClassName: 'nginx',
      listeners: [{ name: 'shop-example-com-http', hostname: 'shop.example.com', port: 80, protocol: 'HTTP' }],
    });
    expect(route!.manifest['spec']).toEqual({
      parentRefs: [{ name: 'nginx' }],
      hostnames: ['shop.example.com'],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/cart' } }], backendRefs: [{ name: 'web', port: 80 }] },
        // the named port `http` of Service admin, as a number
        { matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [{ name: 'admin', port: 80 }] },
      ],
    });
    // the shop's one host has no TLS: ingress-nginx's self-signed HTTPS does not carry over
    expect(conv.notes.map((n) => n.subject)).toEqual(['host shop.example.com']);
  });

  it('writes YAML the importer accepts as Gateway API', () => {
    const conv = ingressToGateway(
      withIngresses(
        ingress(
          'tls',
          {
            tls: [{ hosts: ['secure.test'], secretName: 'secure-cert' }],
            rules: [
              { host: 'secure.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('web', 80) }] } },
            ],
          },
          {},
        ),
      ),
    );
    const docs = parseAllDocuments(conversionYaml(conv.objects)).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs.map((d) => d['kind'])).toEqual(['Gateway', 'HTTPRoute', 'HTTPRoute']);
    for (const d of docs) expect(d['apiVersion']).toBe('gateway.networking.k8s.io/v1');
    // an HTTPS listener with the Secret, and the route split into https and its http redirect
    expect((docs[0]!['spec'] as { listeners: unknown[] }).listeners).toEqual([
      { name: 'secure-test-http', hostname: 'secure.test', port: 80, protocol: 'HTTP' },
      {
        name: 'secure-test-https',
        hostname: 'secure.test',
        port: 443,
        protocol: 'HTTPS',
        tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'secure-cert' }] },
      },
    ]);
    expect(docs[1]!['spec']).toMatchObject({
      parentRefs: [{ name: 'nginx', sectionName: 'secure-test-https', port: 443 }],
    });
    expect(docs[2]!['metadata']).toMatchObject({ name: 'tls-secure-test-http' });
    expect(docs[2]!['spec']).toMatchObject({
      parentRefs: [{ name: 'nginx', port: 80 }],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 308 } }] }],
    });
  });

  it('names listeners and routes after hosts as ingress2gateway does', () => {
    expect(nameFromHost('shop.example.com')).toBe('shop-example-com');
    expect(nameFromHost('*.example.com')).toBe('example-com');
    expect(nameFromHost(null)).toBe('all-hosts');
    expect(nameFromHost('*')).toBe('all-hosts');
  });

  it('splits canary weights and adds header rules', () => {
    const paths = (service: string) => ({
      host: 'app.test',
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc(service, 80) }] },
    });
    const conv = ingressToGateway(
      withIngresses(
        ingress('main', { rules: [paths('web')] }),
        ingress(
          'canary',
          { rules: [paths('admin')] },
          {
            'nginx.ingress.kubernetes.io/canary': 'true',
            'nginx.ingress.kubernetes.io/canary-weight': '10',
            'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
          },
        ),
      ),
    );
    const route = conv.objects.find((o) => o.kind === 'HTTPRoute')!;
    expect(route.name).toBe('main-app-test');
    expect(route.sources).toEqual(['default/main', 'default/canary']);
    expect((route.manifest['spec'] as { rules: unknown[] }).rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [
          { name: 'web', port: 80, weight: 90 },
          { name: 'admin', port: 80, weight: 10 },
        ],
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'X-Canary', value: 'always' }] }],
        backendRefs: [{ name: 'admin', port: 80 }],
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'X-Canary', value: 'never' }] }],
        backendRefs: [{ name: 'web', port: 80 }],
      },
    ]);
  });

  it('converts redirects and rewrites, and lists what it cannot convert with the reason', () => {
    const conv = ingressToGateway(
      withIngresses(
        ingress(
          'moved',
          {
            rules: [
              { host: 'old.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('web', 80) }] } },
            ],
          },
          { 'nginx.ingress.kubernetes.io/permanent-redirect': 'https://new.test/home' },
        ),
        ingress(
          'rewrite',
          {
            rules: [
              {
                host: 'api.test',
                http: {
                  paths: [{ path: '/api(/|$)(.*)', pathType: 'ImplementationSpecific', backend: svc('web', 80) }],
                },
              },
            ],
          },
          {
            'nginx.ingress.kubernetes.io/rewrite-target': '/$2',
            'nginx.ingress.kubernetes.io/use-regex': 'true',
            'nginx.ingress.kubernetes.io/limit-rps': '5',
            'nginx.ingress.kubernetes.io/enable-cors': 'true',
          },
        ),
      ),
    );
    const moved = conv.objects.find((o) => o.name === 'moved-old-test')!;
    expect((moved.manifest['spec'] as { rules: unknown[] }).rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        filters: [
          {
            type: 'RequestRedirect',
            requestRedirect: {
              scheme: 'https',
              hostname: 'new.test',
              path: { type: 'ReplaceFullPath', replaceFullPath: '/home' },
              statusCode: 301,
            },
          },
        ],
      },
    ]);
    const rewrite = conv.objects.find((o) => o.name === 'rewrite-api-test')!;
    // use-regex: a case-insensitive regular expression; the $2 rewrite has no equivalent
    expect((rewrite.manifest['spec'] as { rules: unknown[] }).rules).toEqual([
      {
        matches: [{ path: { type: 'RegularExpression', value: '(?i)/api(/|$)(.*).*' } }],
        backendRefs: [{ name: 'web', port: 80 }],
      },
    ]);
    const notes = conv.notes.filter((n) => n.ingress === 'default/rewrite');
    expect(notes.find((n) => n.subject === 'nginx.ingress.kubernetes.io/rewrite-target')?.reason).toMatch(
      /capture group/,
    );
    expect(notes.find((n) => n.subject === 'nginx.ingress.kubernetes.io/limit-rps')?.reason).toMatch(/does not know/);
    expect(notes.find((n) => n.subject === 'nginx.ingress.kubernetes.io/enable-cors')?.reason).toMatch(/CORS/);
  });

  it('a plain rewrite-target becomes URLRewrite ReplaceFullPath', () => {
    const conv = ingressToGateway(
      withIngresses(
        ingress(
          'rw',
          {
            rules: [
              { host: 'rw.test', http: { paths: [{ path: '/old', pathType: 'Prefix', backend: svc('web', 80) }] } },
            ],
          },
          { 'nginx.ingress.kubernetes.io/rewrite-target': '/new' },
        ),
      ),
    );
    const route = conv.objects.find((o) => o.name === 'rw-rw-test')!;
    expect((route.manifest['spec'] as { rules: unknown[] }).rules).toEqual([
      {
        matches: [{ path: { type: 'RegularExpression', value: '(?i)/old.*' } }],
        filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' } } }],
        backendRefs: [{ name: 'web', port: 80 }],
      },
    ]);
  });

  it('conversionOf keeps one Ingress’s routes, their Gateway and its notes', () => {
    const cluster = withIngresses(
      ingress('a', {
        rules: [{ host: 'a.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('web', 80) }] } }],
      }),
      ingress('b', {
        rules: [{ host: 'b.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('web', 80) }] } }],
      }),
    );
    const a = conversionOf(cluster, { namespace: 'default', name: 'a' })!;
    expect(a.objects.map((o) => o.name)).toEqual(['nginx', 'a-a-test']);
    expect(a.notes.every((n) => n.ingress === 'default/a')).toBe(true);
    expect(conversionOf(cluster, { namespace: 'default', name: 'nope' })).toBeNull();
  });
});

describe('the converted routes send requests where the Ingress did', () => {
  it('for the built-in ingress scenario: the same backend or the same 404 for every probe', () => {
    const cluster = buildCluster(shopSpec());
    const conv = ingressToGateway(cluster);
    const gw = asGateway(cluster, conv);
    const host = 'shop.example.com';
    for (const path of ['/cart', '/cart/', '/cart/items/1', '/cartx', '/admin', '/admin/x', '/', '/other'])
      expect(gatewayOutcome(gw, 'http', host, path), path).toBe(ingressOutcome(cluster, 'http', host, path));
    expect(gatewayOutcome(gw, 'http', 'other.test', '/cart')).toBe(
      ingressOutcome(cluster, 'http', 'other.test', '/cart'),
    );
  });

  it('where they differ, the notes say so', () => {
    const cluster = withIngresses(
      ingress('wild', {
        rules: [
          { host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('web', 80) }] } },
        ],
      }),
      ingress('api', {
        defaultBackend: svc('admin', 80),
        rules: [
          {
            host: 'api.test',
            http: { paths: [{ path: '/v1', pathType: 'ImplementationSpecific', backend: svc('web', 80) }] },
          },
        ],
      }),
      ingress('secure', {
        tls: [{ hosts: ['secure.test'], secretName: 'secure-cert' }],
        rules: [{ host: 'secure.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc('web', 80) }] } }],
      }),
    );
    const conv = ingressToGateway(cluster);
    const gw = asGateway(cluster, conv);
    const probes: { scheme: 'http' | 'https'; host: string; path: string; because?: string }[] = [
      { scheme: 'http', host: 'a.example.com', path: '/' },
      { scheme: 'http', host: 'a.b.example.com', path: '/', because: 'host *.example.com' },
      { scheme: 'http', host: 'api.test', path: '/v1' },
      { scheme: 'http', host: 'api.test', path: '/v1/x' },
      { scheme: 'http', host: 'api.test', path: '/v1x', because: 'path /v1 (ImplementationSpecific)' },
      // the default backend's route has no hostnames, so it takes the listener's: api.test's paths
      // that its rules miss still reach it, as with ingress-nginx
      { scheme: 'http', host: 'api.test', path: '/other' },
      { scheme: 'http', host: 'other.test', path: '/' },
      { scheme: 'http', host: 'secure.test', path: '/' },
      { scheme: 'https', host: 'secure.test', path: '/x' },
    ];
    for (const p of probes) {
      const before = ingressOutcome(cluster, p.scheme, p.host, p.path);
      const after = gatewayOutcome(gw, p.scheme, p.host, p.path);
      const label = `${p.scheme}://${p.host}${p.path}: ${before} vs ${after}`;
      if (p.because === undefined) expect(after, label).toBe(before);
      else {
        expect(after, label).not.toBe(before);
        expect(
          conv.notes.map((n) => n.subject),
          label,
        ).toContain(p.because);
      }
    }
  });
});

describe('the converted objects pass the importer’s checks', () => {
  it('the YAML of a conversion with TLS, canary, redirects and a default backend imports without a problem', () => {
    const conv = ingressToGateway(
      withIngresses(
        ingress('main', {
          defaultBackend: svc('admin', 80),
          tls: [{ hosts: ['app.test'], secretName: 'app-cert' }],
          rules: [
            { host: 'app.test', http: { paths: [{ path: '/docs/', pathType: 'Prefix', backend: svc('web', 80) }] } },
          ],
        }),
        ingress(
          'canary',
          {
            rules: [
              {
                host: 'app.test',
                http: { paths: [{ path: '/docs/', pathType: 'Prefix', backend: svc('admin', 'http') }] },
              },
            ],
          },
          { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '25' },
        ),
      ),
    );
    const text = conversionYaml(conv.objects);
    const r = loadManifests([{ name: 'converted.yaml', text }]);
    if (!r.ok) throw new Error(r.errors.map((e) => `${e.object ?? ''} ${e.field ?? ''} ${e.message}`).join('\n'));
    expect(r.warnings.filter((w) => /gateway|route|listener/i.test(w.message))).toEqual([]);
    expect(conv.objects.map((o) => o.name)).toEqual([
      'nginx',
      'main-app-test',
      'main-app-test-http',
      'main-default-backend',
    ]);
  });
});
