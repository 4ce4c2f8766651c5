#!/usr/bin/env node
// Makes sure the Debian packages the tests need are present: Chromium for the browser tests,
// PyTorch, ONNX and Fashion-MNIST for the tools/ tests, redis-server for the queued sweep's test. As root with apt-get it installs what is
// missing; otherwise it stops with one line saying exactly what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './chromium-path.mjs';

const only = process.argv[2]; // 'chromium' | 'python' | 'redis' | undefined (all)

function pythonHas(modules) {
  const py = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(py, ['-c', modules.map((m) => `import ${m}`).join(';')], { stdio: 'ignore' });
  return r.status === 0;
}

const missing = [];
if ((only === undefined || only === 'chromium') && !findChromium()) missing.push('chromium');
if (only === undefined || only === 'redis') {
  const onPath = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!onPath && !existsSync('/usr/bin/redis-server')) missing.push('redis-server');
}
if (only === undefined || only === 'python') {
  if (!pythonHas(['torch'])) missing.push('python3-torch');
  if (!pythonHas(['onnx'])) missing.push('python3-onnx');
  if (!pythonHas(['numpy'])) missing.push('python3-numpy');
  if (!existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz')) {
    missing.push('dataset-fashion-mnist');
  }
}
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(
    `diffprobe tests need Debian packages: sudo apt-get install -y ${missing.join(' ')}`,
  );
  process.exit(1);
}
console.log(`Installing ${missing.join(', ')} with apt-get…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
  stdio: 'inherit',
  env,
});
