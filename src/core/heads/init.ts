import { normalArray, uniformArray, makeRng } from './random';
import { paramShapes, shapeSize } from './spec';
import type { HeadSpec } from './spec';

export interface NamedParam {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * A head's starting weights, a pure function of (spec, input, classes, seed): PyTorch's
 * defaults (U(±1/√fanIn) for linear and conv layers, LayerNorm 1/0, ViT tokens N(0, 0.02)).
 */
export function initParams(
  spec: HeadSpec,
  channels: number,
  classes: number,
  seed: number,
): NamedParam[] {
  const rng = makeRng(seed);
  return paramShapes(spec, channels, classes).map((s) => {
    const n = shapeSize(s.shape);
    let data: Float32Array;
    if (s.init.kind === 'fan') {
      const bound = 1 / Math.sqrt(s.init.fanIn);
      data = uniformArray(n, -bound, bound, rng);
    } else if (s.init.kind === 'normal') data = normalArray(n, s.init.std, rng);
    else data = new Float32Array(n).fill(s.init.value);
    return { name: s.name, shape: [...s.shape], data };
  });
}
