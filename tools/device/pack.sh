#!/usr/bin/env bash
# Prepares what the GPU kit sends along to the GPU machine, in .device/ (git-ignored):
#   .device/data/    Fashion-MNIST train (xz), for the training part
#   .device/webgpu/  Node, Dawn (npm `webgpu`), onnxruntime-web's WebGPU bundle, the bundled
#                    tools/device/webgpuNode.ts and the Vulkan loader (.deb), for the WebGPU part
# and prints each payload's size beside the machine's 64 MiB limit for one call (the working tree
# travels too). Run from anywhere after `npm install`:  bash tools/device/pack.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
FM=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
P=.device
LIMIT=$((64 * 1024 * 1024))
rm -rf "$P"
mkdir -p "$P/data" "$P/webgpu/dawn" "$P/webgpu/ort" "$P/webgpu/debs"

echo "pack: Fashion-MNIST train (xz -9, about a minute)…"
zcat "$FM/train-images-idx3-ubyte.gz" | xz -9 -T0 > "$P/data/train-images-idx3-ubyte.xz"
cp "$FM/train-labels-idx1-ubyte.gz" "$P/data/"

echo "pack: Node $(node --version), Dawn, onnxruntime-web…"
xz -9 -T0 -c "$(readlink -f "$(command -v node)")" > "$P/webgpu/node.xz"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$P/webgpu/dawn/"
xz -9 -T0 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$P/webgpu/dawn/dawn.node.xz"
ORT=node_modules/onnxruntime-web/dist
# The bundle imports the WebGPU build's Emscripten module from beside itself when run in Node.
cp "$ORT/ort.webgpu.bundle.min.mjs" "$ORT/ort-wasm-simd-threaded.asyncify.mjs" "$P/webgpu/ort/"
xz -9 -T0 -c "$ORT/ort-wasm-simd-threaded.asyncify.wasm" > "$P/webgpu/ort/ort-wasm-simd-threaded.asyncify.wasm.xz"
npx esbuild tools/device/webgpuNode.ts --bundle --platform=node --format=esm --log-level=warning \
  --external:webgpu --external:onnxruntime-web --outfile="$P/webgpu/webgpuNode.mjs"

# The NVIDIA Vulkan driver (libGLX_nvidia) needs the GL vendor-neutral dispatch libraries: without
# them the loader finds "no drivers" (seen on the first H200 run).
echo "pack: the Vulkan loader and GL dispatch libraries (amd64 .deb)…"
(cd "$P/webgpu/debs" && apt-get download libvulkan1:amd64 libglvnd0:amd64 libglx0:amd64 libegl1:amd64 \
  libgl1:amd64 libopengl0:amd64 libgles2:amd64 2>&1 | grep -v -e '^Get:' -e 'unsandboxed' || true)

tree_bytes=$(git ls-files -z | xargs -0 stat -c %s | awk '{s += $1} END {print s}')
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
report() {
  local name=$1; shift
  local bytes
  bytes=$(du -sb "$@" | awk '{s += $1} END {print s}')
  local total=$((bytes + tree_bytes))
  local verdict=fits
  [ "$total" -le "$LIMIT" ] || verdict='OVER the limit'
  printf '  %-28s %10s + tree %s = %s: %s\n' "$name" "$(mib "$bytes")" "$(mib "$tree_bytes")" "$(mib "$total")" "$verdict"
}
echo "pack: payloads (limit 64 MiB a call, working tree included)"
report 'train (.device/data)' "$P/data"
report 'torch+webgpu (.device/webgpu)' "$P/webgpu"
report 'everything' "$P/data" "$P/webgpu"
