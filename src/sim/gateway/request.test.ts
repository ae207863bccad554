import { describe, expect, it } from 'vitest';
import { GatewayRequestError, parseGatewayRequest, parseHeaderLine, parseQuery } from './request';

describe('parseGatewayRequest', () => {
  it('takes the scheme, host, default port, path and raw query from the URL', () => {
    expect(parseGatewayRequest({ url: 'HTTPS://Shop.Example.com/cart/a%2Fb?id=7&tag=a%20b&flag' })).toEqual({
      scheme: 'https',
      host: 'shop.example.com',
      port: 443,
      method: 'GET',
      path: '/cart/a%2Fb',
      query: [
        ['id', '7'],
        ['tag', 'a%20b'],
        ['flag', ''],
      ],
      headers: [],
    });
    expect(parseGatewayRequest({ url: 'http://10.0.0.1:8080' })).toMatchObject({
      port: 8080,
      path: '/',
      host: '10.0.0.1',
    });
  });

  it('keeps headers in order, and a Host header replaces the URL host', () => {
    const r = parseGatewayRequest({
      url: 'http://203.0.113.7/',
      method: 'PATCH',
      headers: ['Host: shop.example.com', 'X-A:  1 ', 'x-a: 2'],
    });
    expect(r).toMatchObject({
      host: 'shop.example.com',
      method: 'PATCH',
      headers: [
        ['X-A', '1'],
        ['x-a', '2'],
      ],
    });
  });

  it.each([
    [{ url: 'ftp://x/' }, 'url', 'is not an http:// or https:// URL'],
    [{ url: 'http://x:70000/' }, 'url', 'out of range'],
    [{ url: 'http://under_score/' }, 'url', 'is not a host name'],
    [{ url: 'http://x/a b' }, 'url', 'spaces or control characters'],
    [{ url: 'http://x/', method: 'G(ET' }, 'method', 'is not an HTTP method'],
    [{ url: 'http://x/', headers: [': v'] }, 'header', 'is not a header line'],
    [{ url: 'http://x/', headers: ['X-A: a\r\nX-B: b'] }, 'header', 'control character'],
  ])('rejects %j (%s: %s)', (input, field, message) => {
    try {
      parseGatewayRequest(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayRequestError);
      expect((error as GatewayRequestError).field).toBe(field);
      expect((error as Error).message).toContain(message);
    }
  });

  it('parses header lines and query strings on their own', () => {
    expect(parseHeaderLine('Accept:text/html')).toEqual(['Accept', 'text/html']);
    expect(parseQuery('a=1&&b=2=3')).toEqual([
      ['a', '1'],
      ['b', '2=3'],
    ]);
  });
});
