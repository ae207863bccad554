/**
 * Your own cluster: paste, type or drop manifests (YAML or JSON, multi-document, kind: List). The
 * text is parsed and built in a Web Worker through the simulation's own importer; the diagram
 * follows as soon as the text is valid, and while it is not, the last good cluster stays and the
 * errors show at their line and column. The text is kept across reloads and can be downloaded.
 *
 * This module (and CodeMirror) loads on demand: the first screen does not pay for it.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { EditorView, basicSetup } from 'codemirror';
import { EditorState } from '@codemirror/state';
import { yaml as yamlLanguage } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import type { Diagnostic } from '@codemirror/lint';
import { stringify } from 'yaml';
import { SCENARIOS, buildCluster, toManifests } from '../../sim';
import type { ImportProblem } from '../../sim/import/types';
import type { ImportResponse } from '../../sim/import/protocol';
import { useVizStoreApi } from '../../store/VizStoreProvider';
import {
  SAFE_MODE_EDITOR_MESSAGE,
  clearLoading,
  clearLoadingAfterPaint,
  crashedLoad,
  loadText,
  markLoading,
  saveText,
} from './storage';
import { readTextFile } from '../readTextFile';
import { MAX_INPUT_BYTES } from '../../sim/import/limits';
import { download } from '../download';

export interface EditorPanelProps {
  createWorker(): Worker;
  onClose(): void;
  /** text to open with instead of the kept one (`?manifests=`); imported at once, kept once edited */
  initialText?: string;
}

type Status =
  | { kind: 'idle' }
  | { kind: 'working'; phase: string; done: number; total: number }
  | {
      kind: 'ok';
      pods: number;
      nodes: number;
      services: number;
      warnings: ImportProblem[];
      ignored: Record<string, number>;
    }
  | { kind: 'error'; errors: ImportProblem[]; warnings: ImportProblem[] };

const DEBOUNCE_MS = 400;

function toYaml(objects: object[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** CodeMirror diagnostics from located problems (1-based line and column), clamped to the text. */
export function diagnosticsFor(state: EditorState, problems: readonly ImportProblem[]): Diagnostic[] {
  return problems.map((p) => {
    const lineNo = Math.min(Math.max(p.line ?? 1, 1), state.doc.lines);
    const line = state.doc.line(lineNo);
    const from = Math.min(line.from + Math.max((p.column ?? 1) - 1, 0), line.to);
    const where = [p.object, p.field].filter(Boolean).join(': ');
    // an empty line would give an invisible range: underline the next line as well
    let to = Math.max(line.to, from);
    if (to === from && lineNo < state.doc.lines) to = state.doc.line(lineNo + 1).to;
    return { from, to, severity: p.severity, message: where ? `${where}: ${p.message}` : p.message };
  });
}

function summaryOfIgnored(ignored: Record<string, number>): string {
  const parts = Object.entries(ignored).map(([kind, n]) => `${n} ${kind}`);
  return parts.length > 0 ? `ignored: ${parts.join(', ')}` : '';
}

export default function EditorPanel({ createWorker, onClose, initialText }: EditorPanelProps) {
  const store = useVizStoreApi();
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const workerRef = useRef<Worker | null>(null);
  const requestId = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [storageMessage, setStorageMessage] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  /** a file that could not be opened, or safe mode's explanation */
  const [fileMessage, setFileMessage] = useState<string | null>(null);
  const [safeMode, setSafeMode] = useState(false);

  /** Text from outside the editor (the last session's, or the page's manifests): applied, not re-saved. */
  const initialFromStorage = useRef(false);
  const submit = useCallback((text: string, save = true) => {
    if (save) {
      const saved = saveText(text);
      setStorageMessage(saved.ok ? null : saved.message);
    }
    if (text.trim() === '') {
      setStatus({ kind: 'idle' });
      return;
    }
    const id = ++requestId.current;
    // cleared once the result is drawn; still set at the next load means this text froze the page
    markLoading('editor');
    setStatus({ kind: 'working', phase: 'parse', done: 0, total: 1 });
    workerRef.current?.postMessage({ type: 'import', id, sources: [{ name: 'editor', text }] });
  }, []);

  useEffect(
    function startWorker() {
      const worker = createWorker();
      workerRef.current = worker;
      worker.onmessage = (event: MessageEvent<ImportResponse>) => {
        const message = event.data;
        // answers to a request the user has already typed past are dropped
        if (message.id !== requestId.current) return;
        if (message.type === 'progress') {
          setStatus({ kind: 'working', ...message.progress });
          return;
        }
        const view = viewRef.current;
        if (message.ok) {
          store.getState().applyUserCluster(message.cluster, message.spec);
          clearLoadingAfterPaint();
          setStatus({
            kind: 'ok',
            pods: message.cluster.pods.length,
            nodes: message.cluster.nodes.length,
            services: message.cluster.services.length,
            warnings: message.warnings,
            ignored: message.ignored,
          });
          if (view) view.dispatch(setDiagnostics(view.state, diagnosticsFor(view.state, message.warnings)));
        } else {
          clearLoading();
          setStatus({ kind: 'error', errors: message.errors, warnings: message.warnings });
          if (view)
            view.dispatch(
              setDiagnostics(view.state, diagnosticsFor(view.state, [...message.errors, ...message.warnings])),
            );
        }
      };
      // Text kept from last time is the user's cluster: build it. The text the editor starts with
      // otherwise describes the cluster already on screen, so there is nothing to rebuild.
      const initial = viewRef.current?.state.doc.toString() ?? '';
      if (initialFromStorage.current && initial.trim() !== '') submit(initial, false);
      return () => {
        worker.terminate();
        workerRef.current = null;
      };
    },
    [createWorker, store, submit],
  );

  useLayoutEffect(
    function createEditor() {
      const host = hostRef.current;
      if (!host) return;
      // The page's manifests are what the user asked to see; the kept text waits for another visit.
      const stored = initialText ?? loadText();
      // safe mode: the kept text froze or crashed the last page; show it, do not build it
      const crashed = initialText === undefined && stored !== null && crashedLoad() === 'editor';
      initialFromStorage.current = stored !== null && !crashed;
      if (crashed) {
        setSafeMode(true);
        setFileMessage(SAFE_MODE_EDITOR_MESSAGE);
      }
      const s = store.getState();
      const start = stored ?? toYaml(toManifests(s.cluster, s.spec, { style: 'authored' }));
      const view = new EditorView({
        parent: host,
        state: EditorState.create({
          doc: start,
          extensions: [
            basicSetup,
            yamlLanguage(),
            lintGutter(),
            EditorView.lineWrapping,
            EditorView.contentAttributes.of({ 'aria-label': 'Kubernetes manifests (YAML or JSON)' }),
            EditorView.updateListener.of((update) => {
              if (!update.docChanged) return;
              // an edit is the user's answer to safe mode or to a file that could not be opened
              setSafeMode(false);
              setFileMessage(null);
              if (timer.current) clearTimeout(timer.current);
              const text = update.state.doc.toString();
              timer.current = setTimeout(() => submit(text), DEBOUNCE_MS);
            }),
          ],
        }),
      });
      viewRef.current = view;
      return () => {
        if (timer.current) clearTimeout(timer.current);
        view.destroy();
        viewRef.current = null;
      };
    },
    [store, submit, initialText],
  );

  const replaceText = (text: string): void => {
    const view = viewRef.current;
    if (!view) return;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  };

  /** Puts the cursor on a problem's line and column and scrolls it into view. */
  const revealProblem = (problem: ImportProblem): void => {
    const view = viewRef.current;
    if (!view || problem.line === undefined) return;
    const [diagnostic] = diagnosticsFor(view.state, [problem]);
    if (!diagnostic) return;
    view.dispatch({
      selection: { anchor: diagnostic.from },
      effects: EditorView.scrollIntoView(diagnostic.from, { y: 'center' }),
    });
    view.focus();
  };

  /** Opens a file into the editor; a file too large or not text leaves the editor as it was. */
  const openFile = (file: File, thenSubmit: boolean): void => {
    void readTextFile(file, MAX_INPUT_BYTES).then((read) => {
      if (!read.ok) {
        setFileMessage(read.message);
        return;
      }
      setFileMessage(null);
      setSafeMode(false);
      replaceText(read.text);
      if (!thenSubmit) return;
      if (timer.current) clearTimeout(timer.current);
      submit(read.text);
    });
  };

  const handleDrop = (event: React.DragEvent): void => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) openFile(file, true);
  };

  const button =
    'rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700';
  return (
    <section
      aria-label="Your manifests"
      data-testid="editor.panel"
      className={`flex h-full min-h-0 flex-col ${dragging ? 'outline-2 outline-dashed outline-blue-500' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={handleDrop}
    >
      <div className="flex flex-wrap items-center gap-1 border-b border-slate-200 p-2 dark:border-slate-700">
        <h2 className="mr-auto text-sm font-semibold">Your manifests</h2>
        <select
          aria-label="Start from an example"
          className="max-w-[11rem] rounded border border-slate-300 bg-white px-1 py-0.5 text-xs dark:border-slate-600 dark:bg-slate-800"
          value=""
          onChange={(e) => {
            const scenario = SCENARIOS.find((x) => x.id === e.target.value);
            if (scenario)
              replaceText(toYaml(toManifests(buildCluster(scenario.spec), scenario.spec, { style: 'authored' })));
          }}
        >
          <option value="">Start from…</option>
          {SCENARIOS.map((x) => (
            <option key={x.id} value={x.id}>
              {x.title}
            </option>
          ))}
        </select>
        <label className={`${button} cursor-pointer`}>
          Open file
          <input
            type="file"
            accept=".yaml,.yml,.json,application/json,text/yaml"
            className="sr-only"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) openFile(file, false);
            }}
          />
        </label>
        <button
          type="button"
          className={button}
          onClick={() => download(viewRef.current?.state.doc.toString() ?? '', 'manifests.yaml', 'text/yaml')}
        >
          Download text
        </button>
        <button
          type="button"
          className={button}
          onClick={() => {
            const s = store.getState();
            download(toYaml(toManifests(s.cluster, s.spec)), 'cluster.yaml', 'text/yaml');
          }}
        >
          Export cluster YAML
        </button>
        <button type="button" className={button} onClick={onClose} aria-label="Close the editor">
          ✕
        </button>
      </div>
      <div
        ref={hostRef}
        className="min-h-0 flex-1 overflow-auto text-xs [&_.cm-editor]:h-full"
        data-testid="editor.code"
      />
      <div
        className="max-h-40 shrink-0 overflow-auto border-t border-slate-200 p-2 text-xs dark:border-slate-700"
        role="status"
        data-testid="editor.status"
      >
        {status.kind === 'working' ? (
          <div>
            <span>
              {status.phase === 'parse'
                ? 'Parsing…'
                : status.phase === 'read'
                  ? `Reading ${status.total} objects…`
                  : 'Building the cluster…'}
            </span>
            <progress
              className="ml-2 align-middle"
              data-testid="editor.progress"
              max={3}
              value={status.phase === 'parse' ? 1 : status.phase === 'read' ? 2 : 3}
            />
          </div>
        ) : null}
        {status.kind === 'ok' ? (
          <p className="text-green-700 dark:text-green-400">
            Showing your cluster: {status.nodes} nodes, {status.pods} pods, {status.services} Services.{' '}
            {summaryOfIgnored(status.ignored)}
          </p>
        ) : null}
        {status.kind === 'error' ? (
          <div>
            <p className="font-semibold text-red-700 dark:text-red-400">
              The text has errors; the diagram keeps the last good cluster.
            </p>
            <ul data-testid="editor.errors">
              {status.errors.map((e, i) => (
                <li key={i} className="font-mono">
                  <button type="button" className="text-left hover:underline" onClick={() => revealProblem(e)}>
                    {e.line !== undefined ? `${e.line}:${e.column ?? 1}: ` : ''}
                    {e.object ? `${e.object}: ` : ''}
                    {e.field ? `${e.field}: ` : ''}
                    {e.message}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {status.kind === 'ok' || status.kind === 'error'
          ? status.warnings.map((w, i) => (
              <p key={i} className="font-mono text-amber-700 dark:text-amber-400">
                {w.line !== undefined ? `${w.line}:${w.column ?? 1}: ` : ''}
                {w.object ? `${w.object}: ` : ''}
                {w.message}
              </p>
            ))
          : null}
        {storageMessage ? <p className="text-amber-700 dark:text-amber-400">{storageMessage}</p> : null}
        {fileMessage ? (
          <p role="alert" className="text-red-700 dark:text-red-400" data-testid="editor.fileMessage">
            {fileMessage}{' '}
            {safeMode ? (
              <button
                type="button"
                className={button}
                onClick={() => {
                  setSafeMode(false);
                  setFileMessage(null);
                  submit(viewRef.current?.state.doc.toString() ?? '', false);
                }}
              >
                Build it anyway
              </button>
            ) : null}
          </p>
        ) : null}
        <p className="text-slate-500 dark:text-slate-400">
          Secrets and ConfigMap data are never needed: their contents are ignored. Drop a file here to open it.
        </p>
      </div>
    </section>
  );
}
