import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/**
 * Writes `precache.json`: every file of the build (bundle and public folder), for the
 * service worker to cache so the app works offline.
 */
export function precacheList(): Plugin {
  let publicDir = '';
  return {
    name: 'diffprobe-precache',
    apply: 'build',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const fromPublic = publicDir
          ? walk(publicDir).map((f) => relative(publicDir, f).split(sep).join('/'))
          : [];
        const files = [...Object.keys(bundle), ...fromPublic]
          .filter((f) => !f.endsWith('.map') && f !== 'sw.js' && f !== 'index.html')
          .sort();
        this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files) });
      },
    },
  };
}
