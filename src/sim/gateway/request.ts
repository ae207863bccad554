/**
 * An HTTP request for the Gateway router from what a person types: a URL, a method and header
 * lines (`Name: value`). The query string and path are kept as written, still percent-encoded:
 * Envoy matches the query parameters of the raw request line without decoding them.
 */
import type { GatewayRequest, Header } from './route';

export class GatewayRequestError extends Error {
  readonly field: 'url' | 'method' | 'header';
  constructor(message: string, field: 'url' | 'method' | 'header') {
    super(message);
    this.name = 'GatewayRequestError';
    this.field = field;
  }
}

/** RFC 9110 token: what a method or a header name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A field value: visible characters, spaces and tabs (no CR, LF or other controls). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\uffff]*$/;
const HOST = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const MAX_URL = 8192;

/** Whether text holds a space, a tab or a control character, which a request line cannot carry raw. */
function hasBlankOrControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x85 || c === 0xa0) return true;
  }
  return false;
}

/** Parses `Name: value` (the value trimmed of surrounding blanks, as HTTP does). */
export function parseHeaderLine(line: string): Header {
  const colon = line.indexOf(':');
  if (colon <= 0) throw new GatewayRequestError(`"${line}" is not a header line "Name: value"`, 'header');
  const name = line.slice(0, colon);
  const value = line.slice(colon + 1).trim();
  if (!TOKEN.test(name))
    throw new GatewayRequestError(`"${name}" is not a header name (letters, digits and !#$%&'*+-.^_\`|~)`, 'header');
  if (!FIELD_VALUE.test(value))
    throw new GatewayRequestError(`the value of ${name} holds a control character (a CR, LF or the like)`, 'header');
  return [name, value];
}

/** The pairs of a raw query string (`a=1&b&c=`), in order, not decoded. */
export function parseQuery(query: string): Header[] {
  return query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    });
}

export interface RequestInput {
  /** `http(s)://host[:port]/path?query` */
  readonly url: string;
  /** default GET */
  readonly method?: string;
  /** `Name: value` lines; a Host line replaces the URL's host as the Host header */
  readonly headers?: readonly string[];
}

/**
 * A GatewayRequest from a URL, a method and header lines, or a GatewayRequestError saying what
 * is wrong.
 *
 * @example
 * parseGatewayRequest({ url: 'http://shop.example.com/cart?id=7', headers: ['X-Canary: always'] })
 * // { scheme: 'http', host: 'shop.example.com', port: 80, path: '/cart', query: [['id', '7']], … }
 */
export function parseGatewayRequest(input: RequestInput): GatewayRequest {
  const { url } = input;
  if (url.length > MAX_URL) throw new GatewayRequestError(`the URL is longer than ${MAX_URL} characters`, 'url');
  const m = /^(https?):\/\/([^/?#:]+)(?::(\d+))?([^?#]*)(?:\?([^#]*))?(#.*)?$/i.exec(url);
  if (!m) throw new GatewayRequestError(`"${url}" is not an http:// or https:// URL`, 'url');
  const scheme = (m[1] as string).toLowerCase() as 'http' | 'https';
  const urlHost = (m[2] as string).toLowerCase();
  if (!HOST.test(urlHost) && !IPV4.test(urlHost))
    throw new GatewayRequestError(`"${urlHost}" is not a host name or an IPv4 address`, 'url');
  const port = m[3] === undefined ? (scheme === 'https' ? 443 : 80) : Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new GatewayRequestError(`port ${m[3] ?? ''} is out of range (1-65535)`, 'url');
  const path = m[4] === undefined || m[4] === '' ? '/' : m[4];
  if (hasBlankOrControl(path) || hasBlankOrControl(m[5] ?? ''))
    throw new GatewayRequestError(
      'the path and query must not hold spaces or control characters (encode them: %20)',
      'url',
    );
  const method = input.method ?? 'GET';
  if (!TOKEN.test(method)) throw new GatewayRequestError(`"${method}" is not an HTTP method`, 'method');
  let host = urlHost;
  const headers: Header[] = [];
  for (const line of input.headers ?? []) {
    const [name, value] = parseHeaderLine(line);
    if (name.toLowerCase() === 'host') host = value;
    else headers.push([name, value]);
  }
  return { scheme, host, port, method, path, query: parseQuery(m[5] ?? ''), headers };
}
