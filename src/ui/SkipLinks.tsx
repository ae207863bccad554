/**
 * Skip links: the first Tab stops of the page, hidden until focused, to the diagram and to
 * playback (past the header's two dozen controls). They move focus by script: following the
 * `#id` itself would change the page's hash, which holds the scenario.
 */
export interface SkipTarget {
  /** the id of the element holding the target */
  id: string;
  label: string;
}

const FOCUSABLE = '[tabindex="0"], button:not([disabled]), a[href], select, input';

export function SkipLinks({ targets }: { targets: readonly SkipTarget[] }) {
  return (
    <nav aria-label="Skip links" className="print:hidden">
      {targets.map((t) => (
        <a
          key={t.id}
          href={`#${t.id}`}
          className="skip-link rounded bg-white px-3 py-2 text-sm font-semibold text-blue-800 shadow-lg dark:bg-slate-800 dark:text-sky-300"
          onClick={(e) => {
            e.preventDefault();
            const holder = document.getElementById(t.id);
            const target = holder?.matches(FOCUSABLE) ? holder : holder?.querySelector<HTMLElement>(FOCUSABLE);
            target?.focus();
          }}
        >
          {t.label}
        </a>
      ))}
    </nav>
  );
}
