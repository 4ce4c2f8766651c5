#!/usr/bin/env bash
# Every test diffprobe has, in order of cost. Any failure stops the run with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }

step 'system packages (Chromium, PyTorch, ONNX, Fashion-MNIST, redis-server)'
node scripts/ensure-system.mjs
step 'type check (tsc, strict)'
npx tsc -b
step 'lint (eslint)'
npx eslint . --max-warnings 0
step 'format (prettier --check)'
npx prettier --check . --log-level warn
step 'unit tests (vitest)'
npx vitest run --project unit
step 'tools/ tests (python)'
bash scripts/test-tools.sh
step 'build (vite)'
npx vite build --logLevel warn
step 'browser tests (playwright-core + Chromium, headless)'
npx vitest run --project browser
printf '\nAll tests passed.\n'
