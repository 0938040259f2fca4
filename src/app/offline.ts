/**
 * The service worker from the page's side: registration, the one reload that makes a
 * first visit cross-origin isolated on hosts without COOP/COEP headers, and updates
 * (offered to the user, applied only after the open case is autosaved).
 */
export interface OfflineHooks {
  /** A new version is installed and waiting; `apply` autosaves, activates it and reloads. */
  onUpdateReady(apply: () => Promise<void>): void;
  /** Work to finish before any reload (autosave the open case). */
  beforeReload(): Promise<void>;
  /** Whether a reload would interrupt the user (a case is open). */
  busy(): boolean;
  /** Tell the user something (e.g. reload for multi-threaded WASM). */
  notice(text: string): void;
}

const RELOADED_FOR_ISOLATION = 'slicesam-reloaded-for-isolation';

export async function registerServiceWorker(hooks: OfflineHooks): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return null;
  const container = navigator.serviceWorker;
  const hadController = container.controller !== null;
  let reloading = false;
  container.addEventListener('controllerchange', () => {
    if (reloading) return;
    if (!hadController && !crossOriginIsolated) {
      // First visit: the worker now serves the page with COOP/COEP; one reload isolates it.
      if (sessionStorage.getItem(RELOADED_FOR_ISOLATION) || hooks.busy()) {
        hooks.notice('Reload the page once to enable multi-threaded segmentation (the app now works offline).');
        return;
      }
      sessionStorage.setItem(RELOADED_FOR_ISOLATION, '1');
      reloading = true;
      location.reload();
    }
  });
  const registration = await container.register('sw.js', { scope: './' });
  const offer = () => {
    const waiting = registration.waiting;
    if (!waiting || !container.controller) return;
    hooks.onUpdateReady(async () => {
      await hooks.beforeReload();
      reloading = true;
      container.addEventListener('controllerchange', () => location.reload(), { once: true });
      waiting.postMessage('skip-waiting');
    });
  };
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') offer();
    });
  });
  offer();
  // Look for a new deployment when the tab comes back and every half hour.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void registration.update().catch(() => undefined);
  });
  setInterval(() => void registration.update().catch(() => undefined), 30 * 60 * 1000);
  return registration;
}
