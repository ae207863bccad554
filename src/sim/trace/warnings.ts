/**
 * Warnings as data: what went unused in a request (a `pick` that pinned nothing), kept structured
 * while a trace is resolved so that later steps compare fields, not sentences; the trace's public
 * `warnings` are their texts (docs/trace-format.md).
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
