"""diffprobe's model pipeline: U-Net definitions, DDPM training, ONNX export and fixtures."""
