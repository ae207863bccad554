/** The packet's hop, or the selected element, as tabs: whichever the user touched last. */
import { Suspense, lazy, useEffect, useState } from 'react';
import { useVizStore } from '../store/VizStoreProvider';
import { selectSelection, selectTrace } from '../store/selectors';
import { HopInspector } from './HopInspector';
import { LargerText } from './LargerText';

const SelectionInspector = lazy(() => import('./SelectionInspector').then((m) => ({ default: m.SelectionInspector })));

export function DetailsPanel() {
  const selection = useVizStore(selectSelection);
  const trace = useVizStore(selectTrace);
  const largeText = useVizStore((s) => s.largeText);
  const [tab, setTab] = useState<'packet' | 'selection'>('packet');
  useEffect(
    function showWhatChanged() {
      if (selection) setTab('selection');
    },
    [selection],
  );
  // a new request shows its packet; the same request re-traced (a switch, an op) leaves the tab be
  const requestKey = trace
    ? `${trace.request.from} ${trace.request.to} ${trace.request.port ?? ''} ${trace.request.protocol}`
    : '';
  useEffect(
    function showNewTrace() {
      if (requestKey) setTab('packet');
    },
    [requestKey],
  );
  const tabClass = (t: typeof tab) =>
    `px-3 py-1 text-sm ${tab === t ? 'border-b-2 border-orange-600 font-semibold' : 'text-slate-600 dark:text-slate-300'}`;
  return (
    <div className="flex h-full flex-col">
      <div
        role="tablist"
        aria-label="Details"
        className="flex shrink-0 border-b border-slate-200 dark:border-slate-700"
      >
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'packet'}
          className={tabClass('packet')}
          onClick={() => setTab('packet')}
        >
          Packet
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'selection'}
          className={tabClass('selection')}
          onClick={() => setTab('selection')}
        >
          Selected
        </button>
      </div>
      <div role="tabpanel" className="min-h-0 flex-1 overflow-auto">
        <LargerText on={largeText}>
          {tab === 'packet' ? (
            <HopInspector />
          ) : (
            <Suspense fallback={null}>
              <SelectionInspector />
            </Suspense>
          )}
        </LargerText>
      </div>
    </div>
  );
}
