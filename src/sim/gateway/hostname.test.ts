import { describe, expect, it } from 'vitest';
import { hostnameCovers, hostOf, intersectHostnames } from './hostname';

describe('Gateway API hostnames', () => {
  it.each([
    ['*.example.com', 'foo.example.com', true],
    ['*.example.com', 'a.b.example.com', true], // any number of labels, unlike Ingress
    ['*.example.com', 'example.com', false],
    ['*.example.com', '*.example.com', true],
    ['*.example.com', '*.a.example.com', true],
    ['*.a.example.com', '*.example.com', false],
    ['Foo.Example.com', 'foo.example.COM', true],
    ['foo.example.com', 'bar.example.com', false],
    ['*.example.com', 'fooexample.com', false],
  ])('%s covers %s: %s', (pattern, host, want) => {
    expect(hostnameCovers(pattern, host)).toBe(want);
  });

  it.each([
    [null, [], [null]],
    ['*.example.com', [], ['*.example.com']],
    [null, ['a.com', '*.b.com'], ['a.com', '*.b.com']],
    ['*.example.com', ['foo.example.com', 'example.net', '*.example.com'], ['foo.example.com', '*.example.com']],
    ['foo.example.com', ['*.example.com', 'bar.example.com'], ['foo.example.com']],
    ['*.wildcard.io', ['wildcard.io', 'non.matching.com'], []],
  ] as [string | null, string[], (string | null)[]][])('listener %s, route %j -> %j', (listener, route, want) => {
    expect(intersectHostnames(listener, route)).toEqual(want);
  });

  it('reads the Host header without its port, case or trailing dot', () => {
    expect(hostOf('Shop.Example.com:8080')).toBe('shop.example.com');
    expect(hostOf('shop.example.com.')).toBe('shop.example.com');
    expect(hostOf('[::1]')).toBe('[::1]');
  });
});
