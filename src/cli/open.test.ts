import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { joinSources, serveApp } from './open';
import type { AppServer } from './open';
import { run } from './run';
import { loadManifests } from '../sim/import/index';

function makeApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netviz-app-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dir, 'assets', 'main.js'), 'console.log(1)');
  writeFileSync(join(dir, '..', `${dir.split('/').at(-1)}-secret.txt`), 'secret');
  return dir;
}

/** A raw GET (fetch would normalise the path and refuse to send another Host). */
function get(
  url: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { port } = new URL(url);
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

let server: AppServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('serveApp', () => {
  it('serves the app and the manifests under a token only, on 127.0.0.1', async () => {
    server = await serveApp({ appDir: makeApp(), manifests: 'kind: Pod\n' });
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    const token = url.pathname.split('/')[1]!;
    expect(token).toMatch(/^[\w-]{32}$/);
    expect(url.search).toBe('?manifests=manifests.yaml');

    const index = await get(server.url, `/${token}/`);
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>app</title>');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect((await get(server.url, `/${token}/assets/main.js`)).headers['content-type']).toMatch(/^text\/javascript/);
    const manifests = await get(server.url, `/${token}/manifests.yaml`);
    expect(manifests.body).toBe('kind: Pod\n');
    const bare = await get(server.url, `/${token}?x=1`);
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe(`/${token}/?x=1`);
  });

  it.each([
    ['no token', (t: string) => `/index.html`.replace(t, '')],
    ['another token', (t: string) => `/${t.slice(0, -1)}x/`],
    ['a shorter token', (t: string) => `/${t.slice(1)}/`],
    ['a path out of the app', (t: string) => `/${t}/../${t}-secret.txt`],
    ['an encoded path out of the app', (t: string) => `/${t}/%2e%2e/x`],
    ['an encoded slash', (t: string) => `/${t}/assets%2fmain.js`],
    ['a missing file', (t: string) => `/${t}/nope.js`],
    ['a directory', (t: string) => `/${t}/assets`],
  ])('answers 404 to %s', async (_, path) => {
    server = await serveApp({ appDir: makeApp(), manifests: null });
    const token = new URL(server.url).pathname.split('/')[1]!;
    const r = await get(server.url, path(token));
    expect(r.status).toBe(404);
    expect(r.body).toBe('Not found\n');
  });

  it('refuses another Host (DNS rebinding) and other methods', async () => {
    server = await serveApp({ appDir: makeApp(), manifests: null });
    const token = new URL(server.url).pathname.split('/')[1]!;
    expect((await get(server.url, `/${token}/`, { Host: 'attacker.example:80' })).status).toBe(421);
    expect((await get(server.url, `/${token}/`, {}, 'POST')).status).toBe(405);
    // without manifests there is nothing at their path, and no parameter in the address
    expect((await get(server.url, `/${token}/manifests.yaml`)).status).toBe(404);
    expect(new URL(server.url).search).toBe('');
  });
});

describe('joinSources', () => {
  it('keeps one source as it is and joins several into one YAML stream naming each file', () => {
    expect(joinSources([{ name: 'a.json', text: '{"kind": "List"}' }])).toBe('{"kind": "List"}');
    expect(
      joinSources([
        { name: 'a.yaml', text: '\ufeffkind: Pod' },
        { name: 'b\n.json', text: '{"kind": "Service"}\n' },
      ]),
    ).toBe('# source: "a.yaml"\nkind: Pod\n---\n# source: "b\\n.json"\n{"kind": "Service"}\n');
  });
});

describe('k8s-netviz open', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n';

  async function open(
    args: string[],
    stdin = '',
  ): Promise<{ status: number; out: string; err: string; body: string | null }> {
    let out = '';
    let err = '';
    let body: string | null = null;
    let stop = (): void => undefined;
    const status = await run(['open', ...args], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      stdin: Readable.from([Buffer.from(stdin)]),
      open: {
        appDir: makeApp(),
        launch: () => undefined,
        stopped: () => new Promise<void>((done) => (stop = done)),
        onListening: (url) => {
          const u = new URL(url);
          void get(url, `${u.pathname}manifests.yaml`).then((r) => {
            body = r.status === 200 ? r.body : null;
            stop();
          });
        },
      },
    });
    return { status, out, err, body };
  }

  it('--no-open prints the address, serves the manifests read from stdin, and stops when told', async () => {
    const r = await open(['--no-open', '-f', '-'], pod);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/\?manifests=manifests\.yaml\n$/);
    expect(r.body).toBe(pod);
    expect(r.err).toMatch(/stopped\n$/);
  });

  it('joins several files, YAML and JSON, into one text the importer reads as it read them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netviz-files-'));
    writeFileSync(join(dir, 'a.yaml'), pod);
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } };
    writeFileSync(join(dir, 'b.json'), JSON.stringify(service, null, 2));
    const r = await open(['--no-open', '-f', join(dir, 'a.yaml'), '-f', join(dir, 'b.json')]);
    expect(r.status, r.err).toBe(0);
    expect(r.body).toBe(
      `# source: ${JSON.stringify(join(dir, 'a.yaml'))}\n${pod}---\n# source: ${JSON.stringify(join(dir, 'b.json'))}\n${JSON.stringify(service, null, 2)}\n`,
    );
    const imported = loadManifests([{ name: 'editor', text: r.body! }]);
    expect(imported.ok && imported.cluster.services.map((s) => s.name)).toContain('web');
  });

  it('checks the manifests with the importer first: errors at file:line:col, exit 2, nothing served', async () => {
    const r = await open(['--no-open', '-f', '-'], pod.replace('name: web\n', 'name: web\n  name: again\n'));
    expect(r.status).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('<stdin>:5:3: Invalid YAML: Map keys must be unique\n');
  });

  it('without --no-open starts the browser on the address and says it on stderr', async () => {
    let out = '';
    let err = '';
    const launched: string[] = [];
    const status = await run(['open'], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      open: {
        appDir: makeApp(),
        launch: (url) => launched.push(url),
        stopped: () => Promise.resolve(),
      },
    });
    expect(status).toBe(0);
    expect(out).toBe('');
    expect(launched).toHaveLength(1);
    // no -f: the app's own cluster, no manifests parameter
    expect(launched[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\/$/);
    expect(err).toContain(`opening ${launched[0]} (Ctrl-C stops the server)`);
  });

  it('says so when the app is not built', async () => {
    let err = '';
    const status = await run(['open', '--no-open'], {
      out: () => undefined,
      err: (t) => (err += t),
      open: { appDir: join(tmpdir(), 'netviz-nowhere') },
    });
    expect(status).toBe(1);
    expect(err).toMatch(/the app is not built: .*index\.html is missing/);
  });
});
