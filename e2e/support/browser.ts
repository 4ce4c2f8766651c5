import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';
import { CHROMIUM_FLAGS, chromiumPath } from '../../scripts/chromium-path.mjs';

const BASE_FLAGS = CHROMIUM_FLAGS;

export interface LaunchOptions {
  /** Launch with the (software, in CI) WebGPU adapter enabled. */
  webgpu: boolean;
  /** More Chromium flags (e.g. a fake webcam). */
  args?: string[];
}

export async function launch({ webgpu, args: extra = [] }: LaunchOptions): Promise<Browser> {
  const args = webgpu
    ? [...BASE_FLAGS, '--enable-unsafe-webgpu', ...extra]
    : [...BASE_FLAGS, '--disable-features=WebGPU,Vulkan', '--disable-gpu', ...extra];
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args });
}

export function baseURL(): string {
  return inject('baseURL');
}

/** A fresh page on the app; records requests to other origins and page errors. */
export async function openApp(
  browser: Browser,
  path = '',
): Promise<{ context: BrowserContext; page: Page; foreign: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const origin = new URL(baseURL()).origin;
  const foreign: string[] = [];
  const errors: string[] = [];
  context.on('request', (req) => {
    const url = new URL(req.url());
    if (!['blob:', 'data:'].includes(url.protocol) && url.origin !== origin)
      foreign.push(req.url());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(new URL(path, baseURL()).href);
  return { context, page, foreign, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}
