import * as tf from '@tensorflow/tfjs-core';
import type {
  Conv2DBackpropFilterAttrs,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * tfjs-backend-wasm has no Conv2DBackpropFilter, so a CNN head could not train on WASM
 * ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"). It does have
 * Conv3DBackpropFilterV2: a 2-D convolution is a 3-D one with depth 1, so the filter gradient is
 * computed by that kernel on [N, 1, H, W, C] views (reshapes share the data on WASM).
 */
export function registerWasmConv2dFilterGrad(): void {
  if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) return;
  const reshape = tf.getKernel(tf.Reshape, 'wasm').kernelFunc;
  const conv3d = tf.getKernel(tf.Conv3DBackpropFilterV2, 'wasm').kernelFunc;
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (dataFormat !== 'NHWC' || (pad !== 'same' && pad !== 'valid'))
      throw new Error(`Conv2DBackpropFilter on WASM: only NHWC with 'same' or 'valid' padding`);
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    const to5d = (t: TensorInfo) =>
      reshape({
        inputs: { x: t },
        backend,
        attrs: { shape: [t.shape[0]!, 1, t.shape[1]!, t.shape[2]!, t.shape[3]!] },
      }) as TensorInfo;
    const x5 = to5d(x);
    const dy5 = to5d(dy);
    const dw5 = conv3d({
      inputs: { x: x5, dy: dy5 },
      backend,
      attrs: {
        strides: [1, sh, sw],
        pad,
        filterShape: [1, ...filterShape],
      } as unknown as NamedAttrMap,
    }) as TensorInfo;
    const dw = reshape({
      inputs: { x: dw5 },
      backend,
      attrs: { shape: filterShape },
    }) as TensorInfo;
    for (const t of [x5, dy5, dw5]) (backend as tf.KernelBackend).disposeData(t.dataId);
    return dw;
  };
  tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc });
}
