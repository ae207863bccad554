/** The stage's caption at a step, as the SVG export and the printed handout write it. */
import type { VizState } from '../store/createVizStore';
import { selectCurrentHop, selectStep, selectSteps } from '../store/selectors';
import { forLearners, stepLabel } from './learnerText';

export function stageCaption(state: VizState): { step: string | null; text: string } | null {
  const hop = selectCurrentHop(state);
  if (hop) return { step: stepLabel(selectStep(state), selectSteps(state).length), text: forLearners(hop.text) };
  return state.scenario ? { step: null, text: state.scenario.title } : null;
}
