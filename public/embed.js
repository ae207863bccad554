/*
 * k8s-netviz embed script: defines <k8s-netviz>, which builds a sandboxed iframe of the app.
 * No dependencies; served unhashed at the app's base (<base>/embed.js).
 *
 *   <script type="module" src="https://example.org/k8s-netviz/embed.js"></script>
 *   <k8s-netviz example="pod-to-pod-cross-node" step="3">
 *     <a href="https://example.org/k8s-netviz/#example=pod-to-pod-cross-node&step=3">Open the scenario</a>
 *   </k8s-netviz>
 *
 * Attributes: src (the app's base URL; defaults to where this script came from), example,
 * scenario (an s= payload), step, theme, controls, autoplay, height, view, speed, keyboard, and ctl
 * (click to load: a poster and a button until the reader asks for the app; nothing else loads).
 * Events (bubbling, composed): k8snetviz:ready, k8snetviz:step, k8snetviz:error, and
 * k8snetviz:loaded, k8snetviz:select, k8snetviz:resize; the data is in event.detail.
 * Methods: element.command(name, payload) -> Promise (the postMessage API), element.step(n).
 */
(() => {
  'use strict';
  if (typeof window === 'undefined' || !window.customElements || window.customElements.get('k8s-netviz')) return;

  // Where this script came from: the app lives beside it. (document.currentScript is null in
  // modules; import.meta is not available to a classic script, so both are tried.)
  const script = document.currentScript;
  let scriptUrl = script && script.src ? script.src : '';
  if (!scriptUrl) {
    const found = Array.from(document.querySelectorAll('script[src]')).find((s) =>
      /(^|\/)embed\.js(\?|#|$)/.test(s.getAttribute('src') || ''),
    );
    scriptUrl = found ? found.src : '';
  }
  const DEFAULT_BASE = scriptUrl ? new URL('./', scriptUrl).href : '';

  const NS = 'k8s-netviz';
  const SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-downloads';
  const PASSED = ['theme', 'controls', 'autoplay', 'view', 'speed', 'keyboard'];
  const EVENT_NAMES = {
    ready: 'k8snetviz:ready',
    stepChange: 'k8snetviz:step',
    error: 'k8snetviz:error',
    loaded: 'k8snetviz:loaded',
    selectionChange: 'k8snetviz:select',
    resize: 'k8snetviz:resize',
  };
  let counter = 0;

  class K8sNetviz extends HTMLElement {
    static get observedAttributes() {
      return [
        'src',
        'example',
        'scenario',
        'step',
        'theme',
        'controls',
        'autoplay',
        'height',
        'view',
        'speed',
        'keyboard',
        'ctl',
      ];
    }

    constructor() {
      super();
      this._frame = null;
      this._poster = null;
      this._clicked = false;
      this._refusal = null;
      this._origin = null;
      this._pending = new Map();
      this._ready = false;
      this._onMessage = this._onMessage.bind(this);
    }

    connectedCallback() {
      if (!this.shadowRoot) {
        // The light-DOM children (a link and an image for readers without JavaScript) stay in the
        // document, untouched; the shadow root without a slot simply does not show them.
        const root = this.attachShadow({ mode: 'open' });
        const style = document.createElement('style');
        style.textContent = [
          ':host{display:block;width:100%;min-height:120px}iframe{display:block;width:100%;border:0}',
          '.ctl{position:relative;display:block;width:100%;min-height:120px;padding:0;border:1px solid #cbd5e1;border-radius:6px;background:#f8fafc;cursor:pointer;overflow:hidden}',
          '.ctl img{display:block;width:100%;height:auto}',
          '.ctl span{position:absolute;left:50%;top:50%;transform:translate(-50%,-50%);padding:.6em 1.1em;border-radius:999px;background:rgba(15,23,42,.88);color:#fff;font:600 16px/1.2 system-ui,sans-serif;white-space:nowrap}',
          '.ctl:hover span,.ctl:focus-visible span{background:#326ce5}',
          '.ctl:focus-visible{outline:3px solid #326ce5;outline-offset:2px}',
        ].join('');
        root.appendChild(style);
      }
      window.addEventListener('message', this._onMessage);
      this._build();
    }

    disconnectedCallback() {
      window.removeEventListener('message', this._onMessage);
      for (const pending of this._pending.values()) pending.reject(new Error('the element was removed'));
      this._pending.clear();
    }

    attributeChangedCallback(name, oldValue, newValue) {
      if ((!this._frame && !this._poster) || oldValue === newValue) return;
      if (name === 'height') {
        this._applyHeight(null);
        return;
      }
      // a step change on a live frame is a command, not a reload (decks step through this)
      if (name === 'step' && this._ready && newValue !== null && /^\d+$/.test(newValue)) {
        this.command('setStep', { step: Number(newValue) }).catch(() => undefined);
        return;
      }
      this._build();
    }

    /**
     * The app's URL for the current attributes; null when `src` is not an http(s) URL. A
     * `javascript:` source would run in the host page and a `data:` or `blob:` one would become the
     * frame's document: only the app itself may be framed.
     */
    get appUrl() {
      const base = this._base();
      if (!base) return null;
      const url = new URL(base.href);
      url.search = '';
      url.hash = '';
      url.searchParams.set('embed', '1');
      for (const name of PASSED) {
        const value = this.getAttribute(name);
        if (value !== null) url.searchParams.set(name, value);
      }
      // the host page is the one origin allowed to command the frame (file:// pages have none)
      if (window.location.origin && window.location.origin !== 'null')
        url.searchParams.set('parentOrigin', window.location.origin);
      const example = this.getAttribute('example');
      const scenario = this.getAttribute('scenario');
      const step = this.getAttribute('step');
      const hash = new URLSearchParams();
      if (scenario) hash.set('s', scenario);
      else if (example) hash.set('example', example);
      if (step !== null && /^\d+$/.test(step) && !scenario) {
        hash.set('step', step);
        // tl="3" (or "2", an earlier numbering): how the step is numbered (docs/trace-format.md)
        const tl = this.getAttribute('tl');
        if (tl === '2' || tl === '3') hash.set('tl', tl);
      }
      const text = hash.toString();
      return url.href + (text ? `#${text}` : '');
    }

    /** The app's base URL, or null when `src` is not an http(s) URL. */
    _base() {
      let base;
      try {
        base = new URL(this.getAttribute('src') || DEFAULT_BASE || './', document.baseURI);
      } catch {
        return null;
      }
      return base.protocol === 'https:' || base.protocol === 'http:' ? base : null;
    }

    _build() {
      const root = this.shadowRoot;
      if (!root) return;
      const src = this.appUrl;
      this._ready = false;
      if (this._frame) this._frame.remove();
      this._frame = null;
      if (this._refusal) this._refusal.remove();
      this._refusal = null;
      if (this._poster) this._poster.remove();
      this._poster = null;
      if (src === null) {
        this._origin = null;
        this._refuse();
        return;
      }
      this._origin = new URL(src).origin;
      if (this.hasAttribute('ctl') && !this._clicked) {
        this._buildPoster();
        return;
      }
      const frame = document.createElement('iframe');
      frame.setAttribute('sandbox', SANDBOX);
      frame.setAttribute('allow', 'fullscreen; clipboard-write');
      frame.setAttribute('loading', 'lazy');
      frame.setAttribute('title', this.getAttribute('title') || 'k8s-netviz: Kubernetes networking, step by step');
      frame.src = src;
      this._frame = frame;
      this._applyHeight(null);
      root.appendChild(frame);
    }

    /**
     * Click to load: the scenario's poster (built by the site for every built-in scenario, about
     * 20 kB) under a button; the app loads only when it is pressed, and then takes the focus.
     */
    _buildPoster() {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'ctl';
      const label = this.getAttribute('title') || 'k8s-netviz: Kubernetes networking, step by step';
      button.setAttribute('aria-label', `Load the interactive diagram: ${label}`);
      const example = this.getAttribute('example');
      if (example && !this.getAttribute('scenario') && /^[a-z0-9][a-z0-9-]*$/.test(example)) {
        const img = document.createElement('img');
        img.alt = '';
        img.width = 600;
        img.height = 315;
        img.decoding = 'async';
        img.src = new URL(`posters/${example}-600.webp`, this._base()).href;
        // a scenario without a poster (a site built without them): the button alone
        img.addEventListener('error', () => img.remove());
        button.appendChild(img);
      }
      const play = document.createElement('span');
      play.textContent = '\u25B6 Load the interactive diagram';
      button.appendChild(play);
      button.addEventListener('click', () => {
        this._clicked = true;
        this._build();
        if (this._frame) this._frame.focus();
      });
      this._poster = button;
      this.shadowRoot.appendChild(button);
    }

    /** Says, as text, why no frame was built; the light-DOM fallback is shown instead. */
    _refuse() {
      const raw = (this.getAttribute('src') || '').slice(0, 80);
      const message = `k8s-netviz: src must be the http(s) address of the app, not ${JSON.stringify(raw)}; nothing was loaded.`;
      const box = document.createElement('div');
      const note = document.createElement('p');
      note.setAttribute('role', 'alert');
      note.textContent = message;
      box.append(note, document.createElement('slot'));
      this._refusal = box;
      this.shadowRoot.appendChild(box);
      this.dispatchEvent(
        new CustomEvent(EVENT_NAMES.error, {
          detail: { code: 'bad-src', message },
          bubbles: true,
          composed: true,
        }),
      );
    }

    _applyHeight(reported) {
      if (!this._frame) return;
      const fixed = this.getAttribute('height');
      const px = fixed && /^\d{2,5}$/.test(fixed) ? Number(fixed) : reported || this._lastHeight || 480;
      if (reported) this._lastHeight = reported;
      this._frame.style.height = `${px}px`;
    }

    _onMessage(event) {
      const frame = this._frame;
      if (!frame || event.source !== frame.contentWindow || event.origin !== this._origin) return;
      const data = event.data;
      if (!data || typeof data !== 'object' || data.ns !== NS) return;
      if (data.type === 'response') {
        const pending = this._pending.get(data.id);
        if (!pending) return;
        this._pending.delete(data.id);
        if (data.ok) pending.resolve(data.result);
        else
          pending.reject(
            Object.assign(new Error((data.error && data.error.message) || 'command failed'), {
              code: data.error && data.error.code,
            }),
          );
        return;
      }
      if (data.type !== 'event') return;
      if (data.name === 'ready') this._ready = true;
      if (data.name === 'resize' && data.payload && typeof data.payload.height === 'number') {
        this._applyHeight(Math.max(120, Math.min(4000, Math.round(data.payload.height))));
      }
      const type = EVENT_NAMES[data.name];
      if (type) this.dispatchEvent(new CustomEvent(type, { detail: data.payload, bubbles: true, composed: true }));
    }

    /** Sends a command to the app; resolves with its result, rejects with its error. */
    command(name, payload) {
      const frame = this._frame;
      if (!frame || !frame.contentWindow) return Promise.reject(new Error('no frame yet'));
      counter += 1;
      const id = `k8snetviz-${counter}`;
      return new Promise((resolve, reject) => {
        this._pending.set(id, { resolve, reject });
        frame.contentWindow.postMessage({ ns: NS, v: 1, type: 'command', id, name, payload }, this._origin);
        setTimeout(() => {
          if (this._pending.delete(id)) reject(new Error(`${name}: no answer`));
        }, 10000);
      });
    }

    step(n) {
      return this.command('setStep', { step: n });
    }
  }

  window.customElements.define('k8s-netviz', K8sNetviz);
})();
