/**
 * The what-if editor: NetworkPolicy YAML typed or started from a template, compared with the
 * cluster's own policies (Compare), or cleared. The text is the reader's: shown in a textarea,
 * never rendered as markup; errors come from the parser, per document.
 */
import { useState } from 'react';
import { WHAT_IF_TEMPLATES, templateYaml } from '../../sim/matrix/whatIf';
import type { WhatIfTemplate } from '../../sim/matrix/whatIf';

export interface WhatIfPanelProps {
  /** the text being compared ('' when none) */
  applied: string;
  /** the draft, owned by the view so that a suggested policy can fill it */
  draft: string;
  onDraft(text: string): void;
  onCompare(text: string): void;
  onClear(): void;
  /** the namespace a template is written for */
  namespace: string;
  error: string | null;
}

export function WhatIfPanel({ applied, draft, onDraft, onCompare, onClear, namespace, error }: WhatIfPanelProps) {
  const [template, setTemplate] = useState<WhatIfTemplate>('default-deny');
  const button =
    'rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-700';
  return (
    <section
      aria-label="What if"
      className="flex flex-col gap-1 rounded border border-slate-200 p-2 dark:border-slate-700"
      data-testid="matrix.whatif"
    >
      <div className="flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-1">
          Template
          <select
            aria-label="Policy template"
            className="rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
            value={template}
            onChange={(e) => setTemplate(e.target.value as WhatIfTemplate)}
          >
            {(Object.keys(WHAT_IF_TEMPLATES) as WhatIfTemplate[]).map((t) => (
              <option key={t} value={t}>
                {WHAT_IF_TEMPLATES[t]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className={button} onClick={() => onDraft(templateYaml(template, namespace))}>
          Use template in {namespace}
        </button>
        <button
          type="button"
          className={`${button} font-semibold`}
          disabled={draft.trim() === ''}
          onClick={() => onCompare(draft)}
        >
          Compare
        </button>
        {applied !== '' ? (
          <button type="button" className={button} onClick={onClear}>
            Clear what-if
          </button>
        ) : null}
      </div>
      <textarea
        aria-label="NetworkPolicy YAML"
        className="h-28 w-full resize-y rounded border border-slate-300 bg-white p-1 font-mono text-xs dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
        spellCheck={false}
        value={draft}
        placeholder="NetworkPolicy YAML to add, or to replace the policy of the same namespace and name"
        onChange={(e) => onDraft(e.target.value)}
      />
      {error ? (
        <p role="alert" className="text-rose-800 dark:text-rose-300">
          {error}
        </p>
      ) : null}
    </section>
  );
}
