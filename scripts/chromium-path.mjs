import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Debian's Chromium (or CHROMIUM_PATH); null when it is not installed. */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export function chromiumPath() {
  const found = findChromium();
  if (!found) {
    throw new Error(
      'Chromium is missing: run `sudo apt-get install -y chromium` (Debian) or set CHROMIUM_PATH',
    );
  }
  return found;
}

/** How diffprobe launches Chromium headless here (tests and benchmarks): no network chatter. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
