/** The packet's hop, or the selected element, as tabs: whichever the user touched last. */
import { Suspense, lazy, useEffect, useId, useRef, useState } from 'react';
import { rovingIndex } from './a11y/roving';
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
  const id = useId();
  const tabs: [typeof tab, string][] = [
    ['packet', 'Packet'],
    ['selection', 'Selected'],
  ];
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  /** WAI-ARIA tabs: one Tab stop; Left / Right / Home / End choose and focus a tab at once. */
  const handleTabKey = (e: React.KeyboardEvent): void => {
    const next = rovingIndex(
      e.key,
      tabs.findIndex(([t]) => t === tab),
      tabs.length,
      'horizontal',
    );
    const chosen = next === null ? undefined : tabs[next];
    if (!chosen || next === null) return;
    // handled here: the page's own Left / Right (step the packet) must not see it
    e.preventDefault();
    setTab(chosen[0]);
    tabRefs.current[next]?.focus();
  };
  return (
    <div className="flex h-full flex-col">
      <div
        role="tablist"
        aria-label="Details"
        className="flex shrink-0 border-b border-slate-200 dark:border-slate-700"
        onKeyDown={handleTabKey}
      >
        {tabs.map(([t, label], i) => (
          <button
            key={t}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${id}-${t}`}
            aria-selected={tab === t}
            aria-controls={`${id}-panel`}
            tabIndex={tab === t ? 0 : -1}
            className={tabClass(t)}
            onClick={() => setTab(t)}
          >
            {label}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`${id}-panel`}
        aria-labelledby={`${id}-${tab}`}
        // focusable: the panel scrolls, and a keyboard must be able to scroll it (it may hold no control)
        tabIndex={0}
        className="min-h-0 flex-1 overflow-auto"
      >
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
