/// <reference lib="webworker" />
/**
 * SliceSAM's service worker: the app shell and onnxruntime's wasm from a versioned
 * precache (offline after the first visit), and cross-origin isolation for hosts that
 * cannot send COOP/COEP themselves (the headers are added to every response it serves).
 * Model files are not touched here: the engine keeps them in its own cache
 * ('slicesam-models-v1'), which survives app updates.
 *
 * Built by vite.config.ts (serviceWorker plugin), which defines PRECACHE and VERSION.
 */
declare const PRECACHE: readonly string[];
declare const VERSION: string;

const sw = globalThis as unknown as ServiceWorkerGlobalScope;
const SHELL_PREFIX = 'slicesam-shell-';
const SHELL = `${SHELL_PREFIX}${VERSION}`;
const ISOLATION: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const scope = (): string => sw.registration.scope;
const url = (path: string): string => new URL(path, scope()).href;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      await cache.addAll(PRECACHE.map(url));
      // The very first install takes over at once; an update waits until the page says so.
      if (!sw.registration.active) await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(SHELL_PREFIX) && name !== SHELL) await caches.delete(name);
      }
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') void sw.skipWaiting();
  if (event.data === 'version') event.source?.postMessage({ version: VERSION });
});

/** The response with the isolation headers added (opaque responses cannot be changed). */
function isolated(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(ISOLATION)) if (!headers.has(k)) headers.set(k, v);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function respond(request: Request): Promise<Response> {
  const cache = await caches.open(SHELL);
  if (request.mode === 'navigate') {
    // The page: the network when there is one (a new deployment shows up), else the cached shell.
    try {
      return isolated(await fetch(request));
    } catch {
      const shell = (await cache.match(request, { ignoreSearch: true })) ?? (await cache.match(url('./')));
      if (shell) return isolated(shell);
      throw new Error('offline and the app is not cached');
    }
  }
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return isolated(hit);
  return isolated(await fetch(request));
}

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== sw.location.origin) return;
  event.respondWith(respond(request));
});
