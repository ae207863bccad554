/**
 * The page's visualizer with the query's presentation (full app or `?embed=1`), the hash's content
 * (`#s=` links, and `#example=` in the embed), the Share dialog's actions and, inside a frame, the
 * postMessage API. The query decides presentation, the hash decides content.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { VizStore, VizStoreOptions } from '../../store/createVizStore';
import { Visualizer } from '../../ui/Visualizer';
import type { VisualizerApi } from '../../ui/Visualizer';
import { installMessageBridge } from './messageBridge';
import type { Bridge } from './messageBridge';
import type { Presentation } from '../share/presentation';
import { appBase, createShareService, openHash } from '../share/shareService';
import type { OpenResult } from '../share/shareService';
import { shareParamOf } from '../share/linkCodec';
import { SAFE_MODE_LINK_MESSAGE, clearLoadingAfterPaint, crashedLoad, markLoading } from '../../ui/editor/storage';
import type { Provenance } from '../share/snapshot';
import { followAddress } from '../share/followAddress';

export interface AppRootProps {
  options: VizStoreOptions;
  presentation: Presentation;
  provenance: Provenance;
  createImportWorker: () => Worker;
  editorOpen: boolean;
  /** text the editor opens with instead of the kept one (`?manifests=`), or null */
  editorText: string | null;
  /** said once the content is on screen (opening content clears earlier notices) */
  notice: string | null;
  /** called once the first content is on screen (the test hook goes on here) */
  onReady(api: VisualizerApi): void;
}

export function resolveTheme(theme: Presentation['theme']): 'light' | 'dark' {
  if (theme !== 'auto') return theme;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Stores already wired: React's StrictMode runs mount effects twice in development. */
const wired = new WeakSet<VizStore>();

export function AppRoot({
  options,
  presentation: initial,
  provenance,
  createImportWorker,
  editorOpen,
  editorText,
  notice,
  onReady,
}: AppRootProps) {
  const [presentation, setPresentation] = useState(initial);
  const storeRef = useRef<VizStore | null>(null);
  const share = useMemo(
    () => createShareService(() => storeRef.current, appBase(window.location), provenance),
    [provenance],
  );
  const onReadyRef = useRef(onReady);
  onReadyRef.current = onReady;

  const handleReady = useCallback(
    (api: VisualizerApi) => {
      if (wired.has(api.store)) return;
      wired.add(api.store);
      storeRef.current = api.store;
      const store = api.store;
      store.getState().setSpeed(initial.speed);
      // An embed waits at the first step unless told to play; the full app plays a new packet.
      const defaultStep = initial.embed && !initial.autoplay ? 0 : null;
      // a link's scenario marks storage while it builds: if that freezes or crashes the page, the
      // next load shows the built-in cluster instead of freezing again (safe mode)
      const open = async (hash: string): Promise<OpenResult> => {
        const options = { examples: initial.embed, defaultStep };
        if (shareParamOf(hash) === null) return openHash(store, hash, provenance, options);
        markLoading('link');
        try {
          return await openHash(store, hash, provenance, options);
        } finally {
          clearLoadingAfterPaint();
        }
      };
      const first: Promise<OpenResult> =
        shareParamOf(window.location.hash) !== null && crashedLoad() === 'link'
          ? Promise.resolve({ kind: 'error', message: SAFE_MODE_LINK_MESSAGE })
          : open(window.location.hash);
      let bridge: Bridge | null = null;
      if (window.parent !== window) {
        bridge = installMessageBridge({
          api,
          parentOrigin: initial.parentOrigin,
          provenance,
          setPresentation: (patch) => setPresentation((p) => ({ ...p, ...patch })),
          applyTheme: (theme) => store.getState().setTheme(resolveTheme(theme)),
          openHash: open,
          reportSize: initial.embed,
        });
      }
      void first.then((result) => {
        // the full app's address follows the view from here on (an embed's is its host's)
        const address = initial.embed ? null : followAddress(store, provenance);
        if (result.kind === 'error') {
          address?.keep(window.location.hash);
          // the default scenario stays, the hash stays as it was: the reader can see what they were sent
          store.getState().setNotice(result.message);
          bridge?.emit('error', { code: 'bad-link', message: result.message });
        } else {
          const notices = [notice, result.kind === 'ok' ? result.notice : undefined].filter(Boolean);
          if (notices.length > 0) store.getState().setNotice(notices.join(' '));
          if (initial.autoplay && store.getState().steps.length > 0) api.player()?.play();
        }
        window.addEventListener('hashchange', () => {
          // `#example=` changes are the URL hook's in the full app; `#s=` ones are ours
          if (!initial.embed && !/[#&]s=/.test(window.location.hash)) return;
          void open(window.location.hash).then((r) => {
            if (r.kind === 'error') {
              address?.keep(window.location.hash);
              store.getState().setNotice(r.message);
            } else if (r.kind === 'ok' && r.notice) store.getState().setNotice(r.notice);
          });
        });
        onReadyRef.current(api);
        bridge?.markReady();
      });
    },
    [initial, provenance, notice],
  );

  return (
    <Visualizer
      options={options}
      onReady={handleReady}
      createImportWorker={createImportWorker}
      editorOpen={editorOpen}
      {...(editorText !== null ? { editorText } : {})}
      followUrl={!presentation.embed}
      presentation={{
        embed: presentation.embed,
        present: presentation.present,
        controls: presentation.controls,
        view: presentation.view,
        keyboard: presentation.keyboard,
      }}
      share={share}
    />
  );
}
