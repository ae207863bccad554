/** The full app's entry: the built-in cluster (or a generated one), the classroom layout. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../styles/index.css';
import { Visualizer } from '../ui/Visualizer';
import type { VizStoreOptions } from '../store/createVizStore';
import { installTestHook } from './testHook';
import { loadGeneratedCluster, parseGenerateParam } from './generateParam';
import { loadText } from '../ui/editor/storage';

/** The worker that parses manifests; Vite bundles its entry as a separate module. */
const createImportWorker = (): Worker => new Worker(new URL('./importWorker.ts', import.meta.url), { type: 'module' });

async function start(root: HTMLElement): Promise<void> {
  const prefersDark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
  const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const options: VizStoreOptions = { theme: prefersDark ? 'dark' : 'light', reducedMotion };
  const generate = parseGenerateParam(window.location.search);
  if (generate.kind === 'error') options.notice = generate.message;
  if (generate.kind === 'ok') {
    root.textContent = `Generating a cluster of ${generate.nodes} nodes with ${generate.podsPerNode} pods each…`;
    try {
      const generated = await loadGeneratedCluster(generate.nodes, generate.podsPerNode, 1);
      options.cluster = generated.cluster;
      options.spec = generated.spec;
    } catch (error) {
      options.notice = `The generated cluster could not be built (${String(error)}); showing the built-in cluster.`;
    }
    root.textContent = '';
  }
  createRoot(root).render(
    <StrictMode>
      <Visualizer
        options={options}
        onReady={installTestHook}
        createImportWorker={createImportWorker}
        // text kept from last time reopens the editor, which rebuilds the user's cluster from it
        editorOpen={generate.kind === 'none' && !window.location.hash && loadText() !== null}
      />
    </StrictMode>,
  );
}

const root = document.getElementById('root');
if (root) void start(root);
