/**
 * The built app served by `vite preview` (the production headers) and opened in Debian's headless
 * Chromium with WebGPU on: what `npm run bench` and `npm run screenshot` both need.
 */
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from './chromium-path.mjs';

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

/** Runs `use` with a Chromium and the app's address; the browser and the server stop after. */
export async function withServedApp<T>(
  port: number,
  use: (browser: Browser, base: string) => Promise<T>,
): Promise<T> {
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
    stdio: 'ignore',
    detached: true,
  });
  const base = `http://localhost:${port}/`;
  try {
    await waitFor(base);
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [...CHROMIUM_FLAGS, '--enable-unsafe-webgpu'],
    });
    try {
      return await use(browser, base);
    } finally {
      await browser.close();
    }
  } finally {
    try {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
    } catch {
      // the server is already gone
    }
  }
}
