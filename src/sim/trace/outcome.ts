/**
 * What the client got, as the app shows it beside the reason: through an L7 proxy the HTTP status,
 * else the trace's verdict, except that a connection whose first packet arrived but whose answer is
 * lost on the way back is no success for the client (it times out), whatever `verdict` says.
 */
import { statusLine } from '../l7/types';
import type { Trace } from './types';

export interface Outcome {
  /** `200 OK`, `delivered`, `dropped`, `delivered, answer lost` */
  label: string;
  /** whether the client got what it asked for */
  good: boolean;
}

export function outcomeOf(trace: Trace): Outcome {
  if (trace.http) return { label: statusLine(trace.http.status), good: trace.http.status < 400 };
  if (trace.verdict === 'delivered' && trace.reply?.verdict === 'dropped')
    return { label: 'delivered, answer lost', good: false };
  return { label: trace.verdict, good: trace.verdict === 'delivered' };
}
