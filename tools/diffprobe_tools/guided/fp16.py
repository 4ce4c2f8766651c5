"""Store an ONNX model's weights in float16 (half the bytes), computing in float32.

Every float32 initializer of at least ``MIN_ELEMENTS`` values is replaced by a float16 copy and
a ``Cast`` back to float32 that takes its old name, so the rest of the graph is untouched:
inputs, outputs, normalisation, softmax and the timestep embedding stay float32 (ADM keeps those
in float32 too). onnxruntime folds the casts once when the session starts, so the model runs on
every backend, WebGPU with or without ``shader-f16`` and WASM alike; the price is that the
weights take float32 memory on the device. The only rounding is the weights' (about 5e-4
relative), which is what the fp16 parity check (1e-2) measures.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MIN_ELEMENTS = 16


def weights_to_float16(model: onnx.ModelProto) -> int:
    """Convert ``model`` in place; return how many initializers were converted."""
    g = model.graph
    casts = []
    kept = []
    converted = 0
    for init in g.initializer:
        n = int(np.prod(init.dims)) if len(init.dims) else 1
        if init.data_type != TensorProto.FLOAT or n < MIN_ELEMENTS:
            kept.append(init)
            continue
        arr = numpy_helper.to_array(init)
        if np.any(np.abs(arr) > 65504):
            raise ValueError(f"weight {init.name} has values beyond float16's range")
        half = numpy_helper.from_array(arr.astype(np.float16), init.name + "__fp16")
        kept.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], name=init.name + "__to_fp32",
                                      to=TensorProto.FLOAT))
        converted += 1
    del g.initializer[:]
    g.initializer.extend(kept)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(casts + nodes)
    return converted


def compact_names(model: onnx.ModelProto) -> None:
    """Short names for nodes and intermediate tensors (the exporter's are module paths of up to
    a hundred characters each, most of a 37-output graph's bytes). Graph inputs, outputs and
    initializers keep their names."""
    g = model.graph
    keep = {i.name for i in g.input} | {o.name for o in g.output} | {i.name for i in g.initializer}
    rename: dict = {}
    for i, node in enumerate(g.node):
        node.name = f"n{i}"
        node.doc_string = ""
        for j, name in enumerate(node.output):
            if name and name not in keep:
                rename.setdefault(name, f"v{len(rename)}")
                node.output[j] = rename[name]
    for node in g.node:
        for j, name in enumerate(node.input):
            if name in rename:
                node.input[j] = rename[name]
    for vi in g.value_info:
        if vi.name in rename:
            vi.name = rename[vi.name]
