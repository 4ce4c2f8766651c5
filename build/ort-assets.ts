import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { ISOLATION_HEADERS } from './security-headers.ts';

/**
 * Serves onnxruntime-web's runtime files from the app's own origin under `/ort/` (no CDN):
 * in dev from node_modules, in the build as emitted assets. Two variants are shipped: the
 * plain SIMD+threads build (the WASM backend) and the asyncify build (the WebGPU backend).
 */
export const ORT_FILES = [
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
] as const;

function ortDist(): string {
  // The package's exports hide package.json; its CommonJS entry lives in dist/.
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('onnxruntime-web'));
}

export function ortAssets(): Plugin {
  const dist = ortDist();
  return {
    name: 'diffprobe-ort-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = req.url?.split('?')[0] ?? '';
        const name = url.startsWith('/ort/') ? url.slice(5) : '';
        if (!(ORT_FILES as readonly string[]).includes(name)) return next();
        const file = join(dist, name);
        res.setHeader(
          'Content-Type',
          name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript; charset=utf-8',
        );
        res.setHeader('Content-Length', String(statSync(file).size));
        // emscripten's pthread workers load this .mjs; under COEP a worker script needs the
        // isolation headers itself, and this middleware answers before Vite adds them.
        for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
        createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      for (const name of ORT_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `ort/${name}`,
          source: readFileSync(join(dist, name)),
        });
      }
    },
  };
}
