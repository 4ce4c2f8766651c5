"""OpenAI guided-diffusion's unconditional ADM U-Nets in diffprobe: the model (state-dict
compatible), its configurations, and the converter to ONNX + manifest
(``python3 -m diffprobe_tools.guided convert-guided-diffusion …``)."""
