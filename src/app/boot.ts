/**
 * The first module the page runs, before React and Cytoscape are evaluated: with `?generate=NxM`
 * it starts building the generated cluster at once, on this thread. Measured: the main thread is
 * otherwise idle while the app's code downloads and compiles (a worker built it in parallel, but
 * competed with that compile for this machine's two cores and then spent 30 ms copying the cluster
 * back; 10x10 first render 829 -> 786 ms, 100x50 1609 -> 1500 ms, medians of 10 and 4 runs).
 */
import { loadGeneratedCluster, parseGenerateParam } from './generateParam';
import type { GenerateParam, GeneratedCluster } from './generateParam';

export const generateParam: GenerateParam = parseGenerateParam(window.location.search);

/** The generated cluster on its way (null without a valid `?generate`), seed 1 as links record it. */
export const generated: Promise<GeneratedCluster> | null =
  generateParam.kind === 'ok'
    ? loadGeneratedCluster(generateParam.nodes, generateParam.podsPerNode, 1, generateParam.policies)
    : null;
// a failure is reported where the promise is awaited
generated?.catch(() => undefined);
