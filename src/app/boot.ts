/**
 * The first module the page runs, before React and Cytoscape are evaluated: with `?generate=NxM`
 * it starts building the generated cluster in the import worker at once, so that generating and
 * parsing thousands of objects overlap the main thread's own start instead of following it.
 */
import { generateInWorker, parseGenerateParam } from './generateParam';
import type { GenerateParam, GeneratedCluster } from './generateParam';

/** The worker that parses manifests; Vite bundles its entry as a separate module. */
export const createImportWorker = (): Worker => new Worker(new URL('./importWorker.ts', import.meta.url), { type: 'module' });

export const generateParam: GenerateParam = parseGenerateParam(window.location.search);

/** The generated cluster on its way (null without a valid `?generate`), seed 1 as links record it. */
export const generated: Promise<GeneratedCluster> | null =
  generateParam.kind === 'ok' ? generateInWorker(createImportWorker, generateParam.nodes, generateParam.podsPerNode, 1) : null;
// a failure is reported where the promise is awaited
generated?.catch(() => undefined);
