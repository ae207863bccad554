import { describe, expect, it } from 'vitest';
import { appBase, snippets } from './shareService';

describe('links and snippets', () => {
  it('points at the app wherever it is deployed, without the file name', () => {
    expect(appBase({ origin: 'https://me.github.io', pathname: '/k8s-netviz/index.html' })).toBe(
      'https://me.github.io/k8s-netviz/',
    );
    expect(appBase({ origin: 'http://localhost:5173', pathname: '/' })).toBe('http://localhost:5173/');
  });

  it('builds the link, the sandboxed iframe and the element for an example', () => {
    const s = snippets('https://me.github.io/k8s-netviz/', '#example=pod-to-pod-cross-node&step=3');
    expect(s.url).toBe('https://me.github.io/k8s-netviz/#example=pod-to-pod-cross-node&step=3');
    expect(s.embedUrl).toBe('https://me.github.io/k8s-netviz/?embed=1#example=pod-to-pod-cross-node&step=3');
    expect(s.iframe).toContain(
      'src="https://me.github.io/k8s-netviz/?embed=1#example=pod-to-pod-cross-node&amp;step=3"',
    );
    expect(s.iframe).toContain(
      'sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-downloads"',
    );
    expect(s.iframe).toContain('allow="fullscreen; clipboard-write"');
    expect(s.element).toContain('<script type="module" src="https://me.github.io/k8s-netviz/embed.js"></script>');
    expect(s.element).toContain('<k8s-netviz example="pod-to-pod-cross-node" step="3">');
    // the fallback for readers without JavaScript
    expect(s.element).toContain('<a href="https://me.github.io/k8s-netviz/#example=pod-to-pod-cross-node&amp;step=3">');
  });

  it('carries an s= payload as the element’s scenario attribute, escaped', () => {
    const s = snippets('https://x.example/', '#s=z1.ab-_c');
    expect(s.element).toContain('<k8s-netviz scenario="z1.ab-_c">');
    const hostile = snippets('https://x.example/', `#example=${encodeURIComponent('"><script>')}`);
    expect(hostile.element).not.toContain('"><script>');
    expect(hostile.element).toContain('example="&quot;&gt;&lt;script&gt;"');
  });

  it('offers a built-in scenario’s preview page, at its step, and its poster as a picture link', () => {
    const s = snippets('https://me.github.io/k8s-netviz/', '#example=ingress&step=3');
    expect(s.preview).toEqual({
      page: 'https://me.github.io/k8s-netviz/s/ingress/?step=3',
      poster: 'https://me.github.io/k8s-netviz/posters/ingress.png',
      markdown: expect.stringMatching(
        /^\[!\[[^\]]+, in k8s-netviz\]\(https:\/\/me\.github\.io\/k8s-netviz\/posters\/ingress\.png\)\]\(https:\/\/me\.github\.io\/k8s-netviz\/s\/ingress\/\?step=3\)$/,
      ),
      html: expect.stringMatching(
        /^<a href="https:\/\/me\.github\.io\/k8s-netviz\/s\/ingress\/\?step=3"><img src="[^"]+\/posters\/ingress\.png" width="600" alt="[^"<>]+"><\/a>$/,
      ),
    });
    expect(snippets('https://x.example/', '#example=ingress').preview?.page).toBe('https://x.example/s/ingress/');
  });

  it('offers no preview for a shared state or an id that is no built-in scenario', () => {
    expect(snippets('https://x.example/', '#s=z1.ab-_c').preview).toBeUndefined();
    expect(snippets('https://x.example/', '#example=no-such-thing').preview).toBeUndefined();
  });
});
