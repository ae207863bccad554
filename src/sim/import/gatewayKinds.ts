/**
 * Gateway API objects (gateway.networking.k8s.io) checked for shape as the CRDs' schemas and CEL
 * rules would check them; valid ones are kept as given for src/sim/gateway. A RegularExpression
 * match must compile as RE2 (what Envoy uses): an invalid one is an error at its field, with the
 * character where the pattern goes wrong.
 */
import { compileRe2 } from '../gateway/re2';
import type { Path } from './problems';
import type { Fields } from './read';

const PORT_MAX = 65535;
const LISTENER_PROTOCOLS = ['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP'] as const;
const REDIRECT_CODES = [301, 302, 303, 307, 308];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;
/** RFC 1123 subdomain, optionally with a leading `*.` (the CRDs' Hostname pattern). */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

function hostname(f: Fields, at: Path): void {
  const value = f.str(at);
  if (value === undefined) return;
  if (!HOSTNAME.test(value) || value.length > 253)
    f.error(at, `must be a lowercase DNS name, optionally starting with "*." (not an IP address), not "${value}"`);
}

function regex(f: Fields, at: Path, value: string): void {
  const compiled = compileRe2(value);
  if (!compiled.ok)
    f.error(
      at,
      `is not a valid RE2 regular expression: ${compiled.message} (at character ${compiled.index + 1} of the pattern)`,
    );
}

export function validateGatewayClass(f: Fields): void {
  f.str(['spec', 'controllerName'], true);
}

export function validateGateway(f: Fields): void {
  f.str(['spec', 'gatewayClassName'], true);
  const listeners = f.list(['spec', 'listeners'], true) ?? [];
  if (listeners.length === 0 && f.get(['spec', 'listeners']) !== undefined)
    f.error(['spec', 'listeners'], 'must hold at least one listener');
  const names = new Set<string>();
  listeners.forEach((_, i) => {
    const at: Path = ['spec', 'listeners', i];
    const name = f.str([...at, 'name'], true);
    if (name !== undefined) {
      if (names.has(name)) f.error([...at, 'name'], `listener names must be unique; "${name}" is used twice`);
      names.add(name);
    }
    const protocol = f.str([...at, 'protocol'], true);
    if (
      protocol !== undefined &&
      !(LISTENER_PROTOCOLS as readonly string[]).includes(protocol) &&
      !protocol.includes('/')
    )
      f.error(
        [...at, 'protocol'],
        `must be one of ${LISTENER_PROTOCOLS.join(', ')} (or a domain-prefixed protocol), not "${protocol}"`,
      );
    f.int([...at, 'port'], 1, PORT_MAX, true);
    hostname(f, [...at, 'hostname']);
    const from = f.oneOf([...at, 'allowedRoutes', 'namespaces', 'from'], ['All', 'Same', 'Selector']);
    if (from === 'Selector' && f.map([...at, 'allowedRoutes', 'namespaces', 'selector']) === undefined)
      f.error([...at, 'allowedRoutes', 'namespaces', 'selector'], 'is required when from is Selector');
    const kinds = f.list([...at, 'allowedRoutes', 'kinds']) ?? [];
    kinds.forEach((__, k) => {
      f.str([...at, 'allowedRoutes', 'kinds', k, 'group']);
      f.str([...at, 'allowedRoutes', 'kinds', k, 'kind'], true);
    });
    // The CEL rule of the CRD: HTTPS and TLS listeners need tls; HTTP, TCP and UDP must not have it.
    const tls = f.map([...at, 'tls']);
    if (protocol === 'HTTPS' && tls === undefined) f.error([...at, 'tls'], 'is required for an HTTPS listener');
    if ((protocol === 'HTTP' || protocol === 'TCP' || protocol === 'UDP') && tls !== undefined)
      f.error([...at, 'tls'], `must not be set for a ${protocol} listener`);
    const refs = f.list([...at, 'tls', 'certificateRefs']) ?? [];
    refs.forEach((__, r) => f.str([...at, 'tls', 'certificateRefs', r, 'name'], true));
  });
}

function parentRefs(f: Fields): void {
  const refs = f.list(['spec', 'parentRefs']) ?? [];
  refs.forEach((_, i) => {
    const at: Path = ['spec', 'parentRefs', i];
    f.str([...at, 'group']);
    f.str([...at, 'kind']);
    f.str([...at, 'namespace']);
    f.str([...at, 'name'], true);
    f.str([...at, 'sectionName']);
    f.int([...at, 'port'], 1, PORT_MAX);
  });
}

function valueMatches(f: Fields, at: Path, what: string): void {
  const list = f.list(at) ?? [];
  const seen = new Set<string>();
  list.forEach((_, i) => {
    const name = f.str([...at, i, 'name'], true);
    const type = f.oneOf([...at, i, 'type'], ['Exact', 'RegularExpression']);
    const value = f.str([...at, i, 'value'], true);
    if (name !== undefined) {
      if (what === 'header' && !HEADER_NAME.test(name))
        f.error(
          [...at, i, 'name'],
          `must be an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~), not "${name}"`,
        );
      // Header names compare case-insensitively, query parameter names exactly (the spec).
      const key = what === 'header' ? name.toLowerCase() : name;
      if (seen.has(key)) f.error([...at, i, 'name'], `a ${what} may be matched only once per match; "${name}" repeats`);
      seen.add(key);
    }
    if (type === 'RegularExpression' && value !== undefined) regex(f, [...at, i, 'value'], value);
  });
}

function pathModifier(f: Fields, at: Path, prefixAllowed: boolean): void {
  if (f.map(at) === undefined) return;
  const type = f.oneOf([...at, 'type'], ['ReplaceFullPath', 'ReplacePrefixMatch']);
  if (type === undefined) {
    if (f.get([...at, 'type']) === undefined) f.error([...at, 'type'], 'is required');
    return;
  }
  const field = type === 'ReplaceFullPath' ? 'replaceFullPath' : 'replacePrefixMatch';
  const value = f.str([...at, field]);
  if (value === undefined) f.error([...at, field], `is required when type is ${type}`);
  else if (!value.startsWith('/')) f.error([...at, field], `must start with "/", not "${value}"`);
  if (type === 'ReplacePrefixMatch' && !prefixAllowed)
    f.error([...at, 'type'], 'ReplacePrefixMatch needs exactly one match in the rule, a PathPrefix one');
}

function headerModifier(f: Fields, at: Path): void {
  if (f.map(at) === undefined) return;
  for (const op of ['set', 'add'] as const) {
    const list = f.list([...at, op]) ?? [];
    list.forEach((_, i) => {
      const name = f.str([...at, op, i, 'name'], true);
      if (name !== undefined && !HEADER_NAME.test(name))
        f.error([...at, op, i, 'name'], `must be an HTTP header name, not "${name}"`);
      f.str([...at, op, i, 'value'], true);
    });
  }
  const remove = f.list([...at, 'remove']) ?? [];
  remove.forEach((_, i) => f.str([...at, 'remove', i]));
}

const FILTER_FIELDS: Record<string, string> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  RequestMirror: 'requestMirror',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
};

function filters(f: Fields, at: Path, onePrefix: boolean): void {
  const list = f.list(at) ?? [];
  const types: string[] = [];
  list.forEach((_, i) => {
    const fat: Path = [...at, i];
    const type = f.str([...fat, 'type'], true);
    if (type === undefined) return;
    types.push(type);
    const field = FILTER_FIELDS[type];
    if (field === undefined) {
      f.error([...fat, 'type'], `must be one of ${Object.keys(FILTER_FIELDS).join(', ')}, not "${type}"`);
      return;
    }
    if (f.map([...fat, field]) === undefined) {
      f.error([...fat, field], `is required when type is ${type}`);
      return;
    }
    if (type === 'RequestHeaderModifier' || type === 'ResponseHeaderModifier') headerModifier(f, [...fat, field]);
    if (type === 'RequestRedirect') {
      f.oneOf([...fat, field, 'scheme'], ['http', 'https']);
      hostname(f, [...fat, field, 'hostname']);
      f.int([...fat, field, 'port'], 1, PORT_MAX);
      const code = f.get([...fat, field, 'statusCode']);
      if (code !== undefined && !REDIRECT_CODES.includes(code as number))
        f.error(
          [...fat, field, 'statusCode'],
          `must be one of ${REDIRECT_CODES.join(', ')}, not ${JSON.stringify(code)}`,
        );
      pathModifier(f, [...fat, field, 'path'], onePrefix);
    }
    if (type === 'URLRewrite') {
      hostname(f, [...fat, field, 'hostname']);
      pathModifier(f, [...fat, field, 'path'], onePrefix);
    }
  });
  // CEL rules of the CRD: a redirect and a rewrite exclude each other, and the modifiers appear once.
  if (types.includes('RequestRedirect') && types.includes('URLRewrite'))
    f.error(at, 'may not hold both RequestRedirect and URLRewrite');
  for (const once of ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'])
    if (types.filter((t) => t === once).length > 1) f.error(at, `may hold ${once} only once`);
}

/** The CRD's characters for Exact and PathPrefix values: RFC 3986 path characters and %XX. */
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/** Why an Exact or PathPrefix value is refused by the CRD's validation rules, or null. */
function pathProblem(value: string): string | null {
  if (!value.startsWith('/')) return `must be an absolute path starting with "/", not "${value}"`;
  for (const bad of ['//', '/./', '/../', '%2f', '%2F', '#'])
    if (value.includes(bad)) return `must not contain "${bad}"`;
  if (value.endsWith('/..') || value.endsWith('/.')) return 'must not end with "/." or "/.."';
  if (!PATH_CHARS.test(value)) return "must hold only path characters (letters, digits, -._~!$&'()*+,;=:@/ and %XX)";
  return null;
}

export function validateHTTPRoute(f: Fields): void {
  parentRefs(f);
  const hostnames = f.list(['spec', 'hostnames']) ?? [];
  hostnames.forEach((_, i) => hostname(f, ['spec', 'hostnames', i]));
  const rules = f.list(['spec', 'rules']) ?? [];
  rules.forEach((_, r) => {
    const rat: Path = ['spec', 'rules', r];
    f.str([...rat, 'name']);
    const matches = f.list([...rat, 'matches']) ?? [];
    // ReplacePrefixMatch needs exactly one match, a PathPrefix one (the CRD default counts as one).
    let onePrefix = matches.length <= 1;
    matches.forEach((__, m) => {
      const mat: Path = [...rat, 'matches', m];
      const type = f.oneOf([...mat, 'path', 'type'], ['Exact', 'PathPrefix', 'RegularExpression']) ?? 'PathPrefix';
      if (type !== 'PathPrefix') onePrefix = false;
      const value = f.str([...mat, 'path', 'value']);
      if (value !== undefined) {
        if (type === 'RegularExpression') regex(f, [...mat, 'path', 'value'], value);
        else {
          const problem = pathProblem(value);
          if (problem) f.error([...mat, 'path', 'value'], problem);
        }
      }
      valueMatches(f, [...mat, 'headers'], 'header');
      valueMatches(f, [...mat, 'queryParams'], 'query parameter');
      f.oneOf([...mat, 'method'], METHODS);
    });
    filters(f, [...rat, 'filters'], onePrefix);
    const refs = f.list([...rat, 'backendRefs']) ?? [];
    const ruleFilters = f.list([...rat, 'filters']) ?? [];
    if (refs.length > 0 && ruleFilters.some((_, i) => f.get([...rat, 'filters', i, 'type']) === 'RequestRedirect'))
      f.error([...rat, 'backendRefs'], 'must be empty when the rule redirects (RequestRedirect answers instead)');
    refs.forEach((__, b) => {
      const bat: Path = [...rat, 'backendRefs', b];
      f.str([...bat, 'group']);
      const kind = f.str([...bat, 'kind']) ?? 'Service';
      f.str([...bat, 'namespace']);
      f.str([...bat, 'name'], true);
      const port = f.int([...bat, 'port'], 1, PORT_MAX);
      // The CRD's CEL rule: a backendRef to a core Service must name its port.
      if (
        port === undefined &&
        kind === 'Service' &&
        (f.str([...bat, 'group']) ?? '') === '' &&
        f.get([...bat, 'port']) === undefined
      )
        f.error([...bat, 'port'], 'is required when the backend is a Service');
      f.int([...bat, 'weight'], 0, 1_000_000);
      filters(f, [...bat, 'filters'], onePrefix);
    });
  });
}

export function validateReferenceGrant(f: Fields): void {
  const from = f.list(['spec', 'from'], true) ?? [];
  from.forEach((_, i) => {
    f.str(['spec', 'from', i, 'group'], true);
    f.str(['spec', 'from', i, 'kind'], true);
    f.str(['spec', 'from', i, 'namespace'], true);
  });
  const to = f.list(['spec', 'to'], true) ?? [];
  to.forEach((_, i) => {
    f.str(['spec', 'to', i, 'group'], true);
    f.str(['spec', 'to', i, 'kind'], true);
    f.str(['spec', 'to', i, 'name']);
  });
}
