/**
 * `k8s-netviz open`: serves the packaged app (dist/, built by `vite build`) on 127.0.0.1 at a port
 * the system picks, and opens the browser on the given manifests.
 *
 * - Every path starts with a token drawn for this run (192 random bits): another local user, or a
 *   web page probing localhost ports, cannot read the manifests or even the app without it. The
 *   Host header must name this server, so a DNS-rebound name reaches nothing either.
 * - The manifests are read and checked here first, with the importer's limits and errors (the
 *   same as `trace`); the app then loads them from `<token>/manifests.yaml` through its
 *   `?manifests=` parameter into the editor, which imports them again in its worker.
 * - Ctrl-C (SIGINT) or SIGTERM stops the server; the exit status is then 0.
 */
import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ManifestSource } from '../sim/import/types';
import type { OpenArgs } from './args';
import { importSources, readManifestFiles } from './manifests';
import type { Io } from './manifests';

/** The path (under the token) the manifests are served at, and the app's parameter naming it. */
export const MANIFESTS_PATH = 'manifests.yaml';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * The policy the app runs under here: only its own scripts, styles (inline too: Tailwind's and
 * CodeMirror's), images and workers; nothing fetched from anywhere else; no framing.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // the token is in the address: never send it on
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': CSP,
};

export interface AppServer {
  /** the address to open: `http://127.0.0.1:<port>/<token>/` and the manifests parameter */
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** the built app: index.html and its assets */
  appDir: string;
  /** the manifests' text, or null to open the app on its built-in cluster */
  manifests: string | null;
}

/** Serves the app and the manifests on 127.0.0.1, under a token. */
export async function serveApp({ appDir, manifests }: ServeOptions): Promise<AppServer> {
  const root = resolve(appDir);
  const token = randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  let port = 0;

  const send = (res: ServerResponse, status: number, text: string): void => {
    res.writeHead(status, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${text}\n`);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host;
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(res, 421, 'Misdirected request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    const raw = req.url ?? '';
    if (!raw.startsWith('/')) return send(res, 404, 'Not found');
    const path = new URL(raw, `http://${host}`).pathname;
    const [, first = '', ...rest] = path.split('/');
    const given = Buffer.from(first);
    if (given.length !== tokenBytes.length || !timingSafeEqual(given, tokenBytes)) return send(res, 404, 'Not found');
    if (rest.length === 0) {
      res.writeHead(308, { ...HEADERS, Location: `/${token}/${new URL(raw, `http://${host}`).search}` });
      res.end();
      return;
    }
    let segments: string[];
    try {
      segments = rest.map((s) => decodeURIComponent(s));
    } catch {
      return send(res, 400, 'Bad request');
    }
    if (segments.some((s) => s === '..' || s === '.' || /[\\/\0]/.test(s))) return send(res, 404, 'Not found');
    const name = segments.join('/') || 'index.html';
    if (name === MANIFESTS_PATH && manifests !== null) {
      const body = Buffer.from(manifests, 'utf8');
      res.writeHead(200, { ...HEADERS, 'Content-Type': 'text/yaml; charset=utf-8', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const file = resolve(root, name);
    if (!file.startsWith(root + sep)) return send(res, 404, 'Not found');
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return send(res, 404, 'Not found');
    res.writeHead(200, {
      ...HEADERS,
      'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': info.size,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  port = (server.address() as AddressInfo).port;
  const query = manifests === null ? '' : `?manifests=${MANIFESTS_PATH}`;
  return {
    url: `http://127.0.0.1:${port}/${token}/${query}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/**
 * One text for the editor. A single source is served as it is; several are joined into one YAML
 * stream, each document group headed by a comment naming its file (JSON is YAML too).
 */
export function joinSources(sources: readonly ManifestSource[]): string {
  const [only] = sources;
  if (sources.length === 1 && only) return only.text;
  return sources
    .map((s) => {
      const text = s.text.replace(/^\ufeff/, '');
      return `# source: ${JSON.stringify(s.name)}\n${text}${text.endsWith('\n') ? '' : '\n'}`;
    })
    .join('---\n');
}

/** Starts the system's browser on an address; failures are reported, never thrown. */
function launchBrowser(url: string, io: Io): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', (error) => io.err(`k8s-netviz: could not start a browser (${error.message}); open ${url}\n`));
    child.unref();
  } catch (error) {
    io.err(`k8s-netviz: could not start a browser (${String(error)}); open ${url}\n`);
  }
}

/** Resolves on Ctrl-C or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export interface OpenOptions {
  /** the built app (default: dist/ beside the bundle's dist-cli/) */
  appDir: string;
  /** starts a browser on the address (default: the system's) */
  launch(url: string, io: Io): void;
  /** resolves when the server should stop (default: Ctrl-C or SIGTERM) */
  stopped(): Promise<void>;
  /** called once the server listens (tests) */
  onListening?(url: string): void;
}

/** `k8s-netviz open`: the exit status, once stopped. */
export async function openApp(args: OpenArgs, io: Io, options: Partial<OpenOptions>): Promise<number> {
  const appDir = options.appDir ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  if (!existsSync(join(appDir, 'index.html'))) {
    io.err(`k8s-netviz: the app is not built: ${join(appDir, 'index.html')} is missing (npm run build makes it)\n`);
    return 1;
  }
  let manifests: string | null = null;
  if (args.files.length > 0) {
    const sources = await readManifestFiles(args.files, io);
    if (importSources(sources, io) === null) return 2;
    manifests = joinSources(sources);
    // what the editor will get must import as well as the files did, one by one
    if (
      sources.length > 1 &&
      importSources([{ name: 'the joined files', text: manifests }], { ...io, err: () => {} }) === null
    ) {
      io.err(
        'k8s-netviz: these files import one by one but not joined into one YAML stream; give them one at a time\n',
      );
      return 2;
    }
  }
  const server = await serveApp({ appDir, manifests });
  if (args.browser) {
    io.err(`k8s-netviz: opening ${server.url} (Ctrl-C stops the server)\n`);
    (options.launch ?? launchBrowser)(server.url, io);
  } else {
    io.out(`${server.url}\n`);
    io.err('k8s-netviz: serving the app on 127.0.0.1 until Ctrl-C\n');
  }
  options.onListening?.(server.url);
  await (options.stopped ?? interrupted)();
  await server.close();
  io.err('k8s-netviz: stopped\n');
  return 0;
}
