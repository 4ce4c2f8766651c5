import type { TrainConfig } from './optim';

/**
 * PyTorch's SGD (momentum, dampening 0, L2 weight decay added to the gradient) and Adam (bias
 * correction, eps 1e-8 outside the corrected square root, L2 weight decay added to the
 * gradient) on float32 parameters with float64 gradients and state, in place — the same rules as workers/heads/optimizer.ts applies
 * with tfjs ops. The state starts at zero, so SGD's first buffer is the gradient, as in PyTorch.
 */
export class TypedOptimizer {
  private step = 0;
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];

  constructor(
    private readonly config: Pick<TrainConfig, 'optimizer' | 'momentum' | 'weightDecay'>,
    sizes: number[],
  ) {
    this.m = sizes.map((n) => new Float64Array(n));
    this.v = config.optimizer === 'adam' ? sizes.map((n) => new Float64Array(n)) : [];
  }

  /** One step: params[i] -= update(grads[i]) with learning rate `lr`. */
  apply(params: Float32Array[], grads: Float64Array[], lr: number): void {
    const wd = this.config.weightDecay;
    this.step += 1;
    if (this.config.optimizer === 'sgd') {
      const mu = this.config.momentum;
      params.forEach((p, i) => {
        const g = grads[i]!;
        const m = this.m[i]!;
        for (let j = 0; j < p.length; j++) {
          const buf = mu * m[j]! + (g[j]! + wd * p[j]!);
          m[j] = buf;
          p[j]! -= lr * buf;
        }
      });
      return;
    }
    const b1 = 0.9;
    const b2 = 0.999;
    const stepSize = lr / (1 - Math.pow(b1, this.step));
    const sqrtBias2 = Math.sqrt(1 - Math.pow(b2, this.step));
    params.forEach((p, i) => {
      const g = grads[i]!;
      const m = this.m[i]!;
      const v = this.v[i]!;
      for (let j = 0; j < p.length; j++) {
        const gj = g[j]! + wd * p[j]!;
        const mj = b1 * m[j]! + (1 - b1) * gj;
        const vj = b2 * v[j]! + (1 - b2) * gj * gj;
        m[j] = mj;
        v[j] = vj;
        p[j]! -= (stepSize * mj) / (Math.sqrt(vj) / sqrtBias2 + 1e-8);
      }
    });
  }
}
