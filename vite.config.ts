import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';
import { ortAssets } from './build/ort-assets.ts';
import { precacheList } from './build/precache.ts';
import { tfjsAssets } from './build/tfjs-assets.ts';
import { CONTENT_SECURITY_POLICY, devHeaders, previewHeaders } from './build/security-headers.ts';

export default defineConfig({
  plugins: [
    react(),
    ortAssets(),
    tfjsAssets(),
    precacheList(),
    {
      name: 'diffprobe-csp-meta',
      apply: 'build',
      transformIndexHtml: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
          injectTo: 'head-prepend',
        },
      ],
    },
  ],
  resolve: {
    // onnxruntime-web's "extern wasm" builds load their .mjs/.wasm from /ort/ (see ort-assets)
    // instead of bundling a second copy of the runtime.
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  server: { headers: devHeaders() },
  preview: { headers: previewHeaders() },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      input: { main: 'index.html', sw: 'src/sw/sw.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
