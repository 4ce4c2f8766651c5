/**
 * Headers every diffprobe page and worker is served with. COOP/COEP make the page
 * cross-origin isolated (SharedArrayBuffer, so multithreaded WASM); the CSP allows only the
 * app's own origin, plus blob: and WebAssembly compilation where the runtimes need them.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Dev mode runs Vite's HMR client and React refresh preamble, which need inline script and ws:. */
export function devHeaders(): Record<string, string> {
  return { ...ISOLATION_HEADERS };
}

export function previewHeaders(): Record<string, string> {
  return { ...ISOLATION_HEADERS, 'Content-Security-Policy': CONTENT_SECURITY_POLICY };
}
