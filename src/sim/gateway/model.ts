/**
 * Gateway API objects from `cluster.extras` to typed data, with the defaults the CRDs write
 * (apis/v1 of kubernetes-sigs/gateway-api: a rule without matches matches PathPrefix `/`, a
 * backendRef is a core Service of weight 1, a parentRef a Gateway, allowedRoutes Same namespace).
 * Reading is defensive: the importer has already reported wrong types with their position, and a
 * field of the wrong type here counts as absent.
 */
import type { Cluster } from '../model/types';
import { isRecord, list, str } from '../model/json';
import type { Json } from '../model/json';
import { readSelector } from '../model/policy';
import { compileRe2 } from './re2';
import {
  GATEWAY_GROUP,
  type BackendRef,
  type GatewayApiModel,
  type GatewayClassModel,
  type GatewayModel,
  type HeaderModifier,
  type HTTPRouteModel,
  type ListenerModel,
  type ParentRef,
  type PathMatch,
  type PathModifier,
  type ReferenceGrantModel,
  type RouteFilter,
  type RouteGroupKind,
  type RouteMatch,
  type RouteRule,
  type ValueMatch,
} from './types';

/** Versions read per kind (ReferenceGrant moved to v1 in 1.3 and is still served as v1beta1). */
export const GATEWAY_API_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  GatewayClass: ['v1', 'v1beta1'],
  Gateway: ['v1', 'v1beta1'],
  HTTPRoute: ['v1', 'v1beta1'],
  ReferenceGrant: ['v1', 'v1beta1'],
};

function isKind(raw: unknown, kind: string): raw is Json {
  if (!isRecord(raw) || raw['kind'] !== kind || typeof raw['apiVersion'] !== 'string') return false;
  const [group, version] = raw['apiVersion'].split('/');
  return group === GATEWAY_GROUP && (GATEWAY_API_VERSIONS[kind] ?? []).includes(version ?? '');
}

const meta = (raw: Json): Json => (isRecord(raw['metadata']) ? raw['metadata'] : {});
const spec = (raw: Json): Json => (isRecord(raw['spec']) ? raw['spec'] : {});
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const namespaceOf = (raw: Json): string => str(meta(raw)['namespace']) || 'default';

export function readGatewayClass(raw: unknown): GatewayClassModel | null {
  if (!isKind(raw, 'GatewayClass')) return null;
  const name = str(meta(raw)['name']);
  const controllerName = str(spec(raw)['controllerName']);
  return name && controllerName ? { name, controllerName } : null;
}

function readKinds(v: unknown): RouteGroupKind[] | null {
  if (!Array.isArray(v)) return null;
  return v.filter(isRecord).flatMap((k) => {
    const kind = str(k['kind']);
    return kind ? [{ group: str(k['group']) ?? GATEWAY_GROUP, kind }] : [];
  });
}

function readListener(v: unknown, namespace: string): ListenerModel | null {
  if (!isRecord(v)) return null;
  const name = str(v['name']);
  const protocol = str(v['protocol']);
  const port = int(v['port']);
  if (!name || !protocol || port === null) return null;
  const allowed = isRecord(v['allowedRoutes']) ? v['allowedRoutes'] : {};
  const namespaces = isRecord(allowed['namespaces']) ? allowed['namespaces'] : {};
  const from = str(namespaces['from']);
  const tls = isRecord(v['tls']) ? v['tls'] : {};
  const mode = str(tls['mode']);
  return {
    name,
    protocol,
    port,
    hostname: str(v['hostname']) || null,
    allowedRoutes: {
      from: from === 'All' || from === 'Selector' ? from : 'Same',
      selector: from === 'Selector' && isRecord(namespaces['selector']) ? readSelector(namespaces['selector']) : null,
      kinds: readKinds(allowed['kinds']),
    },
    tlsMode: !isRecord(v['tls']) ? null : mode === 'Passthrough' ? 'Passthrough' : 'Terminate',
    certificateRefs: list(tls['certificateRefs'])
      .filter(isRecord)
      .flatMap((r) => {
        const refName = str(r['name']);
        return refName
          ? [
              {
                group: str(r['group']) ?? '',
                kind: str(r['kind']) ?? 'Secret',
                namespace: str(r['namespace']) ?? namespace,
                name: refName,
              },
            ]
          : [];
      }),
  };
}

function ordered(raw: Json, order: number): { creationTimestamp: string | null; order: number } {
  return { creationTimestamp: str(meta(raw)['creationTimestamp']), order };
}

export function readGateway(raw: unknown, order = 0): GatewayModel | null {
  if (!isKind(raw, 'Gateway')) return null;
  const name = str(meta(raw)['name']);
  const className = str(spec(raw)['gatewayClassName']);
  if (!name || !className) return null;
  const namespace = namespaceOf(raw);
  const listeners = list(spec(raw)['listeners'])
    .map((l) => readListener(l, namespace))
    .filter((l): l is ListenerModel => l !== null);
  return { namespace, name, className, listeners, ...ordered(raw, order) };
}

function readParentRef(v: unknown, namespace: string): ParentRef | null {
  if (!isRecord(v)) return null;
  const name = str(v['name']);
  if (!name) return null;
  return {
    group: str(v['group']) ?? GATEWAY_GROUP,
    kind: str(v['kind']) ?? 'Gateway',
    namespace: str(v['namespace']) ?? namespace,
    name,
    sectionName: str(v['sectionName']),
    port: int(v['port']),
  };
}

function program(type: string, value: string) {
  if (type !== 'RegularExpression') return null;
  const compiled = compileRe2(value);
  return compiled.ok ? compiled.program : null;
}

function readPathMatch(v: unknown): PathMatch {
  const p = isRecord(v) ? v : {};
  const t = str(p['type']);
  const type = t === 'Exact' || t === 'RegularExpression' ? t : 'PathPrefix';
  const value = str(p['value']) ?? '/';
  return { type, value, program: program(type, value) };
}

function readValueMatches(v: unknown): ValueMatch[] {
  return list(v)
    .filter(isRecord)
    .flatMap((m) => {
      const name = str(m['name']);
      const value = str(m['value']);
      if (name === null || value === null) return [];
      const type = str(m['type']) === 'RegularExpression' ? 'RegularExpression' : 'Exact';
      return [{ type, name, value, program: program(type, value) }];
    });
}

function readMatch(v: unknown): RouteMatch {
  const m = isRecord(v) ? v : {};
  return {
    path: readPathMatch(m['path']),
    headers: readValueMatches(m['headers']),
    queryParams: readValueMatches(m['queryParams']),
    method: str(m['method']),
  };
}

function readPairs(v: unknown): { name: string; value: string }[] {
  return list(v)
    .filter(isRecord)
    .flatMap((h) => {
      const name = str(h['name']);
      const value = str(h['value']);
      return name !== null && value !== null ? [{ name, value }] : [];
    });
}

function readModifier(v: unknown): HeaderModifier {
  const m = isRecord(v) ? v : {};
  return {
    set: readPairs(m['set']),
    add: readPairs(m['add']),
    remove: list(m['remove']).filter((r): r is string => typeof r === 'string'),
  };
}

function readPathModifier(v: unknown): PathModifier | null {
  if (!isRecord(v)) return null;
  const type = str(v['type']);
  if (type === 'ReplaceFullPath') return { type, value: str(v['replaceFullPath']) ?? '/' };
  if (type === 'ReplacePrefixMatch') return { type, value: str(v['replacePrefixMatch']) ?? '/' };
  return null;
}

const REDIRECT_CODES = [301, 302, 303, 307, 308] as const;

function readFilter(v: unknown): RouteFilter | null {
  if (!isRecord(v)) return null;
  const type = str(v['type']);
  switch (type) {
    case 'RequestHeaderModifier':
      return { type, modifier: readModifier(v['requestHeaderModifier']) };
    case 'ResponseHeaderModifier':
      return { type, modifier: readModifier(v['responseHeaderModifier']) };
    case 'RequestRedirect': {
      const r = isRecord(v['requestRedirect']) ? v['requestRedirect'] : {};
      const scheme = str(r['scheme']);
      const code = int(r['statusCode']);
      return {
        type,
        scheme: scheme === 'http' || scheme === 'https' ? scheme : null,
        hostname: str(r['hostname']),
        port: int(r['port']),
        path: readPathModifier(r['path']),
        // The CRD's default is 302.
        statusCode: REDIRECT_CODES.find((c) => c === code) ?? 302,
      };
    }
    case 'URLRewrite': {
      const r = isRecord(v['urlRewrite']) ? v['urlRewrite'] : {};
      return { type, hostname: str(r['hostname']), path: readPathModifier(r['path']) };
    }
    case null:
      return null;
    default:
      return { type: 'Other', name: type };
  }
}

const readFilters = (v: unknown): RouteFilter[] =>
  list(v)
    .map(readFilter)
    .filter((f): f is RouteFilter => f !== null);

function readBackendRef(v: unknown, namespace: string): BackendRef | null {
  if (!isRecord(v)) return null;
  const name = str(v['name']);
  if (!name) return null;
  const weight = int(v['weight']);
  return {
    group: str(v['group']) ?? '',
    kind: str(v['kind']) ?? 'Service',
    namespace: str(v['namespace']) ?? namespace,
    name,
    port: int(v['port']),
    weight: weight === null || weight < 0 ? 1 : weight,
    filters: readFilters(v['filters']),
  };
}

const DEFAULT_MATCH: RouteMatch = {
  path: { type: 'PathPrefix', value: '/', program: null },
  headers: [],
  queryParams: [],
  method: null,
};

function readRule(v: unknown, namespace: string): RouteRule {
  const r = isRecord(v) ? v : {};
  const matches = list(r['matches']).map(readMatch);
  return {
    name: str(r['name']),
    matches: matches.length > 0 ? matches : [DEFAULT_MATCH],
    filters: readFilters(r['filters']),
    backendRefs: list(r['backendRefs'])
      .map((b) => readBackendRef(b, namespace))
      .filter((b): b is BackendRef => b !== null),
  };
}

export function readHTTPRoute(raw: unknown, order = 0): HTTPRouteModel | null {
  if (!isKind(raw, 'HTTPRoute')) return null;
  const name = str(meta(raw)['name']);
  if (!name) return null;
  const namespace = namespaceOf(raw);
  const s = spec(raw);
  const rules = list(s['rules']).map((r) => readRule(r, namespace));
  return {
    namespace,
    name,
    parentRefs: list(s['parentRefs'])
      .map((p) => readParentRef(p, namespace))
      .filter((p): p is ParentRef => p !== null),
    hostnames: list(s['hostnames']).filter((h): h is string => typeof h === 'string'),
    // The CRD's default: one rule matching every path (it then has no backends: 500).
    rules: rules.length > 0 ? rules : [{ name: null, matches: [DEFAULT_MATCH], filters: [], backendRefs: [] }],
    ...ordered(raw, order),
  };
}

export function readReferenceGrant(raw: unknown): ReferenceGrantModel | null {
  if (!isKind(raw, 'ReferenceGrant')) return null;
  const name = str(meta(raw)['name']);
  if (!name) return null;
  const s = spec(raw);
  return {
    namespace: namespaceOf(raw),
    name,
    from: list(s['from'])
      .filter(isRecord)
      .flatMap((f) => {
        const kind = str(f['kind']);
        const namespace = str(f['namespace']);
        return kind && namespace ? [{ group: str(f['group']) ?? '', kind, namespace }] : [];
      }),
    to: list(s['to'])
      .filter(isRecord)
      .flatMap((t) => {
        const kind = str(t['kind']);
        return kind ? [{ group: str(t['group']) ?? '', kind, name: str(t['name']) || null }] : [];
      }),
  };
}

/** The Gateway API objects of a list of raw objects, in input order. */
export function readGatewayApi(extras: readonly unknown[]): GatewayApiModel {
  const classes: GatewayClassModel[] = [];
  const gateways: GatewayModel[] = [];
  const routes: HTTPRouteModel[] = [];
  const grants: ReferenceGrantModel[] = [];
  extras.forEach((raw, i) => {
    const c = readGatewayClass(raw);
    if (c) classes.push(c);
    const g = readGateway(raw, i);
    if (g) gateways.push(g);
    const r = readHTTPRoute(raw, i);
    if (r) routes.push(r);
    const rg = readReferenceGrant(raw);
    if (rg) grants.push(rg);
  });
  return { classes, gateways, routes, grants };
}

const cache = new WeakMap<Cluster, GatewayApiModel>();

/** The cluster's Gateway API objects (memoised per cluster, which is immutable). */
export function gatewayApi(cluster: Cluster): GatewayApiModel {
  let model = cache.get(cluster);
  if (!model) {
    model = readGatewayApi(cluster.extras);
    cache.set(cluster, model);
  }
  return model;
}
