import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

const PORT = Number(process.env.DIFFPROBE_E2E_PORT ?? 4319);

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}

async function waitForServer(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

let server: ChildProcess | null = null;

/** Serves the built app with `vite preview` (the same headers as production) for the specs. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync('dist/index.html')) {
    throw new Error('dist/ is missing: run `npx vite build` first (npm test does it for you)');
  }
  server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const baseURL = `http://localhost:${PORT}/`;
  await waitForServer(baseURL, 30_000);
  project.provide('baseURL', baseURL);
  return async () => {
    if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  };
}
