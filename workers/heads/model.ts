import type * as TF from '@tensorflow/tfjs-core';
import './gradients';
import type { NamedParam } from '../../src/core/heads/init';
import { paramShapes } from '../../src/core/heads/spec';
import type { AttentionSpec } from '../../src/core/heads/spec';
import type { HeadShape } from '../../src/protocol/heads';

export type { HeadShape } from '../../src/protocol/heads';

/** The tfjs namespace (passed in, so the same code runs in the worker and in Node tests). */
export type Tf = typeof TF;

export type ParamMap = Record<string, TF.Tensor>;

export function paramNames(h: HeadShape): string[] {
  return paramShapes(h.spec, h.channels, h.classes).map((s) => s.name);
}

export function toTensors(tf: Tf, params: NamedParam[]): TF.Tensor[] {
  return params.map((p) => tf.tensor(p.data, p.shape, 'float32'));
}

function dense(tf: Tf, x: TF.Tensor2D, p: ParamMap, name: string): TF.Tensor2D {
  return tf.add(tf.matMul(x, p[`${name}.w`] as TF.Tensor2D), p[`${name}.b`]!) as TF.Tensor2D;
}

function layerNorm(tf: Tf, x: TF.Tensor, g: TF.Tensor, b: TF.Tensor): TF.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
}

/** GELU, tanh approximation (tfjs-core has no GELU op). */
function gelu(tf: Tf, x: TF.Tensor): TF.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

function attentionLogits(
  tf: Tf,
  spec: AttentionSpec,
  channels: number,
  x: TF.Tensor2D,
  p: ParamMap,
): TF.Tensor2D {
  const n = x.shape[0];
  const L = spec.pool * spec.pool;
  const w = spec.width;
  const H = spec.heads;
  const dh = w / H;
  // LayerNorm over the whole [C, p, p] map, as torch.nn.LayerNorm([C, p, p]).
  const normed = layerNorm(tf, x, tf.reshape(p['ln_in.g']!, [-1]), tf.reshape(p['ln_in.b']!, [-1]));
  // 1×1 convolution = the same dense layer on every position's channel vector.
  const tokens = tf.reshape(tf.transpose(tf.reshape(normed, [n, channels, L]), [0, 2, 1]), [
    n * L,
    channels,
  ]);
  const proj = tf.reshape(dense(tf, tokens as TF.Tensor2D, p, 'proj'), [n, L, w]);
  const cls = tf.tile(p['cls']!, [n, 1, 1]);
  let h: TF.Tensor = tf.add(tf.concat([cls, proj], 1), p['pos']!);
  const L1 = L + 1;
  for (let i = 1; i <= spec.depth; i++) {
    const pre = `block${i}`;
    const a = tf.reshape(layerNorm(tf, h, p[`${pre}.ln1.g`]!, p[`${pre}.ln1.b`]!), [n * L1, w]);
    const qkv = tf.transpose(
      tf.reshape(dense(tf, a as TF.Tensor2D, p, `${pre}.qkv`), [n, L1, 3, H, dh]),
      [2, 0, 3, 1, 4],
    );
    const [q, k, v] = tf.unstack(qkv, 0).map((t) => tf.reshape(t, [n * H, L1, dh])) as [
      TF.Tensor3D,
      TF.Tensor3D,
      TF.Tensor3D,
    ];
    const scores = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)));
    const ctx = tf.reshape(
      tf.transpose(tf.reshape(tf.matMul(scores, v), [n, H, L1, dh]), [0, 2, 1, 3]),
      [n * L1, w],
    );
    h = tf.add(h, tf.reshape(dense(tf, ctx as TF.Tensor2D, p, `${pre}.out`), [n, L1, w]));
    const m = tf.reshape(layerNorm(tf, h, p[`${pre}.ln2.g`]!, p[`${pre}.ln2.b`]!), [n * L1, w]);
    const hidden = gelu(tf, dense(tf, m as TF.Tensor2D, p, `${pre}.mlp1`));
    h = tf.add(h, tf.reshape(dense(tf, hidden as TF.Tensor2D, p, `${pre}.mlp2`), [n, L1, w]));
  }
  const clsOut = tf.reshape(tf.slice(h, [0, 0, 0], [n, 1, w]), [n, w]);
  const final = layerNorm(tf, clsOut, p['ln_out.g']!, p['ln_out.b']!) as TF.Tensor2D;
  return dense(tf, final, p, 'fc');
}

/** Class logits [n, K] of a head for feature rows x [n, C·p·p]. */
export function headLogits(tf: Tf, head: HeadShape, params: ParamMap, x: TF.Tensor2D): TF.Tensor2D {
  const { spec, channels } = head;
  const n = x.shape[0];
  const P = spec.pool;
  switch (spec.kind) {
    case 'linear':
      return dense(tf, x, params, 'fc');
    case 'mlp': {
      let h = x;
      spec.hidden.forEach((_, i) => {
        h = tf.relu(dense(tf, h, params, `hidden${i + 1}`));
      });
      return dense(tf, h, params, 'fc');
    }
    case 'cnn': {
      // [n, C, p, p] → NHWC for tfjs's conv2d; flattened back in H, W, C order for the dense layer.
      let h = tf.transpose(tf.reshape(x, [n, channels, P, P]), [0, 2, 3, 1]) as TF.Tensor4D;
      spec.channels.forEach((_, i) => {
        const conv = tf.conv2d(h, params[`conv${i + 1}.w`] as TF.Tensor4D, 1, 'same');
        h = tf.relu(tf.add(conv, params[`conv${i + 1}.b`]!)) as TF.Tensor4D;
      });
      return dense(tf, tf.reshape(h, [n, -1]), params, 'fc');
    }
    case 'attention':
      return attentionLogits(tf, spec, channels, x, params);
  }
}

/** Mean softmax cross-entropy of logits [n, K] against integer labels [n]. */
export function crossEntropy(tf: Tf, logits: TF.Tensor2D, labels: TF.Tensor1D): TF.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits) as TF.Scalar;
}

export function asMap(names: string[], tensors: TF.Tensor[]): ParamMap {
  const out: ParamMap = {};
  names.forEach((name, i) => (out[name] = tensors[i]!));
  return out;
}
