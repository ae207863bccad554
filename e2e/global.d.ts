import type { NetvizHandle } from '../src/app/testHook';

declare global {
  interface Window {
    __netviz?: NetvizHandle;
  }
}
