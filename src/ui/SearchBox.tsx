/**
 * Search by name or IP: selects the element and brings it into view. Finding again with the same
 * text goes on to the next match; a screen reader hears how many there are ("3 matches").
 */
import { useState } from 'react';
import { findElements } from '../sim';
import { useVizStore } from '../store/VizStoreProvider';
import { selectCluster } from '../store/selectors';
import { elementName } from './learnerText';

type Found = { query: string; ids: string[]; at: number } | { query: string; ids: []; at: -1 };

/** What the live region says about a search's result. */
export function searchResultText(found: Found): string {
  const n = found.ids.length;
  if (n === 0) return `Nothing matches “${found.query}”.`;
  const id = found.ids[found.at] ?? '';
  return n === 1
    ? `1 match: ${elementName(id)}.`
    : `${n} matches: ${elementName(id)} (${found.at + 1} of ${n}); Find again for the next.`;
}

export function SearchBox({ onFocus }: { onFocus(id: string): void }) {
  const cluster = useVizStore(selectCluster);
  const select = useVizStore((s) => s.select);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const handleFind = (): void => {
    const q = query.trim();
    const ids = findElements(cluster, q);
    if (ids.length === 0) {
      setFound({ query: q, ids: [], at: -1 });
      return;
    }
    // the same text again: the next match
    const at = found && found.query === q && found.ids.join() === ids.join() ? (found.at + 1) % ids.length : 0;
    const id = ids[at] ?? ids[0]!;
    setFound({ query: q, ids, at });
    select(id);
    onFocus(id);
  };
  const nothing = found !== null && found.ids.length === 0;
  return (
    <div className="relative flex items-center gap-1" role="search">
      <input
        type="search"
        aria-label="Search by name or IP"
        placeholder="Name or IP"
        className="w-32 rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800"
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
      {/* always in the page, so that screen readers announce each change of its text */}
      <span
        role="status"
        data-testid="search.status"
        className={
          nothing
            ? 'absolute top-full left-0 z-20 mt-1 rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-900'
            : 'sr-only'
        }
      >
        {found ? searchResultText(found) : ''}
      </span>
    </div>
  );
}
