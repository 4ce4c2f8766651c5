import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { ISOLATION_HEADERS } from './security-headers.ts';

/**
 * tfjs-backend-wasm's binaries (plain and SIMD), served under `/tfjs/`. The threaded build is
 * not shipped: the heads worker runs tfjs single-threaded (see workers/heads/backend.ts).
 */
export const TFJS_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

function tfjsWasmDist(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

/** Serves the heads worker's WASM files from the app's own origin (no CDN), like ort-assets. */
export function tfjsAssets(): Plugin {
  const dist = tfjsWasmDist();
  return {
    name: 'diffprobe-tfjs-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = req.url?.split('?')[0] ?? '';
        const name = url.startsWith('/tfjs/') ? url.slice(6) : '';
        if (!(TFJS_FILES as readonly string[]).includes(name)) return next();
        const file = join(dist, name);
        res.setHeader('Content-Type', 'application/wasm');
        res.setHeader('Content-Length', String(statSync(file).size));
        for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
        createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      for (const name of TFJS_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `tfjs/${name}`,
          source: readFileSync(join(dist, name)),
        });
      }
    },
  };
}
