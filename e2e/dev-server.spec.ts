import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from './support/browser';

const PORT = 4339;

describe('the dev server (`npm run dev`)', () => {
  let server: ChildProcess;
  let browser: Browser;
  beforeAll(async () => {
    server = spawn('npx', ['vite', '--port', String(PORT), '--strictPort'], {
      stdio: 'ignore',
      detached: true,
    });
    for (let i = 0; i < 150; i++) {
      try {
        if ((await fetch(`http://localhost:${PORT}/`)).ok) break;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
    if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  });

  it('is cross-origin isolated and runs multithreaded WASM', async () => {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${PORT}/`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.getByRole('tab', { name: 'System check' }).click();
    await page.getByRole('button', { name: 'Run system check' }).click();
    await page.getByTestId('agreement').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('check-wasm').getAttribute('data-ran')).toBe('true');
    expect(await page.getByTestId('check-wasm').textContent()).toMatch(/· [2-9]\d* threads/);
    await page.close();
  });
});
