/**
 * An Ingress "as Gateway API": the Gateway and HTTPRoutes the ingress2gateway tool
 * (kubernetes-sigs/ingress2gateway, its ingress-nginx provider) makes of the Ingresses ingress-nginx
 * serves, and what does not carry over, with the reason (docs/gateway-api.md, "From Ingress").
 * Pure: the objects come out as plain manifests, the text as YAML.
 *
 * What the tool does, in short: one Gateway per namespace and IngressClass, named after the class;
 * one HTTP listener on port 80 per host (and an HTTPS one on 443 with the `spec.tls` Secrets when
 * the Ingress has TLS); one HTTPRoute per namespace, class and host with one rule per distinct
 * path and pathType; a route per defaultBackend; then the ingress-nginx annotations it knows
 * (canary weights and headers, ssl-redirect, permanent / temporal redirects, rewrite-target,
 * use-regex, upstream-vhost).
 */
import { stringify } from 'yaml';
import { effectiveClass, nginxIngresses } from '../model/ingressModel';
import type { IngressBackend, IngressModel, PathType } from '../model/ingressModel';
import type { Cluster } from '../model/types';
import { GATEWAY_GROUP } from './types';

type Manifest = Record<string, unknown>;

/** A Gateway or HTTPRoute the conversion produces, with the Ingresses it came from. */
export interface ConvertedObject {
  readonly kind: 'Gateway' | 'HTTPRoute';
  readonly namespace: string;
  readonly name: string;
  readonly manifest: Manifest;
  /** `ns/name` of the Ingresses that contributed to it */
  readonly sources: readonly string[];
}

/** Something of an Ingress that the converted objects do not reproduce, or reproduce differently. */
export interface ConversionNote {
  /** `ns/name` of the Ingress */
  readonly ingress: string;
  /** what: an annotation, a field, a host or a path */
  readonly subject: string;
  /** why, in one sentence */
  readonly reason: string;
}

export interface IngressConversion {
  readonly objects: readonly ConvertedObject[];
  readonly notes: readonly ConversionNote[];
}

const NGINX = 'nginx.ingress.kubernetes.io/';
const A = {
  canary: `${NGINX}canary`,
  canaryWeight: `${NGINX}canary-weight`,
  canaryWeightTotal: `${NGINX}canary-weight-total`,
  canaryByHeader: `${NGINX}canary-by-header`,
  canaryByHeaderValue: `${NGINX}canary-by-header-value`,
  rewriteTarget: `${NGINX}rewrite-target`,
  useRegex: `${NGINX}use-regex`,
  sslRedirect: `${NGINX}ssl-redirect`,
  permanentRedirect: `${NGINX}permanent-redirect`,
  permanentRedirectCode: `${NGINX}permanent-redirect-code`,
  temporalRedirect: `${NGINX}temporal-redirect`,
  temporalRedirectCode: `${NGINX}temporal-redirect-code`,
  upstreamVhost: `${NGINX}upstream-vhost`,
  connectionProxyHeader: `${NGINX}connection-proxy-header`,
  xForwardedPrefix: `${NGINX}x-forwarded-prefix`,
  backendProtocol: `${NGINX}backend-protocol`,
} as const;

/** Annotations this view converts (the rest of the tool's list is in OTHER_KNOWN with the reason). */
const CONVERTED = new Set<string>(Object.values(A));

/** Annotations ingress2gateway knows but that this view does not turn into Gateway or HTTPRoute fields. */
const OTHER_KNOWN: Readonly<Record<string, string>> = {
  'canary-by-header-pattern': 'ingress2gateway recognises it but converts no header pattern',
  'canary-by-cookie': 'ingress2gateway recognises it but Gateway API has no cookie match',
  'custom-headers': 'ingress2gateway recognises it but does not convert it',
  'proxy-redirect-from': 'ingress2gateway recognises it but Gateway API cannot rewrite Location headers',
  'proxy-redirect-to': 'ingress2gateway recognises it but Gateway API cannot rewrite Location headers',
  'proxy-ssl-verify-depth': 'Gateway API has no TLS verification depth',
  'proxy-ssl-protocols': 'Gateway API has no TLS protocol setting',
  'proxy-connect-timeout': 'ingress2gateway writes it as route timeouts, which the simulation does not model',
  'proxy-send-timeout': 'ingress2gateway writes it as route timeouts, which the simulation does not model',
  'proxy-read-timeout': 'ingress2gateway writes it as route timeouts, which the simulation does not model',
  'proxy-body-size': 'ingress2gateway writes it as an implementation-specific policy, not shown here',
  'client-body-buffer-size': 'ingress2gateway writes it as an implementation-specific policy, not shown here',
  'enable-cors': 'ingress2gateway writes a CORS filter (experimental channel), not shown here',
  'cors-allow-origin': 'part of CORS, not shown here',
  'cors-allow-methods': 'part of CORS, not shown here',
  'cors-allow-headers': 'part of CORS, not shown here',
  'cors-expose-headers': 'part of CORS, not shown here',
  'cors-allow-credentials': 'part of CORS, not shown here',
  'cors-max-age': 'part of CORS, not shown here',
  'whitelist-source-range': 'ingress2gateway writes an implementation-specific policy, not shown here',
  'denylist-source-range': 'ingress2gateway writes an implementation-specific policy, not shown here',
  'proxy-ssl-verify': 'ingress2gateway writes a BackendTLSPolicy, not shown here',
  'proxy-ssl-secret': 'part of a BackendTLSPolicy, not shown here',
  'proxy-ssl-name': 'part of a BackendTLSPolicy, not shown here',
  'proxy-ssl-server-name': 'part of a BackendTLSPolicy, not shown here',
  affinity: 'ingress2gateway writes session persistence (experimental channel), not shown here',
  'session-cookie-expires': 'part of session persistence, not shown here',
  'ssl-passthrough': 'ingress2gateway writes a TLSRoute and a TLS listener, not shown here',
  'app-root': 'ingress2gateway adds a redirect rule for /, not shown here',
  'from-to-www-redirect': 'ingress2gateway adds a www redirect route, not shown here',
};

/**
 * A name from a host as ingress2gateway forms it: every run of characters other than letters and
 * digits becomes `-`, leading ones are dropped; no host is `all-hosts`.
 */
export function nameFromHost(host: string | null): string {
  if (host === null || host === '' || host === '*') return 'all-hosts';
  return host.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^[^a-zA-Z0-9]+/, '');
}

const key = (i: IngressModel): string => `${i.namespace}/${i.name}`;

/** `true` / `false` as Go's strconv.ParseBool reads them; anything else is null. */
function parseBool(v: string | undefined): boolean | null {
  if (v === undefined) return null;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return null;
}

const isCanary = (i: IngressModel): boolean => i.annotations[A.canary] === 'true';

interface Source {
  readonly ingress: IngressModel;
}

interface Rule {
  matches: Manifest[];
  filters: Manifest[];
  backendRefs: Manifest[];
  /** the Ingress each backendRef came from, in the same order */
  sources: Source[];
}

interface Route {
  namespace: string;
  name: string;
  className: string;
  hostnames: string[];
  parentRefs: Manifest[];
  rules: Rule[];
  ingresses: Set<string>;
}

interface Group {
  namespace: string;
  className: string;
  host: string | null;
  /** the first Ingress's name: the route is named after it */
  name: string;
  tls: IngressModel['tls'][number][];
  rules: { ingress: IngressModel; paths: IngressModel['rules'][number]['paths'] }[];
}

const PATH_TYPE: Record<PathType, string> = {
  Exact: 'Exact',
  Prefix: 'PathPrefix',
  // ingress-nginx reads ImplementationSpecific as a prefix; the tool writes PathPrefix (or a
  // regular expression for a host with use-regex, below).
  ImplementationSpecific: 'PathPrefix',
};

/** A URL's parts, as far as a redirect filter needs them (the platform's URL is not used in sim/). */
function parseUrl(url: string): { scheme: string | null; host: string | null; port: number | null; path: string } {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/:?#]*)(?::(\d+))?([^?#]*)/.exec(url);
  if (m) return { scheme: m[1]!, host: m[2] || null, port: m[3] ? Number(m[3]) : null, path: m[4] ?? '' };
  return { scheme: null, host: null, port: null, path: url.replace(/[?#].*$/, '') };
}

/**
 * Converts the Ingresses ingress-nginx serves in a cluster, as ingress2gateway's ingress-nginx
 * provider would, and lists what does not carry over.
 *
 * @example
 * const { objects, notes } = ingressToGateway(cluster);
 * objects.map((o) => `${o.kind} ${o.namespace}/${o.name}`); // ['Gateway default/nginx', 'HTTPRoute default/shop-shop-example-com']
 */
export function ingressToGateway(cluster: Cluster): IngressConversion {
  const notes: ConversionNote[] = [];
  const note = (i: IngressModel, subject: string, reason: string) => notes.push({ ingress: key(i), subject, reason });
  const servicePort = (ns: string, svc: string, name: string): number | null =>
    cluster.services.find((s) => s.namespace === ns && s.name === svc)?.ports.find((p) => p.name === name)?.port ??
    null;

  const ingresses: IngressModel[] = [];
  const classOf = new Map<IngressModel, string>();
  for (const ing of nginxIngresses(cluster)) {
    const protocol = ing.annotations[A.backendProtocol]?.toUpperCase();
    if (protocol === 'GRPC' || protocol === 'GRPCS') {
      note(ing, A.backendProtocol, `${protocol} backends become a GRPCRoute, which the simulation does not model`);
      continue;
    }
    if (protocol !== undefined && !['HTTP', 'HTTPS', 'AUTO_HTTP'].includes(protocol)) {
      note(ing, A.backendProtocol, `${protocol} has no Gateway API equivalent: ingress2gateway skips this Ingress`);
      continue;
    }
    if (protocol === 'HTTPS')
      note(ing, A.backendProtocol, 'HTTPS to the backend becomes a BackendTLSPolicy, not shown here');
    let cls = ing.className;
    if (cls === null) {
      cls = effectiveClass(cluster, ing)?.name ?? '';
      note(
        ing,
        'spec.ingressClassName',
        cls
          ? `not set: the default IngressClass ${cls} is used here (ingress2gateway itself reads only the field and the legacy annotation)`
          : 'not set and no default IngressClass: the route names no Gateway',
      );
    }
    classOf.set(ing, cls);
    ingresses.push(ing);
    for (const name of Object.keys(ing.annotations)) {
      if (!name.startsWith(NGINX) || CONVERTED.has(name)) continue;
      const short = name.slice(NGINX.length);
      note(ing, name, OTHER_KNOWN[short] ?? 'not converted: ingress2gateway does not know this annotation');
    }
    for (const r of ing.rules)
      for (const p of r.paths) {
        if (p.pathType === 'ImplementationSpecific' && ing.annotations[A.useRegex] !== 'true')
          note(
            ing,
            `path ${p.path} (ImplementationSpecific)`,
            `ingress-nginx matches it as a plain string prefix (${p.path} also takes ${p.path.replace(/\/$/, '')}x), PathPrefix only whole segments`,
          );
        if (p.pathType === 'Prefix' && p.path !== '/' && p.path.endsWith('/'))
          note(
            ing,
            `path ${p.path} (Prefix)`,
            `the conversion adds a 301 from ${p.path.replace(/\/+$/, '')} to ${p.path}, where ingress-nginx serves ${p.path.replace(/\/+$/, '')} itself`,
          );
      }
    for (const r of ing.rules)
      if (r.host?.startsWith('*.'))
        note(
          ing,
          `host ${r.host}`,
          `an Ingress wildcard stands for exactly one label; in Gateway API ${r.host} also covers a.b${r.host.slice(1)}`,
        );
    if (ing.annotations[`${NGINX}force-ssl-redirect`] === 'true')
      note(
        ing,
        `${NGINX}force-ssl-redirect`,
        'not converted: plain-HTTP requests for hosts without TLS are no longer redirected',
      );
  }

  // Rule groups: one per namespace, class and host (the tool sorts them by that key).
  const groups = new Map<string, Group>();
  for (const ing of ingresses) {
    const cls = classOf.get(ing) ?? '';
    for (const rule of ing.rules) {
      const k = `${ing.namespace}/${cls}/${rule.host ?? ''}`;
      let g = groups.get(k);
      if (!g) {
        g = { namespace: ing.namespace, className: cls, host: rule.host, name: ing.name, tls: [], rules: [] };
        groups.set(k, g);
      }
      g.tls.push(...ing.tls);
      g.rules.push({ ingress: ing, paths: rule.paths });
    }
  }
  const sortedGroups = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);

  const backendRef = (ing: IngressModel, b: IngressBackend): Manifest | null => {
    if (b.kind === 'resource') {
      note(
        ing,
        `backend ${b.resourceKind} ${b.name}`,
        'a resource backend is kept as a backendRef of that kind; it serves nothing here',
      );
      return { ...(b.apiGroup ? { group: b.apiGroup } : {}), kind: b.resourceKind, name: b.name };
    }
    if (typeof b.port === 'number') return { name: b.service, port: b.port };
    const port = servicePort(ing.namespace, b.service, b.port);
    if (port === null) {
      note(
        ing,
        `backend ${b.service}:${b.port}`,
        `Service ${b.service} has no port named ${b.port}: ingress2gateway stops with an error`,
      );
      return null;
    }
    return { name: b.service, port };
  };

  // Gateways and their listeners.
  const gateways = new Map<
    string,
    { namespace: string; name: string; listeners: Manifest[]; names: Set<string>; sources: Set<string> }
  >();
  const listenerHost = new Map<string, string | null>();
  for (const g of sortedGroups) {
    const gk = `${g.namespace}/${g.className}`;
    let gw = gateways.get(gk);
    if (!gw) {
      gw = { namespace: g.namespace, name: g.className, listeners: [], names: new Set(), sources: new Set() };
      gateways.set(gk, gw);
    }
    for (const r of g.rules) gw.sources.add(key(r.ingress));
    const onlyTlsHost = g.tls.length === 1 && g.tls[0]!.hosts.length === 1 ? g.tls[0]!.hosts[0]! : null;
    const hostname = g.host ?? onlyTlsHost;
    const prefix = hostname ? `${nameFromHost(hostname)}-` : '';
    const seen = listenerHost.get(`${gk}/${prefix}`);
    if (seen !== undefined && seen !== hostname)
      note(
        g.rules[0]!.ingress,
        `host ${hostname ?? '(none)'}`,
        `its listener name ${prefix}http is already taken by ${seen ?? 'the listener without hostname'}: the tool keeps only the first`,
      );
    listenerHost.set(`${gk}/${prefix}`, hostname);
    const http = `${prefix}http`;
    if (!gw.names.has(http)) {
      gw.names.add(http);
      gw.listeners.push({ name: http, ...(hostname ? { hostname } : {}), port: 80, protocol: 'HTTP' });
    }
    if (g.tls.length > 0) {
      const https = `${prefix}https`;
      let l = gw.listeners.find((x) => x['name'] === https);
      if (!l) {
        gw.names.add(https);
        l = {
          name: https,
          ...(hostname ? { hostname } : {}),
          port: 443,
          protocol: 'HTTPS',
          tls: { mode: 'Terminate', certificateRefs: [] },
        };
        gw.listeners.push(l);
      }
      const refs = (l['tls'] as { certificateRefs: Manifest[] }).certificateRefs;
      for (const t of g.tls) {
        if (t.secretName === null) {
          note(
            g.rules[0]!.ingress,
            'spec.tls',
            'an entry without secretName: ingress-nginx serves its default certificate; the HTTPS listener needs a Secret',
          );
          continue;
        }
        if (!refs.some((r) => r['name'] === t.secretName)) refs.push({ group: '', kind: 'Secret', name: t.secretName });
      }
    } else if (hostname) {
      notes.push({
        ingress: key(g.rules[0]!.ingress),
        subject: `host ${hostname}`,
        reason:
          'no TLS: ingress-nginx still answers HTTPS with its self-signed certificate; the Gateway gets no HTTPS listener for it',
      });
    }
  }

  // Routes: one per group, one rule per distinct pathType and path, a backendRef per path.
  const routes: Route[] = [];
  for (const g of sortedGroups) {
    const route: Route = {
      namespace: g.namespace,
      name: `${g.name}-${nameFromHost(g.host)}`,
      className: g.className,
      hostnames: g.host ? [g.host] : [],
      parentRefs: g.className ? [{ name: g.className }] : [],
      rules: [],
      ingresses: new Set(g.rules.map((r) => key(r.ingress))),
    };
    const byPath = new Map<string, Rule>();
    for (const r of g.rules)
      for (const p of r.paths) {
        const k = `${p.pathType}/${p.path}`;
        let rule = byPath.get(k);
        if (!rule) {
          rule = {
            matches: [{ path: { type: PATH_TYPE[p.pathType], value: p.path } }],
            filters: [],
            backendRefs: [],
            sources: [],
          };
          byPath.set(k, rule);
          route.rules.push(rule);
        }
        const ref = backendRef(r.ingress, p.backend);
        if (ref) {
          rule.backendRefs.push(ref);
          rule.sources.push({ ingress: r.ingress });
        }
      }
    routes.push(route);
  }
  const nonCanary = (rule: Rule): IngressModel | null =>
    rule.sources.find((s) => !isCanary(s.ingress))?.ingress ?? null;

  // Canary: the canary Ingress's backend and the main one share a rule; weights or header rules split them.
  for (const route of routes) {
    const added: Rule[] = [];
    for (const rule of route.rules) {
      const canaries = rule.sources.map((s, i) => [s, i] as const).filter(([s]) => isCanary(s.ingress));
      const mains = rule.sources.map((s, i) => [s, i] as const).filter(([s]) => !isCanary(s.ingress));
      if (canaries.length === 0) continue;
      const [canarySource, ci] = canaries[0]!;
      const c = canarySource.ingress;
      if (canaries.length > 1 || mains.length !== 1) {
        note(
          c,
          A.canary,
          mains.length === 0
            ? 'a canary without a main Ingress for the same host and path: ingress2gateway stops with an error'
            : 'more than one canary or main backend for one path: ingress2gateway stops with an error',
        );
        continue;
      }
      const mi = mains[0]![1];
      const weightText = c.annotations[A.canaryWeight];
      let weight = 0;
      let isWeight = false;
      if (weightText !== undefined && weightText !== '') {
        const w = Number(weightText);
        if (Number.isInteger(w) && w >= 0) {
          weight = w;
          isWeight = true;
        } else note(c, A.canaryWeight, `${weightText} is not a weight: the canary gets 0`);
      }
      let total = 100;
      const totalText = c.annotations[A.canaryWeightTotal];
      if (totalText !== undefined && totalText !== '') {
        const t = Number(totalText);
        if (Number.isInteger(t) && t > 0) total = t;
        else note(c, A.canaryWeightTotal, `${totalText} is not a positive total: 100 is used`);
      }
      weight = Math.min(weight, total);
      const header = c.annotations[A.canaryByHeader] ?? '';
      const headerValue = c.annotations[A.canaryByHeaderValue] ?? '';
      const canaryRef = rule.backendRefs[ci]!;
      const mainRef = rule.backendRefs[mi]!;
      if (isWeight || header === '') {
        rule.backendRefs[ci] = { ...canaryRef, weight };
        rule.backendRefs[mi] = { ...mainRef, weight: total - weight };
      }
      if (header !== '') {
        const path = rule.matches[0]?.['path'];
        const headerRule = (value: string, ref: Manifest, from: Source): Rule => ({
          matches: [{ ...(path ? { path } : {}), headers: [{ name: header, value }] }],
          filters: [],
          backendRefs: [ref],
          sources: [from],
        });
        added.push(headerRule(headerValue || 'always', canaryRef, canarySource));
        if (headerValue === '') added.push(headerRule('never', mainRef, mains[0]![0]));
        if (!isWeight) {
          rule.backendRefs.splice(ci, 1);
          rule.sources.splice(ci, 1);
        }
      }
      note(
        c,
        A.canary,
        'the simulation’s ingress-nginx does not model canary Ingresses, so only the Gateway side can be traced',
      );
    }
    route.rules.push(...added);
  }

  // Permanent and temporal redirects: the rule answers with a redirect instead of a backend.
  for (const route of routes)
    for (const rule of route.rules) {
      const ing = nonCanary(rule);
      if (!ing) continue;
      const temporal = ing.annotations[A.temporalRedirect];
      const permanent = ing.annotations[A.permanentRedirect];
      if (temporal === undefined && permanent === undefined) continue;
      const [url, code, codeKey, valid] =
        temporal !== undefined
          ? [temporal, 302, A.temporalRedirectCode, [301, 302, 303, 307]]
          : [permanent ?? '', 301, A.permanentRedirectCode, [301, 302, 303, 307, 308]];
      const codeText = ing.annotations[codeKey];
      let status = code;
      if (codeText !== undefined && codeText !== '') {
        const n = Number(codeText);
        if (valid.includes(n)) status = n;
        else note(ing, codeKey, `${codeText} is not a redirect code Gateway API allows here: ${code} is used`);
      }
      if (url === '') continue;
      const u = parseUrl(url);
      rule.filters.push({
        type: 'RequestRedirect',
        requestRedirect: {
          ...(u.scheme ? { scheme: u.scheme } : {}),
          ...(u.host ? { hostname: u.host } : {}),
          ...(u.port !== null ? { port: u.port } : {}),
          path: { type: 'ReplaceFullPath', replaceFullPath: u.path || '/' },
          statusCode: status,
        },
      });
      rule.backendRefs = [];
      rule.sources = [];
      (rule as Rule & { redirectFrom?: IngressModel }).redirectFrom = ing;
    }

  // use-regex or rewrite-target on a host: every path of that host's route becomes a
  // case-insensitive regular expression (`(?i)` + path + `.*`), as the tool writes it.
  const regexHosts = new Set<string>();
  for (const ing of ingresses) {
    if (isCanary(ing)) continue;
    if (parseBool(ing.annotations[A.useRegex]) !== true && !ing.annotations[A.rewriteTarget]) continue;
    for (const r of ing.rules) if (r.host) regexHosts.add(r.host);
  }
  for (const route of routes) {
    if (!route.hostnames.some((h) => regexHosts.has(h))) continue;
    for (const rule of route.rules)
      for (const m of rule.matches) {
        const p = m['path'] as { type: string; value: string } | undefined;
        if (p) m['path'] = { type: 'RegularExpression', value: `(?i)${p.value}.*` };
      }
    for (const i of route.ingresses) {
      const ing = ingresses.find((x) => key(x) === i);
      if (ing && !isCanary(ing))
        note(
          ing,
          `host ${route.hostnames[0] ?? ''}`,
          'with use-regex or rewrite-target every path of the host becomes a case-insensitive regular expression, prefix-like (`.*` after it)',
        );
    }
  }

  // rewrite-target: the path the backend sees. A capture group ($1) has no Gateway API equivalent.
  for (const route of routes)
    for (const rule of route.rules) {
      const ing = nonCanary(rule) ?? (rule as Rule & { redirectFrom?: IngressModel }).redirectFrom ?? null;
      const target = ing?.annotations[A.rewriteTarget];
      if (!ing || !target) continue;
      if (/\$\d|\$\{/.test(target)) {
        note(
          ing,
          A.rewriteTarget,
          `${target} uses a capture group of the path's regular expression; URLRewrite can only replace the whole path or a prefix`,
        );
        continue;
      }
      if (rule.backendRefs.length === 0) continue;
      rule.filters.push({
        type: 'URLRewrite',
        urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: target } },
      });
      const prefix = ing.annotations[A.xForwardedPrefix];
      if (prefix)
        rule.filters.push({
          type: 'RequestHeaderModifier',
          requestHeaderModifier: { set: [{ name: 'X-Forwarded-Prefix', value: prefix }] },
        });
    }

  // upstream-vhost and connection-proxy-header: headers set for the backend.
  for (const route of routes)
    for (const rule of route.rules) {
      const ing = nonCanary(rule);
      if (!ing) continue;
      const set: Manifest[] = [];
      const vhost = ing.annotations[A.upstreamVhost];
      const connection = ing.annotations[A.connectionProxyHeader];
      if (vhost) set.push({ name: 'Host', value: vhost });
      if (connection) set.push({ name: 'Connection', value: connection });
      if (set.length === 0) continue;
      const existing = rule.filters.find((f) => f['type'] === 'RequestHeaderModifier');
      if (existing) (existing['requestHeaderModifier'] as { set: Manifest[] }).set.push(...set);
      else rule.filters.push({ type: 'RequestHeaderModifier', requestHeaderModifier: { set } });
    }

  // Paths ending in `/`: a 301 from the path without it (NGINX's own redirect for such a location).
  for (const route of routes) {
    const values = route.rules.flatMap((r) =>
      r.matches.map((m) => m['path'] as { type: string; value: string } | undefined),
    );
    const matched = new Set(values.filter((p) => p && p.type !== 'RegularExpression').map((p) => p!.value));
    const prefixes = values.filter((p) => p?.type === 'PathPrefix').map((p) => p!.value);
    const covers = (prefix: string, path: string) =>
      path.startsWith(prefix) && (path.length === prefix.length || prefix.endsWith('/') || path[prefix.length] === '/');
    const added = new Set<string>();
    for (const p of values) {
      if (!p || p.type === 'RegularExpression' || p.value === '/' || !p.value.endsWith('/')) continue;
      const from = p.value.replace(/\/$/, '');
      if (from === '' || matched.has(from) || prefixes.some((x) => covers(x, from)) || added.has(from)) continue;
      added.add(from);
      route.rules.push({
        matches: [{ path: { type: 'Exact', value: from } }],
        filters: [
          {
            type: 'RequestRedirect',
            requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: p.value }, statusCode: 301 },
          },
        ],
        backendRefs: [],
        sources: [],
      });
    }
  }

  // ssl-redirect (on by default for TLS hosts): plain HTTP gets a 308 to https from a route on
  // port 80, and the route itself moves to the HTTPS listener.
  const tlsHosts = new Set<string>();
  for (const ing of ingresses)
    for (const t of ing.tls) {
      if (t.hosts.length > 0) t.hosts.forEach((h) => tlsHosts.add(h));
      else {
        for (const r of ing.rules) if (r.host) tlsHosts.add(r.host);
        break;
      }
    }
  const withRedirects: Route[] = [];
  for (const route of routes) {
    withRedirects.push(route);
    if (!route.hostnames.some((h) => tlsHosts.has(h))) continue;
    const httpRules: Rule[] = [];
    let redirects = false;
    for (const rule of route.rules) {
      const ing = nonCanary(rule);
      if (!ing) {
        // a trailing-slash redirect goes to https at once
        const redirect = rule.filters[0]?.['requestRedirect'] as Manifest | undefined;
        if (rule.sources.length === 0 && redirect)
          httpRules.push({
            ...rule,
            filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', ...redirect } }],
          });
        continue;
      }
      const on =
        ing.annotations[A.sslRedirect] === undefined ? true : parseBool(ing.annotations[A.sslRedirect]) === true;
      if (on) {
        redirects = true;
        httpRules.push({
          matches: rule.matches.map((m) => ({ ...m })),
          filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 308 } }],
          backendRefs: [],
          sources: [],
        });
      } else httpRules.push({ ...rule, matches: rule.matches.map((m) => ({ ...m })) });
    }
    if (!redirects) continue;
    withRedirects.push({
      ...route,
      name: `${route.name}-http`,
      parentRefs: route.parentRefs.map((p) => ({ ...p, port: 80 })),
      rules: httpRules,
    });
    route.parentRefs = route.parentRefs.map((p) => ({
      ...p,
      ...(route.hostnames[0] ? { sectionName: `${nameFromHost(route.hostnames[0])}-https` } : {}),
      port: 443,
    }));
  }

  // defaultBackend: a route of its own, without hostnames, so on every listener.
  for (const ing of ingresses) {
    if (!ing.defaultBackend) continue;
    const cls = classOf.get(ing) ?? '';
    const ref = backendRef(ing, ing.defaultBackend);
    withRedirects.push({
      namespace: ing.namespace,
      name: `${ing.name}-default-backend`,
      className: cls,
      hostnames: [],
      parentRefs: [{ name: cls }],
      rules: [{ matches: [], filters: [], backendRefs: ref ? [ref] : [], sources: ref ? [{ ingress: ing }] : [] }],
      ingresses: new Set([key(ing)]),
    });
  }

  const objects: ConvertedObject[] = [];
  for (const gw of gateways.values())
    objects.push({
      kind: 'Gateway',
      namespace: gw.namespace,
      name: gw.name,
      sources: [...gw.sources],
      manifest: {
        apiVersion: `${GATEWAY_GROUP}/v1`,
        kind: 'Gateway',
        metadata: { name: gw.name, namespace: gw.namespace },
        spec: { gatewayClassName: gw.name, listeners: gw.listeners },
      },
    });
  for (const r of withRedirects)
    objects.push({
      kind: 'HTTPRoute',
      namespace: r.namespace,
      name: r.name,
      sources: [...r.ingresses],
      manifest: {
        apiVersion: `${GATEWAY_GROUP}/v1`,
        kind: 'HTTPRoute',
        metadata: { name: r.name, namespace: r.namespace },
        spec: {
          ...(r.parentRefs.length > 0 ? { parentRefs: r.parentRefs } : {}),
          ...(r.hostnames.length > 0 ? { hostnames: r.hostnames } : {}),
          rules: r.rules.map((rule) => ({
            ...(rule.matches.length > 0 ? { matches: rule.matches } : {}),
            ...(rule.filters.length > 0 ? { filters: rule.filters } : {}),
            ...(rule.backendRefs.length > 0 ? { backendRefs: rule.backendRefs } : {}),
          })),
        },
      },
    });
  return { objects, notes: dedupe(notes) };
}

function dedupe(notes: readonly ConversionNote[]): ConversionNote[] {
  const seen = new Set<string>();
  return notes.filter((n) => {
    const k = `${n.ingress}\u0000${n.subject}\u0000${n.reason}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The part of a cluster's conversion one Ingress takes part in: the routes it contributed to, the
 * Gateways they name, and its own notes. Null when ingress-nginx does not serve that Ingress.
 */
export function conversionOf(cluster: Cluster, ingress: { namespace: string; name: string }): IngressConversion | null {
  const k = `${ingress.namespace}/${ingress.name}`;
  if (!nginxIngresses(cluster).some((i) => key(i) === k)) return null;
  const all = ingressToGateway(cluster);
  const routes = all.objects.filter((o) => o.kind === 'HTTPRoute' && o.sources.includes(k));
  const gatewayNames = new Set(
    routes.flatMap((r) => {
      const spec = r.manifest['spec'] as { parentRefs?: { name: string }[] };
      return (spec.parentRefs ?? []).map((p) => `${r.namespace}/${p.name}`);
    }),
  );
  const gateways = all.objects.filter((o) => o.kind === 'Gateway' && gatewayNames.has(`${o.namespace}/${o.name}`));
  return { objects: [...gateways, ...routes], notes: all.notes.filter((n) => n.ingress === k) };
}

/** The objects as one YAML stream (`---` between documents), as a user would apply them. */
export function conversionYaml(objects: readonly ConvertedObject[]): string {
  return objects.map((o) => stringify(o.manifest, { indentSeq: false, lineWidth: 0 })).join('---\n');
}
