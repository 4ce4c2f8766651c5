/**
 * Registers the service worker that keeps the app, its runtimes, models and demo data
 * available without a network after the first visit. Only in built apps: the dev server's
 * modules change on every edit.
 */
export function registerOfflineCache(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL })
    .catch((err: unknown) => console.warn('offline cache unavailable:', err));
}
