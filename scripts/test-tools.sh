#!/usr/bin/env bash
# The Python model pipeline's own tests (Debian's python3-torch and python3-onnx).
set -euo pipefail
cd "$(dirname "$0")/../tools"
PY=${PYTHON:-python3}
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then PY=/usr/bin/python3; fi
exec "$PY" -m unittest discover -s tests -t . -v
