import type * as TF from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../../src/core/heads/optim';
import type { Tf } from './model';

/**
 * PyTorch's SGD (momentum, L2 weight decay added to the gradient) and Adam (with bias
 * correction, L2 weight decay added to the gradient), as tfjs ops. The gradients come from
 * tfjs's autodiff; this only applies the update rule, with the learning rate set per epoch.
 */
export class HeadOptimizer {
  private step = 0;
  private readonly m: TF.Tensor[];
  private readonly v: TF.Tensor[];

  constructor(
    private readonly tf: Tf,
    private readonly config: TrainConfig,
    params: TF.Tensor[],
  ) {
    this.m = params.map((p) => tf.zerosLike(p));
    this.v = config.optimizer === 'adam' ? params.map((p) => tf.zerosLike(p)) : [];
  }

  /** Returns the new parameters; the old ones and the old state are disposed. */
  apply(params: TF.Tensor[], grads: TF.Tensor[], lr: number): TF.Tensor[] {
    const tf = this.tf;
    const c = this.config;
    this.step += 1;
    const t = this.step;
    const next = tf.tidy(() =>
      params.map((p, i) => {
        let g = grads[i]!;
        if (c.weightDecay > 0) g = tf.add(g, tf.mul(p, c.weightDecay));
        if (c.optimizer === 'sgd') {
          const buf = tf.add(tf.mul(this.m[i]!, c.momentum), g);
          return { p: tf.sub(p, tf.mul(buf, lr)), m: buf, v: buf };
        }
        const b1 = 0.9;
        const b2 = 0.999;
        const m = tf.add(tf.mul(this.m[i]!, b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i]!, b2), tf.mul(tf.square(g), 1 - b2));
        const stepSize = lr / (1 - Math.pow(b1, t));
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - Math.pow(b2, t))), 1e-8);
        return { p: tf.sub(p, tf.mul(tf.div(m, denom), stepSize)), m, v };
      }),
    );
    const out: TF.Tensor[] = [];
    next.forEach((n, i) => {
      params[i]!.dispose();
      this.m[i]!.dispose();
      this.m[i] = n.m;
      if (c.optimizer === 'adam') {
        this.v[i]!.dispose();
        this.v[i] = n.v;
      }
      out.push(n.p);
    });
    return out;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
