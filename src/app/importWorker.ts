/**
 * The import worker: parses and builds user manifests off the main thread, so that a large or
 * hostile input never freezes the page. The protocol lives in the simulation (sim/import/protocol).
 */
import { handleImportMessage } from '../sim/import/protocol';

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(message: unknown): void };
scope.onmessage = (event) => handleImportMessage(event.data, (response) => scope.postMessage(response));
