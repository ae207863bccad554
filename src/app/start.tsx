/**
 * The app, loaded by the entry (main.tsx): the full app, or with `?embed=1` the embed; the query's
 * presentation options, the built-in cluster (or a generated one), and the hash's content once it
 * is on screen.
 */
import { generateParam as generate, generated as generating } from './boot';
import { generateRecipe } from './generateParam';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { VizStoreOptions } from '../store/createVizStore';
import { installTestHook } from './testHook';
import { crashedLoad, loadText } from '../ui/editor/storage';
import { AppRoot, resolveTheme } from './embed/AppRoot';
import { parsePresentation } from './share/presentation';
import type { Provenance } from './share/snapshot';
import { fetchManifests, parseManifestsParam } from './manifestsParam';
import { offlineUpdateNotice } from './offline/updateNotice';

/** The worker that parses manifests; Vite bundles its entry as a separate module. */
const createImportWorker = (): Worker => new Worker(new URL('./importWorker.ts', import.meta.url), { type: 'module' });

export async function start(root: HTMLElement): Promise<void> {
  // read (and cleared) first thing: whether the last page froze or crashed building the user's content
  crashedLoad();
  const { presentation, invalid } = parsePresentation(window.location.search);
  const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const options: VizStoreOptions = { theme: resolveTheme(presentation.theme), reducedMotion };
  const notices: string[] = [];
  if (invalid.length > 0) notices.push(`Ignored invalid options (${invalid.join(', ')}); using their defaults.`);
  const provenance: Provenance = { generated: null };
  // asked at once, awaited below: the offline worker answers in a few milliseconds, if at all
  const updated = presentation.embed ? Promise.resolve(null) : offlineUpdateNotice();
  if (generate.kind === 'error') notices.push(generate.message);
  if (generate.kind === 'ok' && generating) {
    try {
      const generated = await generating;
      options.cluster = generated.cluster;
      options.spec = generated.spec;
      provenance.generated = { cluster: generated.cluster, size: generateRecipe(generate), seed: 1 };
    } catch (error) {
      notices.push(`The generated cluster could not be built (${String(error)}); showing the built-in cluster.`);
    }
    root.textContent = '';
  }
  // `k8s-netviz open` (or any same-origin path): the manifests open in the editor, which imports them
  let editorText: string | null = null;
  const manifests = parseManifestsParam(window.location.search, window.location.href);
  if (manifests.kind === 'error') notices.push(manifests.message);
  if (manifests.kind === 'ok' && !presentation.embed) {
    try {
      editorText = await fetchManifests(manifests.url);
    } catch (error) {
      notices.push(
        `The manifests could not be opened (${error instanceof Error ? error.message : String(error)}); showing the built-in cluster.`,
      );
    }
  }
  const updateNotice = await updated;
  if (updateNotice) notices.push(updateNotice);
  createRoot(root).render(
    <StrictMode>
      <AppRoot
        options={options}
        presentation={presentation}
        provenance={provenance}
        notice={notices.length > 0 ? notices.join(' ') : null}
        onReady={installTestHook}
        createImportWorker={createImportWorker}
        editorText={editorText}
        // text kept from last time reopens the editor, which rebuilds the user's cluster from it
        editorOpen={
          editorText !== null ||
          (!presentation.embed && generate.kind === 'none' && !window.location.hash && loadText() !== null)
        }
      />
    </StrictMode>,
  );
}
