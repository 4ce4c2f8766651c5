"""Shared paths and helpers for the tools tests."""

from __future__ import annotations

import os
import unittest

import torch

from diffprobe_tools import ortnode

TOOLS = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
REPO = os.path.abspath(os.path.join(TOOLS, ".."))
MODELS = os.path.join(REPO, "public", "models")
DATASETS = os.path.join(REPO, "public", "datasets")
PARITY = os.path.join(REPO, "test", "fixtures", "parity", "fmnist-adm-s")
SELFTEST = os.path.join(REPO, "public", "selftest")  # the System check's model, made by diffprobe_tools.tiny

# Keep the test run light on a shared 2-core machine.
torch.set_num_threads(1)

needs_ort = unittest.skipUnless(
    ortnode.available(), "node + node_modules/onnxruntime-node are needed to run ONNX from Python (npm ci)"
)
