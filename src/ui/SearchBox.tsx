/** Search by name or IP: selects the element and brings it into view. */
import { useState } from 'react';
import { findElement } from '../sim';
import { useVizStore } from '../store/VizStoreProvider';
import { selectCluster } from '../store/selectors';

export function SearchBox({ onFocus }: { onFocus(id: string): void }) {
  const cluster = useVizStore(selectCluster);
  const select = useVizStore((s) => s.select);
  const [query, setQuery] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const handleFind = (): void => {
    const id = findElement(cluster, query);
    if (!id) {
      setMissing(query.trim());
      return;
    }
    setMissing(null);
    select(id);
    onFocus(id);
  };
  return (
    <div className="relative flex items-center gap-1" role="search">
      <input
        type="search"
        aria-label="Search by name or IP"
        placeholder="Find a name or IP"
        className="w-36 rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800"
        value={query}
        onChange={(e) => setQuery(e.target.value.slice(0, 253))}
        onKeyDown={(e) => {
          if (e.key === 'Enter') handleFind();
        }}
      />
      <button
        type="button"
        className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700"
        onClick={handleFind}
      >
        Find
      </button>
      {missing !== null ? (
        <span
          role="status"
          className="absolute top-full left-0 z-20 mt-1 rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-900"
        >
          Nothing matches “{missing}”.
        </span>
      ) : null}
    </div>
  );
}
