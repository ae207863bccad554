/** The full app's entry: the built-in cluster, the classroom layout. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../styles/index.css';
import { Visualizer } from '../ui/Visualizer';
import { installTestHook } from './testHook';

const root = document.getElementById('root');
if (root) {
  const prefersDark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
  createRoot(root).render(
    <StrictMode>
      <Visualizer options={{ theme: prefersDark ? 'dark' : 'light' }} onReady={installTestHook} />
    </StrictMode>,
  );
}
