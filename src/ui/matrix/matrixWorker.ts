/**
 * The matrix worker: computes the reachability matrix off the main thread, so that 1,000 x 1,000
 * pods never freeze the page. The protocol lives in the simulation (sim/matrix/protocol).
 */
import { handleMatrixMessage } from '../../sim/matrix/protocol';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
};
scope.onmessage = (event) =>
  handleMatrixMessage(event.data, (response, transfer) => scope.postMessage(response, transfer ?? []));
