/// <reference lib="webworker" />
/**
 * diffprobe's service worker: after the first visit the whole app (code, ONNX runtimes,
 * models, demo data) is served from the Cache API, so it keeps working with the network cut.
 * The file list comes from the build (`precache.json`). It also adds the cross-origin
 * isolation headers to what it serves, so a plain static host still gets multithreaded WASM.
 */
const sw = globalThis as unknown as ServiceWorkerGlobalScope;

const CACHE = 'diffprobe-v1';
const SCOPE = new URL(sw.registration.scope);

function isolate(res: Response): Response {
  if (res.type === 'opaque' || res.headers.get('Cross-Origin-Embedder-Policy')) return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

async function precache(): Promise<void> {
  const cache = await caches.open(CACHE);
  const res = await fetch(new URL('precache.json', SCOPE), { cache: 'no-cache' });
  if (!res.ok) return;
  const files = (await res.json()) as string[];
  const urls = ['./', ...files].map((f) => new URL(f, SCOPE).href);
  await cache.addAll(urls);
}

sw.addEventListener('install', (event: ExtendableEvent) => {
  event.waitUntil(precache().then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

async function respond(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  const navigation = request.mode === 'navigate';
  const key = navigation ? new URL('./', SCOPE).href : url.href.split('#')[0]!;
  if (navigation) {
    // Network first for the page, so a new build is picked up; the cache when offline.
    try {
      const fresh = await fetch(request);
      if (fresh.ok) await cache.put(key, fresh.clone());
      return isolate(fresh);
    } catch {
      const cached = await cache.match(key);
      if (cached) return isolate(cached);
      throw new Error('offline and not cached');
    }
  }
  const cached = await cache.match(key);
  if (cached) return isolate(cached);
  const fresh = await fetch(request);
  if (fresh.ok && url.search === '') await cache.put(key, fresh.clone());
  return isolate(fresh);
}

sw.addEventListener('fetch', (event: FetchEvent) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== SCOPE.origin) return;
  if (event.request.headers.has('range')) return;
  event.respondWith(respond(event.request));
});
