/**
 * The link-preview pages of the built site: `s/<id>/index.html` for each built-in scenario. Link
 * unfurlers (chat apps, social sites, RSS readers) see neither the hash nor JavaScript, so a
 * `#example=<id>` link unfurls as the bare app; these pages carry the scenario's own Open Graph and
 * Twitter tags and send a person's browser on to the app at that scenario (s/open.js).
 *
 * Built by scripts/build-site.mjs, which bundles this file for Node; pure, so the pages' text is
 * unit-tested.
 */
import { SCENARIOS } from '../../sim/scenarios/catalog';

export interface PreviewScenario {
  id: string;
  title: string;
  description: string;
}

/** The poster's size: what Open Graph and `summary_large_image` cards show uncropped (1.91:1). */
export const POSTER = { width: 1200, height: 630 } as const;
export const SITE_NAME = 'k8s-netviz';

/** The built-in scenarios, as the preview pages and posters name them. */
export function previewScenarios(): PreviewScenario[] {
  return SCENARIOS.map(({ id, title, framing }) => ({ id, title, description: framing }));
}

/** Text for an HTML attribute value or element content: nothing in it is markup. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The page's own policy: no script but the site's own redirect, images only from the site. */
const PAGE_CSP = "default-src 'none'; script-src 'self'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'";

/** Ids are public, stable and plain (catalog.ts); one that is not would make a bad path. */
const ID = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The page for one scenario. `siteUrl` is the site's absolute URL with a trailing slash (the
 * previews' image and canonical URLs must be absolute); the page links to the app relatively, so
 * the same files work wherever the site is served from.
 */
export function previewPage(scenario: PreviewScenario, siteUrl: string): string {
  if (!ID.test(scenario.id)) throw new Error(`preview pages: a scenario id must be [a-z0-9-]: ${scenario.id}`);
  const site = new URL(siteUrl);
  if (!site.pathname.endsWith('/')) site.pathname += '/';
  const pageUrl = new URL(`s/${scenario.id}/`, site).href;
  const imageUrl = new URL(`posters/${scenario.id}.png`, site).href;
  const appHref = `../../#example=${scenario.id}`;
  const title = `${scenario.title} — ${SITE_NAME}`;
  const meta = (attr: 'property' | 'name', key: string, value: string) =>
    `    <meta ${attr}="${key}" content="${escapeHtml(value)}" />`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '  <head>',
    '    <meta charset="UTF-8" />',
    `    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(PAGE_CSP)}" />`,
    '    <meta name="viewport" content="width=device-width, initial-scale=1.0" />',
    `    <title>${escapeHtml(title)}</title>`,
    meta('name', 'description', scenario.description),
    `    <link rel="canonical" href="${escapeHtml(pageUrl)}" />`,
    meta('property', 'og:type', 'website'),
    meta('property', 'og:site_name', SITE_NAME),
    meta('property', 'og:title', title),
    meta('property', 'og:description', scenario.description),
    meta('property', 'og:url', pageUrl),
    meta('property', 'og:image', imageUrl),
    meta('property', 'og:image:type', 'image/png'),
    meta('property', 'og:image:width', String(POSTER.width)),
    meta('property', 'og:image:height', String(POSTER.height)),
    meta('property', 'og:image:alt', `${scenario.title}: the packet's path on the diagram`),
    meta('name', 'twitter:card', 'summary_large_image'),
    meta('name', 'twitter:title', title),
    meta('name', 'twitter:description', scenario.description),
    meta('name', 'twitter:image', imageUrl),
    '    <link rel="icon" type="image/svg+xml" href="../../favicon.svg" />',
    '    <script src="../open.js" defer></script>',
    '  </head>',
    '  <body style="font-family: system-ui, sans-serif; margin: 2rem">',
    `    <h1>${escapeHtml(scenario.title)}</h1>`,
    `    <p>${escapeHtml(scenario.description)}</p>`,
    `    <p><a id="open" href="${escapeHtml(appHref)}">Open the scenario in ${SITE_NAME}</a></p>`,
    `    <img src="../../posters/${scenario.id}.png" width="${POSTER.width / 2}" height="${POSTER.height / 2}" alt="" />`,
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * s/open.js: sends the browser on to the app (the page's `#open` link), keeping a `?step=<n>`
 * of the preview's URL. A script, not `<meta http-equiv="refresh">`: some unfurlers follow a
 * refresh and would preview the bare app instead.
 */
export const OPEN_SCRIPT = `// k8s-netviz preview pages: a person's browser goes on to the app at the page's scenario.
(function () {
  var link = document.getElementById('open');
  if (!link) return;
  var url = new URL(link.href);
  var query = new URLSearchParams(location.search);
  var step = query.get('step');
  if (step && /^\\d+$/.test(step)) url.hash += '&step=' + step + (/^[23]$/.test(query.get('tl') ?? '') ? '&tl=' + query.get('tl') : '');
  location.replace(url.href);
})();
`;
