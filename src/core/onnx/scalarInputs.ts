/**
 * Rank-0 inputs. Some exports take the timestep as a scalar (diffusers' UNet2DConditionModel
 * traced with `timestep=torch.tensor(999)`), not one per batch item: such an input is fed one
 * value, which every item of the batch must share.
 */
import type { OnnxGraph } from './proto';

/** The real inputs (not initializers) whose declared shape is rank 0. */
export function scalarInputNames(graph: OnnxGraph): string[] {
  const inits = new Set(graph.initializers.map((t) => t.name));
  return graph.inputs
    .filter((i) => !inits.has(i.name) && i.shape !== undefined && i.shape.length === 0)
    .map((i) => i.name);
}

/**
 * The one value a scalar input `name` is fed for a batch whose items hold `values`: all of them
 * must be equal (an extract feeds one t to every image).
 */
export function sharedScalar(name: string, values: ArrayLike<number>): number {
  if (values.length === 0) throw new Error(`input '${name}' takes one value; none was given`);
  const v = values[0]!;
  for (let i = 1; i < values.length; i++) {
    if (values[i] !== v) {
      throw new Error(
        `input '${name}' is a scalar (rank 0): every item of a batch must share one value, got ${v} and ${values[i]}`,
      );
    }
  }
  return v;
}
