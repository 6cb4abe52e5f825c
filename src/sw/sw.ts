/// <reference lib="webworker" />
/**
 * EMC Lab's service worker: once the lab has been opened, it works offline. Every file of
 * the build is cached at install (the list comes from precache.json, written at build),
 * datasets when a run first reads them; the page is fetched network-first. Each build has
 * its own cache (its version is written into this file at build, so the browser sees a new
 * service worker): a new build installs beside the old one and waits until the person
 * reloads (the lab offers it), then the old cache goes. What may be stored: cachePolicy.ts.
 * Built by vite.config.ts (serviceWorker) into dist/sw.js.
 */
import {
  cacheName,
  cachePrefix,
  isLabIndex,
  isLabRequest,
  mayCache,
  type RequestFacts,
} from './cachePolicy.ts';

declare const self: ServiceWorkerGlobalScope;
/** The build's version, replaced at build. */
declare const __EMC_LAB_BUILD__: string;

const scope = self.registration.scope;
const CACHE = cacheName(scope, __EMC_LAB_BUILD__);

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const response = await fetch('precache.json', { cache: 'no-store' });
      const files: string[] = response.ok ? await response.json() : [];
      await cache.addAll([scope, ...files]);
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(cachePrefix(scope)) && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

/** The page says when: a new version takes over only when the person reloads. */
self.addEventListener('message', (event) => {
  if ((event.data as { kind?: string } | null)?.kind === 'skip-waiting') void self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (!isLabRequest(request, scope)) return;
  event.respondWith(respond(request));
});

async function respond(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  if (request.mode === 'navigate') {
    // The lab's index is stored under the scope itself, whatever its query.
    const key = isLabIndex(request.url, scope) ? scope : request;
    try {
      return await fetchAndKeep(cache, request, key);
    } catch {
      // Offline: the stored page, if this is the lab's.
      return (await cache.match(key, { ignoreVary: true })) ?? Response.error();
    }
  }
  // ignoreVary: the preview server varies on Origin, which module script requests carry.
  const cached = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
  return cached ?? fetchAndKeep(cache, request, request);
}

async function fetchAndKeep(cache: Cache, request: Request, key: RequestInfo): Promise<Response> {
  const fresh = await fetch(request);
  const facts: RequestFacts = { url: request.url, method: request.method, mode: request.mode };
  const response = {
    ok: fresh.ok,
    type: fresh.type,
    redirected: fresh.redirected,
    contentType: fresh.headers.get('content-type'),
  };
  if (mayCache(facts, response, scope)) await cache.put(key, fresh.clone());
  return fresh;
}
