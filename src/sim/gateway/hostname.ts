/**
 * Hostnames as Gateway API compares them. A wildcard `*.example.com` stands for one or more labels
 * in front of `example.com` (so `a.b.example.com` too, unlike an Ingress's single-label wildcard)
 * and never for `example.com` itself. Comparisons ignore case, as DNS does.
 */

/** Whether a hostname (with or without a wildcard) matches a concrete host or narrower wildcard. */
export function hostnameCovers(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (!p.startsWith('*.')) return p === h;
  const suffix = p.slice(1); // `.example.com`
  // `*.example.com` covers `a.example.com`, `a.b.example.com`, `*.a.example.com` and itself.
  return h.length > suffix.length && h.endsWith(suffix);
}

/**
 * The hostnames a route serves on a listener: the listener's hostname and the route's, each
 * narrowed to the more specific of a covering pair (HTTPRouteSpec.hostnames). An empty answer
 * means they share none, and the route does not attach to that listener (NoMatchingListenerHostname).
 * `null` in the answer means any host.
 *
 * @example
 * intersectHostnames('*.example.com', ['foo.example.com', 'example.net']) // ['foo.example.com']
 */
export function intersectHostnames(listener: string | null, route: readonly string[]): (string | null)[] {
  if (route.length === 0) return [listener];
  if (listener === null) return [...route];
  const out: string[] = [];
  for (const h of route) {
    if (hostnameCovers(listener, h)) out.push(h);
    else if (hostnameCovers(h, listener)) out.push(listener);
  }
  return [...new Set(out)];
}

/** The Host header's name part: without a port, lowercased, without a trailing dot. */
export function hostOf(header: string): string {
  let host = header.trim().toLowerCase();
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !host.endsWith(']') && /^\d+$/.test(host.slice(colon + 1))) host = host.slice(0, colon);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/**
 * How specific a hostname is, for precedence: a concrete name beats any wildcard, a longer one a
 * shorter one, and any host (null) comes last (HTTPRouteSpec.hostnames, "precedence must be given
 * to … the largest number of characters in a matching non-wildcard hostname, then … in a matching hostname").
 */
export function hostnameRank(hostname: string | null): [number, number] {
  if (hostname === null) return [0, 0];
  return hostname.startsWith('*.') ? [1, hostname.length] : [2, hostname.length];
}
