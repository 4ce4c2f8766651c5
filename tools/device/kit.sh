#!/usr/bin/env bash
# The GPU kit's entry on the GPU machine (or anywhere): unpacks what tools/device/pack.sh put in
# .device/kit, then runs diffprobe_tools.gpu_kit, which writes OUT/gpu-kit-report.json.
#   bash tools/device/kit.sh                     # one call, carry .device/kit: all parts in 600 s
#   bash tools/device/kit.sh --parts torch       # any subset; --minutes N fixes the training budget
# OUT is the folder the device tool brings back ($OUT there); elsewhere pass --out.
set -uo pipefail
export DIFFPROBE_KIT_T0=${DIFFPROBE_KIT_T0:-$(date +%s.%N)} # the kit's deadline counts from here
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
P="$ROOT/.device/kit"
WORK=$(mktemp -d)
PY=python3
[ -x /usr/bin/python3 ] && ! python3 -c 'import torch' 2>/dev/null && PY=/usr/bin/python3
unxz() { "$PY" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; }

if [ -f "$P/data/train-images-idx3-ubyte.dpic" ]; then
  mkdir -p "$WORK/fmnist"
  (cd tools && "$PY" -m diffprobe_tools.image_codec decode "$P/data/train-images-idx3-ubyte.dpic" \
    "$WORK/fmnist/train-images-idx3-ubyte.gz")
  cp "$P/data/train-labels-idx1-ubyte.gz" "$WORK/fmnist/"
  export FASHION_MNIST_DIR="$WORK/fmnist"
fi

if [ -f "$P/node.xz" ]; then
  unxz "$P/node.xz" "$WORK/node" && chmod +x "$WORK/node"
  export DIFFPROBE_NODE="$WORK/node"
  mkdir -p "$WORK/dawn/dist/linux-x64" "$WORK/ort"
  cp "$P/dawn/index.js" "$P/dawn/package.json" "$WORK/dawn/"
  unxz "$P/dawn/dawn.node.xz" "$WORK/dawn/dist/linux-x64/dawn.node"
  cp "$P"/ort/*.mjs "$WORK/ort/"
  unxz "$P/ort/ort-wasm-simd-threaded.asyncify.wasm.xz" "$WORK/ort/ort-wasm-simd-threaded.asyncify.wasm"
  export DIFFPROBE_DAWN="$WORK/dawn/index.js"
  export DIFFPROBE_ORT="$WORK/ort/ort.webgpu.bundle.min.mjs"
  export DIFFPROBE_WEBGPU_SCRIPT="$P/webgpuNode.mjs"
  # The Vulkan loader and the GL vendor-neutral dispatch libraries the NVIDIA ICD needs.
  if command -v nvidia-smi >/dev/null; then
    for f in "$P"/debs/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  NV=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -f "$NV" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES="$NV"; fi
fi

OUT_ARGS=()
[[ " $* " == *" --out "* ]] || OUT_ARGS=(--out "${OUT:-$ROOT/gpu-kit-out}")
cd tools && PYTHONUNBUFFERED=1 "$PY" -m diffprobe_tools.gpu_kit "${OUT_ARGS[@]}" "$@"
status=$?
rm -rf "$WORK"
exit $status
