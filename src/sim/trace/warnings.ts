/**
 * Warnings as data: what went unused in a request (a `pick` that pinned nothing), kept structured
 * while a trace is resolved so that later steps compare fields, not sentences. A trace carries
 * them twice (docs/trace-format.md): `warningDetails`, objects with a code, the sentence and the
 * ids of the elements concerned, and `warnings`, the sentences alone (the older field).
 */
export type TraceWarning =
  /** the pick pinned no choice anywhere in the trace */
  | { kind: 'pick-unmatched'; pick: string }
  /** the pick is not an eligible endpoint of the Service that chose */
  | { kind: 'pick-not-endpoint'; pick: string; service: string }
  /** the pick names a node the load balancer may not send to */
  | { kind: 'pick-not-lb-target'; pick: string };

/** The sentence a warning reads as in the trace. */
export function warningText(w: TraceWarning): string {
  switch (w.kind) {
    case 'pick-unmatched':
      return `--pick ${w.pick} matched no choice in this trace`;
    case 'pick-not-endpoint':
      return `pick ${w.pick} matched no choice: it is not an eligible endpoint of ${w.service}`;
    case 'pick-not-lb-target':
      return `pick ${w.pick} matched no choice: it is not a healthy target of the load balancer`;
  }
}

/** A warning as the trace publishes it. */
export interface TraceWarningDetail {
  code: TraceWarning['kind'];
  /** the sentence; the same text as the trace's `warnings` entry */
  message: string;
  /** the element ids it is about (docs/trace-format.md's id table): the picked pod or node, the Service */
  subjects: string[];
}

/** `default/web-1` is `pod/default/web-1`; `node/x` is already an element id. */
const pickSubject = (pick: string): string => (pick.startsWith('node/') ? pick : `pod/${pick}`);

export function warningDetail(w: TraceWarning): TraceWarningDetail {
  const subjects = [pickSubject(w.pick)];
  if (w.kind === 'pick-not-endpoint') subjects.push(`svc/${w.service}`);
  return { code: w.kind, message: warningText(w), subjects };
}

/** Sets a trace's `warningDetails` and `warnings` (both absent when there is nothing to say). */
export function setWarnings(
  t: { warnings?: string[]; warningDetails?: TraceWarningDetail[] },
  ws: readonly TraceWarning[],
): void {
  if (ws.length === 0) return;
  const details = ws.map(warningDetail);
  t.warnings = details.map((d) => d.message);
  t.warningDetails = details;
}
