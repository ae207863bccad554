import { describe, expect, it } from 'vitest';
import { escapeHtml, previewPage, previewScenarios } from './previewPages';

/** The `content` of each `<meta property|name=…>`, unescaped as a browser would. */
function metaTags(html: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const m of html.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)" \/>/g)) {
    tags[m[1]!] = m[2]!
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }
  return tags;
}

describe('preview pages', () => {
  it('has one page per built-in scenario, with its title and framing', () => {
    const scenarios = previewScenarios();
    expect(scenarios.length).toBeGreaterThanOrEqual(13);
    expect(new Set(scenarios.map((s) => s.id)).size).toBe(scenarios.length);
    const ingress = scenarios.find((s) => s.id === 'ingress')!;
    expect(ingress.title).toBe('Ingress: host and path to a backend');
    expect(ingress.description).toMatch(/^shop\.example\.com points at/);
  });

  it('carries absolute Open Graph and Twitter tags under a sub-path, and links to the app', () => {
    const html = previewPage(
      { id: 'pod-to-service', title: 'Pod to Service by its ClusterIP', description: 'A stable virtual IP.' },
      'https://example.github.io/k8s-netviz',
    );
    const tags = metaTags(html);
    expect(tags['og:title']).toBe('Pod to Service by its ClusterIP — k8s-netviz');
    expect(tags['og:description']).toBe('A stable virtual IP.');
    expect(tags['og:url']).toBe('https://example.github.io/k8s-netviz/s/pod-to-service/');
    expect(tags['og:image']).toBe('https://example.github.io/k8s-netviz/posters/pod-to-service.png');
    expect(tags['og:image:width']).toBe('1200');
    expect(tags['og:image:height']).toBe('630');
    expect(tags['twitter:card']).toBe('summary_large_image');
    expect(tags['twitter:image']).toBe(tags['og:image']);
    expect(html).toContain('<a id="open" href="../../#example=pod-to-service">');
    expect(html).toContain('<script src="../open.js" defer></script>');
    // no inline script: the page's own policy allows only the site's files
    expect(html).not.toMatch(/<script>/);
  });

  it('escapes every text it writes, so a title cannot become markup', () => {
    const hostile = `"><script>alert('x')</script>&amp;`;
    const html = previewPage({ id: 'x', title: hostile, description: hostile }, 'https://example.org/');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain(`"><`);
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;');
    expect(metaTags(html)['og:title']).toBe(`${hostile} — k8s-netviz`);
    expect(escapeHtml(`a<b>&"'`)).toBe('a&lt;b&gt;&amp;&quot;&#39;');
  });

  it('refuses an id that would not be a plain path segment', () => {
    expect(() => previewPage({ id: '../x', title: 't', description: 'd' }, 'https://example.org/')).toThrow(/id/);
  });
});
