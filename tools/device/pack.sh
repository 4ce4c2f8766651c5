#!/usr/bin/env bash
# Prepares what the GPU kit sends along to the GPU machine: ONE folder, .device/kit (git-ignored),
# carried in one call with the working tree, under the machine's 64 MiB a call:
#   data/   Fashion-MNIST train (diffprobe_tools.image_codec: 19.0 MiB, xz -9e 21.6), for training
#   node.xz Node without its symbols and with its embedded ICU data blanked (the kit uses no Intl),
#           x86-filtered xz; checked here to run the WebGPU step's engine path before it is packed
#   dawn/   Dawn (npm `webgpu`, stripped), ort/ onnxruntime-web's WebGPU bundle and its Emscripten
#           module, webgpuNode.mjs (a bundle of tools/device/webgpuNode.ts), debs/ the Vulkan
#           loader and GL dispatch libraries (.deb) the NVIDIA Vulkan driver needs
# and prints every piece, the tree and the total against the limit (the working tree travels too).
# Run from anywhere after `npm install`:  bash tools/device/pack.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
FM=$(cd "${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}" && pwd)
P=.device/kit
LIMIT=$((64 * 1024 * 1024))
TARGET=$((60 * 1024 * 1024)) # room for the tree to grow between packing and the call
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
rm -rf .device
mkdir -p "$P/data" "$P/dawn" "$P/ort" "$P/debs"
XZ_EXE=(xz --x86 --lzma2=preset=9e -T1) # the x86 branch filter: executables shrink about 10 %

echo "pack: Fashion-MNIST train (diffprobe_tools.image_codec, checked by decoding; a minute or two)…"
IMG="$P/data/train-images-idx3-ubyte.dpic"
(cd tools && "$PY" -m diffprobe_tools.image_codec encode "$FM/train-images-idx3-ubyte.gz" "../$IMG" &&
  "$PY" -m diffprobe_tools.image_codec decode "../$IMG" "$TMP/images.gz")
cmp <(zcat "$FM/train-images-idx3-ubyte.gz") <(zcat "$TMP/images.gz")
cp "$FM/train-labels-idx1-ubyte.gz" "$P/data/"

echo "pack: Node $(node --version) without symbols and ICU data…"
strip --strip-all -o "$TMP/node" "$(readlink -f "$(command -v node)")"
# Node embeds ICU's data (33 MB, 7.5 MiB as xz) as the symbol icudt<version>_dat. The symbol table
# is read from the unstripped binary; the bytes are zeroed in the stripped copy after checking that
# they are an ICU common-data package. ICU then reports its data as missing: Intl and
# toLocaleString throw; TextDecoder, URLs, numbers and WebAssembly are unaffected.
"$PY" - "$(readlink -f "$(command -v node)")" "$TMP/node" <<'EOF' || true # a Node without the symbol keeps ICU
import re, subprocess, sys
src, dst = sys.argv[1:]
sym = [ln.split() for ln in subprocess.run(["nm", "-S", "--defined-only", src], capture_output=True,
                                           text=True).stdout.splitlines() if re.search(r" icudt\d+_dat$", ln)]
if not sym:
    sys.exit("pack: no icudt*_dat symbol in Node (a stripped or small-icu build?); ICU stays")
addr, size = int(sym[0][0], 16), int(sym[0][1], 16)
data = bytearray(open(dst, "rb").read())
for ln in subprocess.run(["readelf", "-lW", dst], capture_output=True, text=True).stdout.splitlines():
    f = ln.split()
    if f and f[0] == "LOAD":
        off, vaddr, _, filesz = (int(v, 16) for v in f[1:5])
        if vaddr <= addr < vaddr + filesz:
            at = addr - vaddr + off
            head = data[at:at + 16]
            if head[2:4] != b"\xda\x27" or head[12:16] != b"CmnD":
                sys.exit("pack: Node's icudt*_dat is not an ICU data package; ICU stays")
            data[at:at + size] = bytes(size)
            open(dst, "wb").write(data)
            print(f"pack: blanked {size / 2**20:.1f} MB of ICU data in Node")
            break
else:
    sys.exit("pack: Node's ICU data is in no loadable segment; ICU stays")
EOF
chmod +x "$TMP/node"
"$TMP/node" -e 'new URL("file:///a"); new TextDecoder().decode(new Uint8Array([104]))'
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$P/dawn/"
strip --strip-all -o "$TMP/dawn.node" node_modules/webgpu/dist/linux-x64/dawn.node
ORT=node_modules/onnxruntime-web/dist
# The bundle imports the WebGPU build's Emscripten module from beside itself when run in Node.
cp "$ORT/ort.webgpu.bundle.min.mjs" "$ORT/ort-wasm-simd-threaded.asyncify.mjs" "$P/ort/"
npx esbuild tools/device/webgpuNode.ts --bundle --platform=node --format=esm --log-level=warning \
  --external:webgpu --external:onnxruntime-web --outfile="$P/webgpuNode.mjs"

echo "pack: checking the shrunk Node on the WebGPU step's engine path (WASM backend, one batch)…"
mkdir -p "$TMP/dawn/dist/linux-x64"
cp "$P/dawn/index.js" "$P/dawn/package.json" "$TMP/dawn/"
cp "$TMP/dawn.node" "$TMP/dawn/dist/linux-x64/"
check=$(DIFFPROBE_DAWN="$TMP/dawn/index.js" DIFFPROBE_ORT="$ORT/ort.webgpu.bundle.min.mjs" \
  "$TMP/node" "$P/webgpuNode.mjs" --backend wasm --batches 1 --iters 1 2>/dev/null | tail -1)
case "$check" in
  '{"ok":true'*) echo "pack: the shrunk Node runs the engine: $check" ;;
  *) echo "pack: the shrunk Node failed the engine check: $check" >&2; exit 1 ;;
esac

echo "pack: xz (x86 filter) of Node, Dawn and the WebGPU build's wasm…"
"${XZ_EXE[@]}" -c "$TMP/node" > "$P/node.xz"
"${XZ_EXE[@]}" -c "$TMP/dawn.node" > "$P/dawn/dawn.node.xz"
xz -9e -T1 -c "$ORT/ort-wasm-simd-threaded.asyncify.wasm" > "$P/ort/ort-wasm-simd-threaded.asyncify.wasm.xz"

# The NVIDIA Vulkan driver (libGLX_nvidia) needs the GL vendor-neutral dispatch libraries: without
# them the loader finds "no drivers" (seen on the first H200 run).
echo "pack: the Vulkan loader and GL dispatch libraries (amd64 .deb)…"
(cd "$P/debs" && apt-get download libvulkan1:amd64 libglvnd0:amd64 libglx0:amd64 libegl1:amd64 \
  libgl1:amd64 libopengl0:amd64 libgles2:amd64 2>&1 | grep -v -e '^Get:' -e 'unsandboxed' || true)

tree_bytes=$(git ls-files -z | xargs -0 stat -c %s 2>/dev/null | awk '{s += $1} END {print s}')
kit_bytes=$(du -sb "$P" | awk '{print $1}')
total=$((kit_bytes + tree_bytes))
mib() { awk -v b="$1" 'BEGIN {printf "%.2f MiB", b / 1048576}'; }
echo "pack: one call carries the working tree and $P:"
(cd "$P" && find . -type f -printf '%s %p\n' | sort -k2 | while read -r bytes path; do
  printf '  %-48s %11s\n' "$path" "$(mib "$bytes")"
done)
printf '  %-48s %11s\n' "$P (all)" "$(mib "$kit_bytes")" "working tree (git ls-files)" "$(mib "$tree_bytes")" \
  "total" "$(mib "$total")"
if [ "$total" -gt "$LIMIT" ]; then
  echo "pack: OVER the 64 MiB limit of one call" >&2
  exit 1
elif [ "$total" -gt "$TARGET" ]; then
  echo "pack: fits one call, $(mib $((LIMIT - total))) to spare under 64 MiB (less than the 4 MiB hoped for)"
else
  echo "pack: fits one call, $(mib $((LIMIT - total))) to spare under 64 MiB"
fi
