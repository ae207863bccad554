/**
 * Registers the offline service worker (sw.js, beside index.html) in the production build of the
 * full app. The embed does not: a blog's readers did not ask for the app to be stored on their
 * machine, and an iframe's worker would be kept per host site. `?manifests=` pages (the
 * `k8s-netviz open` command, on a port of its own each run) do not either.
 */
import { offlineUpdateNotice } from './updateNotice';

export function registerOfflineWorker(search: string): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const query = new URLSearchParams(search);
  if (query.get('embed') === '1' || query.has('manifests')) return;
  // The first visit: remember the version that takes over, so that the first load of a newer one
  // can say so (updateNotice.ts). Only then: when a newer worker takes over this open page, the
  // page is still the old version, and the next load is the one to tell.
  if (!navigator.serviceWorker.controller) {
    navigator.serviceWorker.addEventListener('controllerchange', () => void offlineUpdateNotice(), { once: true });
  }
  // after the load: the first screen's downloads come first
  const register = () => {
    navigator.serviceWorker.register('./sw.js').catch(() => undefined);
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
