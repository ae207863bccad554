/**
 * Share: the link to this exact scenario, an iframe snippet, a `<k8s-netviz>` snippet, and the
 * scenario as a JSON file (download, open). What a link holds is the app's business: this dialog
 * gets it through `ShareActions` (ui does not import app).
 */
import { useEffect, useRef, useState } from 'react';
import { download } from './download';
import { ModalDialog } from './ModalDialog';
import { readTextFile } from './readTextFile';
import type { LessonShareActions } from './lesson/lessonLink';

/** A scenario file is a few hundred KB at most; larger files are refused before they are read. */
const MAX_SCENARIO_FILE_BYTES = 8 * 1024 * 1024;

export interface ShareLinks {
  /** the full app at this scenario */
  url: string;
  /** the embed (`?embed=1`) at this scenario */
  embedUrl: string;
  iframe: string;
  element: string;
  /** for a built-in scenario: its page on the built site and its poster */
  preview?: SharePreview;
}

export interface SharePreview {
  /** `s/<id>/`: unfurls in chat and social apps with the scenario's title and poster */
  page: string;
  poster: string;
  /** the poster as a link to the page, for READMEs, Medium and RSS */
  markdown: string;
  html: string;
}

export interface ShareActions {
  links(): Promise<ShareLinks>;
  /** the scenario as a JSON file's name and text */
  exportScenario(): Promise<{ name: string; text: string }>;
  /** opens a scenario file's text; resolves to an error message, or null when it opened */
  importScenario(text: string): Promise<string | null>;
  /** what lessons need of the share links (docs/lessons.md) */
  lessons?: LessonShareActions;
}

/** Saves text as a file (a JSON scenario by default). */
export function downloadText(text: string, name: string, type = 'application/json'): void {
  download(text, name, type);
}

/**
 * The Clipboard API where the page may use it; else the old selection copy (some sandboxed frames
 * and non-secure origins have no clipboard permission).
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection copy
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok: boolean;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

function CopyField({ label, value, testId }: { label: string; value: string; testId: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const areaRef = useRef<HTMLTextAreaElement>(null);
  return (
    <div className="space-y-1">
      <div className="flex items-center justify-between">
        <span className="text-sm font-semibold" id={`${testId}-label`}>
          {label}
        </span>
        <button
          type="button"
          className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
          aria-label={`Copy ${label.toLowerCase()}`}
          onClick={() => {
            void copyText(value).then((ok) => {
              setState(ok ? 'copied' : 'failed');
              if (!ok) areaRef.current?.select();
            });
          }}
        >
          {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy' : 'Copy'}
        </button>
      </div>
      <textarea
        ref={areaRef}
        readOnly
        aria-labelledby={`${testId}-label`}
        data-testid={testId}
        value={value}
        rows={value.length > 120 ? 3 : 1}
        onFocus={(e) => e.currentTarget.select()}
        className="w-full resize-none rounded border border-slate-300 bg-slate-50 p-1 font-mono text-xs break-all dark:border-slate-600 dark:bg-slate-900"
      />
    </div>
  );
}

/**
 * Whether the poster is really there: only the built site (`npm run build:site`) has posters and
 * preview pages, so a dev server or a plain `vite build` offers none rather than dead links.
 */
function usePosterExists(poster: string | undefined): boolean {
  const [exists, setExists] = useState(false);
  useEffect(
    function checkPoster() {
      setExists(false);
      if (!poster) return;
      let live = true;
      fetch(poster, { method: 'HEAD' }).then(
        (response) =>
          live && setExists(response.ok && (response.headers.get('content-type') ?? '').startsWith('image/')),
        () => undefined,
      );
      return () => {
        live = false;
      };
    },
    [poster],
  );
  return exists;
}

export function ShareDialog({ share, onClose }: { share: ShareActions; onClose(): void }) {
  const [links, setLinks] = useState<ShareLinks | null>(null);
  const hasPoster = usePosterExists(links?.preview?.poster);
  const [message, setMessage] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  useEffect(
    function buildLinks() {
      let live = true;
      share.links().then(
        (l) => live && setLinks(l),
        (error: unknown) =>
          live && setMessage(`The link could not be made: ${error instanceof Error ? error.message : String(error)}`),
      );
      return () => {
        live = false;
      };
    },
    [share],
  );
  const button =
    'rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700';
  return (
    <ModalDialog label="Share" onClose={onClose} className="w-[36rem] max-w-[95vw]">
      <div className="space-y-3">
        <h2 className="font-semibold">Share this scenario</h2>
        {links ? (
          <>
            <CopyField label="Link" value={links.url} testId="share.link" />
            <CopyField label="Iframe" value={links.iframe} testId="share.iframe" />
            <CopyField label="Web component" value={links.element} testId="share.element" />
            {links.preview && hasPoster ? (
              <div className="space-y-3 border-t border-slate-200 pt-3 dark:border-slate-700">
                <p className="text-sm">
                  Where a link shows a preview (chat, social sites) or no script runs (a README, Medium, RSS):
                </p>
                <CopyField label="Preview link" value={links.preview.page} testId="share.preview" />
                <CopyField label="Picture link (Markdown)" value={links.preview.markdown} testId="share.markdown" />
                <CopyField label="Picture link (HTML)" value={links.preview.html} testId="share.picture" />
              </div>
            ) : null}
          </>
        ) : (
          <p className="text-sm">Making the link…</p>
        )}
        <div className="flex flex-wrap items-center gap-2 border-t border-slate-200 pt-3 dark:border-slate-700">
          <button
            type="button"
            className={button}
            onClick={() => {
              void share.exportScenario().then(({ name, text }) => downloadText(text, name));
            }}
          >
            Download scenario (JSON)
          </button>
          <button type="button" className={button} onClick={() => fileRef.current?.click()}>
            Open scenario file…
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".json,application/json"
            className="hidden"
            data-testid="share.import"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (!file) return;
              void readTextFile(file, MAX_SCENARIO_FILE_BYTES)
                .then((read) => (read.ok ? share.importScenario(read.text) : read.message))
                .then((error) => {
                  if (error) setMessage(error);
                  else onClose();
                });
            }}
          />
          <button type="button" className={`${button} ml-auto`} onClick={onClose} autoFocus>
            Close
          </button>
        </div>
        {message ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            {message}
          </p>
        ) : null}
      </div>
    </ModalDialog>
  );
}

export function ShareButton({ share }: { share: ShareActions }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
        onClick={() => setOpen(true)}
      >
        Share
      </button>
      {open ? <ShareDialog share={share} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
