/**
 * A tiny text-conditional U-Net shaped like a diffusers export (UNet2DConditionModel through
 * torch.onnx.export): inputs `sample` [batch, 1, 16, 16] (or 4 channels, a latent), `timestep` and `encoder_hidden_states`
 * [batch, 77, 32]; output `out_sample`; node names with diffusers module paths (`/conv_in/…`,
 * `/down_blocks.N/resnets.M/…`, `/mid_block/…`, `/up_blocks.N/…`, `/conv_out/…`) and skip
 * Concats. The context changes the features: down_blocks.1's attention adds a linear map of the
 * mean over L of encoder_hidden_states, and mid_block adds another.
 */
import { buildModel, type InitializerSpec, type NodeSpec } from '../src/core/onnx/build';

/**
 * How the timestep comes in, as diffusers exports differ: a rank-0 scalar (int64 or float32),
 * or one per batch item [batch] (float32 or int64).
 */
export type DiffusersTimestep = 'scalar-int64' | 'scalar-float' | 'batch-float' | 'batch-int64';

/** Context length and width: as CLIP's 77 tokens, narrower. */
export const CONTEXT_SHAPE = [77, 32] as const;
/** The sample's side (1 channel). */
export const SAMPLE_SIZE = 16;

/** A deterministic pseudo-random weight tensor in [−scale, scale]. */
function weights(n: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}

/**
 * The model; `channels` is the sample's channel count (1: an image; 4: a latent, as Stable
 * Diffusion's U-Net takes).
 */
export function diffusersModel(
  timestep: DiffusersTimestep = 'batch-float',
  channels: 1 | 4 = 1,
): Uint8Array {
  const [L, D] = CONTEXT_SHAPE;
  const S = SAMPLE_SIZE;
  const int = timestep.endsWith('int64');
  const inits: InitializerSpec[] = [];
  let seed = 1;
  const w = (name: string, dims: number[], scale = 0.4) => {
    inits.push({
      name,
      dims,
      data: weights(
        dims.reduce((a, b) => a * b, 1),
        seed++,
        scale,
      ),
    });
    return name;
  };
  const i64 = (name: string, v: number[]) => {
    const data = new Uint8Array(BigInt64Array.from(v.map(BigInt)).buffer);
    inits.push({ name, dims: [v.length], elemType: 7, data });
    return name;
  };
  const nodes: NodeSpec[] = [];
  const node = (name: string, opType: string, inputs: string[], output: string, attrs = {}) => {
    const attributes = Object.entries(attrs).map(([k, v]) =>
      typeof v === 'number' ? { name: k, i: v } : { name: k, ints: v as number[] },
    );
    nodes.push({ name, opType, inputs, outputs: [output], attributes });
    return output;
  };
  const conv = (scope: string, x: string, cin: number, cout: number, stride = 1) =>
    node(
      `${scope}/Conv`,
      'Conv',
      [
        x,
        w(`${scope}.weight`, [cout, cin, 3, 3], 1 / Math.sqrt(cin * 9)),
        w(`${scope}.bias`, [cout], 0.1),
      ],
      `${scope}/Conv_output_0`,
      { pads: [1, 1, 1, 1], strides: [stride, stride] },
    );
  const relu = (scope: string, x: string) =>
    node(`${scope}/Relu`, 'Relu', [x], `${scope}/Relu_output_0`);
  const add = (scope: string, a: string, b: string, k = '') =>
    node(`${scope}/Add${k}`, 'Add', [a, b], `${scope}/Add${k}_output_0`);

  // Time embedding as diffusers traces it: a scalar t is unsqueezed and expanded to the batch
  // (`timesteps[None].expand(sample.shape[0])`); then t[:, None] × freqs → [batch, 4, 1, 1].
  // (Fed a [batch] tensor instead, the scalar graph fails: [1, B] × [1, 4] does not broadcast.)
  const tf = int
    ? node('/time_proj/Cast', 'Cast', ['timestep'], '/time_proj/Cast_output_0', { to: 1 })
    : 'timestep';
  let tb = tf;
  if (timestep.startsWith('scalar')) {
    const tu = node('/Unsqueeze', 'Unsqueeze', [tf, i64('axes0', [0])], '/Unsqueeze_output_0');
    const batch = node('/Shape', 'Shape', ['sample'], '/Shape_output_0', { start: 0, end: 1 });
    tb = node('/Expand', 'Expand', [tu, batch], '/Expand_output_0');
  }
  const tcol = node(
    '/time_proj/Unsqueeze',
    'Unsqueeze',
    [tb, i64('axes1', [1])],
    '/time_proj/Unsqueeze_output_0',
  );
  const freqs = w('time_proj.freqs', [1, 4], 0.01);
  const tp = node('/time_proj/Mul', 'Mul', [tcol, freqs], '/time_proj/Mul_output_0');
  const temb = node(
    '/time_embedding/Reshape',
    'Reshape',
    [tp, i64('time_embedding.shape', [-1, 4, 1, 1])],
    '/time_embedding/Reshape_output_0',
  );

  // Context: the mean over L, [batch, D].
  const ctxProj = (scope: string, channels: number) => {
    const mean = node(
      `${scope}/ReduceMean`,
      'ReduceMean',
      ['encoder_hidden_states'],
      `${scope}/ReduceMean_output_0`,
      {
        axes: [1],
        keepdims: 0,
      },
    );
    const mm = node(
      `${scope}/MatMul`,
      'MatMul',
      [mean, w(`${scope}.to_k.weight`, [D, channels], 1)],
      `${scope}/MatMul_output_0`,
    );
    return node(
      `${scope}/Reshape`,
      'Reshape',
      [mm, i64(`${scope}.shape`, [-1, channels, 1, 1])],
      `${scope}/Reshape_output_0`,
    );
  };

  const h0 = conv('/conv_in', 'sample', channels, 4);
  // down_blocks.0: a resnet (with the time embedding) and a downsampler.
  const d0 = relu(
    '/down_blocks.0/resnets.0',
    add('/down_blocks.0/resnets.0', conv('/down_blocks.0/resnets.0/conv1', h0, 4, 4), temb),
  );
  const d0s = conv('/down_blocks.0/downsamplers.0/conv', d0, 4, 4, 2);
  // down_blocks.1: a resnet and a "cross-attention" that adds the projected context.
  const d1r = relu('/down_blocks.1/resnets.0', conv('/down_blocks.1/resnets.0/conv1', d0s, 4, 8));
  const d1 = add(
    '/down_blocks.1/attentions.0',
    d1r,
    ctxProj('/down_blocks.1/attentions.0/attn2', 8),
  );
  // mid_block: resnet + attention with the context again.
  const mr = relu('/mid_block/resnets.0', conv('/mid_block/resnets.0/conv1', d1, 8, 8));
  const m = add('/mid_block/attentions.0', mr, ctxProj('/mid_block/attentions.0/attn2', 8));
  // up_blocks.0: skip Concat with down_blocks.1, a resnet, an upsampler (nearest ×2 + conv).
  const c0 = node('/up_blocks.0/Concat', 'Concat', [m, d1], '/up_blocks.0/Concat_output_0', {
    axis: 1,
  });
  const u0 = relu('/up_blocks.0/resnets.0', conv('/up_blocks.0/resnets.0/conv1', c0, 16, 8));
  const up = node(
    '/up_blocks.0/upsamplers.0/Resize',
    'Resize',
    [u0, '', w('up_scales', [4], 0)],
    '/up_blocks.0/upsamplers.0/Resize_output_0',
  );
  // The scales initializer: [1, 1, 2, 2] (set below; weights() gave zeros at scale 0).
  inits[inits.length - 1] = { name: 'up_scales', dims: [4], data: new Float32Array([1, 1, 2, 2]) };
  const u0s = conv('/up_blocks.0/upsamplers.0/conv', up, 8, 4);
  // up_blocks.1: skip Concat with down_blocks.0 and a resnet.
  const c1 = node('/up_blocks.1/Concat', 'Concat', [u0s, d0], '/up_blocks.1/Concat_output_0', {
    axis: 1,
  });
  const u1 = relu('/up_blocks.1/resnets.0', conv('/up_blocks.1/resnets.0/conv1', c1, 8, 4));
  const out = conv('/conv_out', u1, 4, channels);
  nodes.push({
    name: '/conv_out/Identity',
    opType: 'Identity',
    inputs: [out],
    outputs: ['out_sample'],
  });

  return buildModel({
    graph: {
      name: 'main_graph',
      nodes,
      inputs: [
        { name: 'sample', shape: ['batch', channels, S, S] },
        {
          name: 'timestep',
          elemType: int ? 7 : 1,
          shape: timestep.startsWith('scalar') ? [] : ['batch'],
        },
        { name: 'encoder_hidden_states', shape: ['batch', L, D] },
      ],
      outputs: [{ name: 'out_sample', shape: ['batch', channels, S, S] }],
      initializers: inits,
    },
  });
}

/** A context [L, D] (or [N, L, D] with `n`) whose values are `value(row, i)`. */
export function contextData(value: (row: number, i: number) => number, n?: number): Float32Array {
  const per = CONTEXT_SHAPE[0] * CONTEXT_SHAPE[1];
  return Float32Array.from({ length: (n ?? 1) * per }, (_, k) =>
    value(Math.floor(k / per), k % per),
  );
}
