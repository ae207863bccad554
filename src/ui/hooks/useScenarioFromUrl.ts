/**
 * `#example=<id>&step=<n>`: a built-in scenario opened from a link, stopped at a playback step.
 * The hash is read on load and on every change; an unknown id gives a message and leaves the hash
 * as it was.
 */
import { useEffect } from 'react';
import { findScenario, visibleText } from '../../sim';
import type { VizStore } from '../../store/createVizStore';

export function parseExampleHash(hash: string): { id: string; step?: number } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const id = params.get('example');
  if (!id) return null;
  const stepText = params.get('step');
  const step = stepText !== null && /^\d{1,6}$/.test(stepText) ? Number(stepText) : undefined;
  return step === undefined ? { id } : { id, step };
}

export function exampleHash(id: string, step?: number): string {
  return `#example=${encodeURIComponent(id)}${step !== undefined ? `&step=${step}` : ''}`;
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
        current.loadScenario(scenario, parsed.step);
      };
      apply();
      window.addEventListener('hashchange', apply);
      return () => window.removeEventListener('hashchange', apply);
    },
    [store, enabled],
  );
}
