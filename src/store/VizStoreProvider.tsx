/**
 * The only React file of the store: one store per visualizer instance, created once in the
 * provider (never at module scope), and a selector hook bound to it.
 */
import { createContext, useContext, useState } from 'react';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { createVizStore } from './createVizStore';
import type { VizActions, VizState, VizStore, VizStoreOptions } from './createVizStore';

const VizStoreContext = createContext<VizStore | null>(null);

export function VizStoreProvider({
  options,
  store: given,
  children,
}: {
  options?: VizStoreOptions;
  store?: VizStore;
  children: ReactNode;
}) {
  const [store] = useState(() => given ?? createVizStore(options));
  return <VizStoreContext.Provider value={store}>{children}</VizStoreContext.Provider>;
}

export function useVizStoreApi(): VizStore {
  const store = useContext(VizStoreContext);
  if (!store) throw new Error('useVizStore must be used inside <VizStoreProvider>');
  return store;
}

export function useVizStore<T>(selector: (state: VizState & VizActions) => T): T {
  return useStore(useVizStoreApi(), selector);
}
