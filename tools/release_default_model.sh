#!/usr/bin/env bash
# Publishes the trained default U-Net into the app, in the one order that keeps everything
# consistent: export → ONNX = PyTorch check → parity fixtures → samples → linear probe →
# export again with the measured quality (byte-identical model.onnx) → the model's README.
# Run from tools/ after (or between) training runs:  bash release_default_model.sh [threads]
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
THREADS=${1:-2}
RUN=checkpoints/fmnist-adm-s
CK=$RUN/checkpoint.pt
OUT=../public/models/fmnist-adm-s
WORK=work/release
mkdir -p "$WORK"

$PY -m diffprobe_tools.export --checkpoint "$CK" --out "$OUT" --threads "$THREADS"
$PY -m diffprobe_tools.onnx_check --checkpoint "$CK" --model "$OUT/model.onnx"
$PY -m diffprobe_tools.fixtures --checkpoint "$CK"
$PY -m diffprobe_tools.samples --checkpoint "$CK" --out "$OUT/samples.png" --threads "$THREADS"
$PY -m diffprobe_tools.probe --checkpoint "$CK" --onnx "$OUT/model.onnx" --threads "$THREADS" \
  --out-json "$OUT/probe.json" --out-md "$OUT/probe.md" --quality-out "$WORK/quality.json"
$PY -m diffprobe_tools.export --checkpoint "$CK" --out "$OUT" --threads "$THREADS" --quality "$WORK/quality.json"
$PY -m diffprobe_tools.model_readme "$OUT"
echo "released $(sha256sum "$OUT/model.onnx" | cut -c1-12)… to $OUT"
