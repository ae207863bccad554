/**
 * `#example=<id>&step=<n>`: a built-in scenario opened from a link, stopped at a playback step.
 * `&tl=3` says the step numbers the conversation's timeline; `&tl=2` the timeline before later
 * packets skipped the rules only a first packet meets; a link without either was written before
 * traces held a conversation. Older numberings are mapped to the same hop (docs/trace-format.md).
 * The hash is read on load and on every change; an unknown id gives a message and leaves the hash
 * as it was.
 */
import { useEffect } from 'react';
import { findScenario, visibleText } from '../../sim';
import type { StepNumbering, VizStore } from '../../store/createVizStore';

/**
 * A link's `step=`: a whole number from 0 (six digits at most), or a message saying why not and
 * that the scenario opens at its first step instead (`step=-1`, `step=1e309`, `step=two`).
 */
export function parseStepParam(text: string | null): { step?: number; error?: string } {
  if (text === null) return {};
  if (/^\d{1,6}$/.test(text)) return { step: Number(text) };
  return {
    step: 0,
    error: `The link’s step “${visibleText(text, 20)}” is not a step number (0, 1, 2, …); opening at the first step.`,
  };
}

/** How a link numbers its step: `tl=3` the timeline, `tl=2` the earlier timeline, else the numbering before it. */
export function stepNumberingOf(params: URLSearchParams): StepNumbering {
  const tl = params.get('tl');
  return tl === '3' ? 'timeline' : tl === '2' ? 'timeline2' : 'legacy';
}

export function parseExampleHash(
  hash: string,
): { id: string; step?: number; stepError?: string; stepNumbering: StepNumbering } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const id = params.get('example');
  if (!id) return null;
  const { step, error } = parseStepParam(params.get('step'));
  return {
    id,
    ...(step !== undefined ? { step } : {}),
    ...(error !== undefined ? { stepError: error } : {}),
    stepNumbering: stepNumberingOf(params),
  };
}

/** `#example=<id>&step=<n>`, with `&tl=3` when the trace's steps are numbered differently from before. */
export function exampleHash(id: string, step?: number, renumbered = false): string {
  return `#example=${encodeURIComponent(id)}${step !== undefined ? `&step=${step}${renumbered ? '&tl=3' : ''}` : ''}`;
}

export function useScenarioFromUrl(store: VizStore, enabled: boolean): void {
  useEffect(
    function followHash() {
      if (!enabled) return;
      const apply = (): void => {
        const parsed = parseExampleHash(window.location.hash);
        if (!parsed) return;
        const scenario = findScenario(parsed.id);
        if (!scenario) {
          store
            .getState()
            .setNotice(`There is no built-in scenario “${visibleText(parsed.id, 60)}”; showing the built-in cluster.`);
          return;
        }
        const current = store.getState();
        // a hash we wrote ourselves for the scenario already on screen changes nothing
        if (current.scenario?.id === scenario.id && parsed.step === undefined) return;
        current.loadScenario(scenario, parsed.step, parsed.stepNumbering);
        // non-blocking: the scenario is on screen, the message says what was ignored
        if (parsed.stepError) store.getState().setNotice(parsed.stepError);
      };
      apply();
      window.addEventListener('hashchange', apply);
      return () => window.removeEventListener('hashchange', apply);
    },
    [store, enabled],
  );
}
