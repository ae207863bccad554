/**
 * The Content-Security-Policy of the production build, written into index.html as a `<meta>` by
 * the Vite config (the dev server goes without it: its hot reload injects inline scripts).
 *
 * - scripts, workers' code and fetches only from the app's own origin; no `eval` of any kind;
 * - styles from the app and inline: Tailwind's and CodeMirror's injected `<style>` elements and
 *   Cytoscape's style attributes need `'unsafe-inline'` (styles cannot run script);
 * - images from the app, `data:` and `blob:` (the PNG and SVG exports);
 * - workers from the app or `blob:`;
 * - no plugins, no `<base>` elsewhere, no form posts.
 *
 * `frame-ancestors` is not honoured in a `<meta>`: a host that wants to limit who may frame the
 * app sends it as an HTTP header (docs/embedding.md).
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'none'"],
};

/** The policy as one header or `<meta content>` value. */
export function contentSecurityPolicy(directives = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/**
 * index.html with the policy's `<meta>` at the top of `<head>`, after the charset (it covers only
 * what follows it, so it goes before every script and style).
 */
export function withCspMeta(html: string, policy = contentSecurityPolicy()): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy.replace(/"/g, '&quot;')}" />`;
  const head = /<head[^>]*>/i.exec(html);
  if (!head) throw new Error('index.html has no <head> to put the Content-Security-Policy in');
  const charset = /^\s*<meta charset[^>]*>/i.exec(html.slice(head.index + head[0].length));
  const at = head.index + head[0].length + (charset ? charset[0].length : 0);
  return `${html.slice(0, at)}\n    ${meta}${html.slice(at)}`;
}
