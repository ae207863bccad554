/**
 * The page's entry, kept small: with `?generate=NxM` the cluster starts building at once (boot.ts),
 * while the app itself (start.tsx: React, Cytoscape, the panels) downloads and compiles.
 */
import '../styles/index.css';
import { generateParam } from './boot';
import { registerOfflineWorker } from './offline/register';

const root = document.getElementById('root');
if (root) {
  if (generateParam.kind === 'ok') {
    root.textContent = `Generating a cluster of ${generateParam.nodes} nodes with ${generateParam.podsPerNode} pods each…`;
  }
  void import('./start').then(({ start }) => start(root));
}
registerOfflineWorker(window.location.search);
