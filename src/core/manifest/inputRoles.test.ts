import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../onnx/build';
import { ELEM_FLOAT, parseModel } from '../onnx/model';
import {
  assignRoles,
  describeInput,
  graphInputs,
  unfillable,
  unfillableMessage,
  type GraphInput,
} from './inputRoles';
import type { ModelManifest } from './types';
import { validateManifest } from './validate';

const ELEM_INT64 = 7;
/** The converted guided-diffusion fixture's manifest (x, t; linear schedule). */
const tiny = (): ModelManifest =>
  JSON.parse(
    readFileSync(
      new URL('../../../test/fixtures/guided-tiny/manifest.json', import.meta.url),
      'utf8',
    ),
  ) as ModelManifest;

const errorsOf = (edit: (m: ModelManifest) => void): string[] => {
  const m = tiny();
  edit(m);
  const r = validateManifest(m);
  return r.ok ? [] : r.errors;
};

/** A graph with inputs x [B,3,8,8], t [B], y int64 [B], ctx float [B,77,768], mask float [B,4]. */
function graphWithExtras(): GraphInput[] {
  const bytes = buildModel({
    graph: {
      nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['eps'] }],
      inputs: [
        { name: 'x', shape: ['batch', 3, 8, 8] },
        { name: 't', shape: ['batch'] },
        { name: 'y', elemType: ELEM_INT64, shape: ['batch'] },
        { name: 'ctx', shape: ['batch', 77, 768] },
        { name: 'mask', elemType: ELEM_FLOAT, shape: ['batch', 4] },
        { name: 'w', shape: [1] }, // has a default (initializer): not a real input
      ],
      outputs: [{ name: 'eps', shape: ['batch', 3, 8, 8] }],
      initializers: [{ name: 'w', dims: [1], data: new Float32Array([1]) }],
    },
  });
  return graphInputs(parseModel(bytes).graph);
}

describe('manifest: schedule kinds and conditioning inputs', () => {
  it('accepts a cosine schedule without betas and a class input with its count', () => {
    expect(
      errorsOf((m) => {
        m.schedule = { kind: 'cosine', T: 1000, s: 0.008, maxBeta: 0.999 };
        m.inputs.conditioning = [{ name: 'y', role: 'class', dtype: 'int64', classes: 1000 }];
      }),
    ).toEqual([]);
  });

  it('refuses betas on a cosine schedule and a linear one without them', () => {
    expect(
      errorsOf((m) => (m.schedule = { kind: 'cosine', T: 10, betaStart: 1e-4 } as never)),
    ).toEqual(['schedule.betaStart: a cosine schedule has no betaStart (its betas follow ᾱ(t))']);
    expect(errorsOf((m) => (m.schedule = { kind: 'linear', T: 10, s: 0.008 } as never))).toEqual([
      'schedule.betaStart: is required for a linear schedule',
      'schedule.betaEnd: is required for a linear schedule',
      'schedule.s: belongs to a cosine schedule, not a linear one',
    ]);
    expect(errorsOf((m) => (m.schedule = { kind: 'sqrt', T: 10 } as never))).toEqual([
      "schedule.kind: must be one of 'linear', 'cosine'",
    ]);
  });

  it('checks each conditioning input against its role', () => {
    expect(
      errorsOf((m) => {
        m.inputs.conditioning = [
          { name: 'x', role: 'other', dtype: 'float32' },
          { name: 'y', role: 'class', dtype: 'float32' },
          { name: 'ctx', role: 'context', dtype: 'int64', shape: [77], classes: 3 },
        ];
      }),
    ).toEqual([
      "inputs.conditioning[0].name: 'x' is already an input above",
      'inputs.conditioning[1].dtype: class labels are integers (int64 or int32)',
      'inputs.conditioning[1].classes: is required for a class input',
      'inputs.conditioning[2].dtype: a context input is float (float32 or float16)',
      'inputs.conditioning[2].shape: a context input needs its per-sample shape [L, D]',
      'inputs.conditioning[2].classes: only a class input has a class count',
    ]);
    expect(
      errorsOf(
        (m) => (m.inputs.conditioning = [{ name: 'y', role: 'label', dtype: 'int64' }] as never),
      ),
    ).toEqual(["inputs.conditioning[0].role: must be one of 'class', 'context', 'other'"]);
  });
});

describe('input roles', () => {
  it('guesses roles from dtype and rank when there is no manifest', () => {
    const roles = assignRoles(graphWithExtras(), undefined, { image: 'x', timestep: 't' });
    expect(roles.map((r) => [r.name, r.role])).toEqual([
      ['x', 'sample'],
      ['t', 'timestep'],
      ['y', 'class'],
      ['ctx', 'context'],
      ['mask', 'other'],
    ]);
    expect(roles[3]!.contextShape).toEqual([77, 768]);
    expect(describeInput(roles[2]!)).toBe('int64 [batch]');
  });

  it('takes the roles a manifest declares; inputs it does not name are other', () => {
    const m = tiny();
    m.inputs.conditioning = [
      { name: 'y', role: 'class', dtype: 'int64', classes: 10 },
      { name: 'ctx', role: 'context', dtype: 'float32', shape: [77, 768] },
    ];
    const roles = assignRoles(graphWithExtras(), m);
    expect(roles.map((r) => r.role)).toEqual(['sample', 'timestep', 'class', 'context', 'other']);
    expect(roles[2]!.classes).toBe(10);
  });

  it('names every input nothing can fill and says what to supply', () => {
    const m = tiny();
    m.inputs.conditioning = [{ name: 'y', role: 'class', dtype: 'int64', classes: 10 }];
    const roles = assignRoles(graphWithExtras(), m);
    const app = unfillable(roles, 'app');
    // The app fills the class input (class picker); ctx is not declared, so it is `other`.
    expect(app.map((r) => r.name)).toEqual(['ctx', 'mask']);
    const msg = unfillableMessage('cond.onnx', app, 'app');
    expect(msg).toContain("cond.onnx has 2 inputs that nothing fills — input 'ctx'");
    expect(msg).toContain(
      "input 'mask' (float32 [batch, 4], role other): diffprobe cannot fill it",
    );
    // The CLI fills class and context inputs it was given values for; `other` never.
    const cli = unfillable(roles, 'cli', new Set(['y']));
    expect(cli.map((r) => r.name)).toEqual(['ctx', 'mask']);
    expect(unfillableMessage('m.onnx', cli.slice(0, 1), 'cli')).toBe(
      "m.onnx has an input that nothing fills — input 'ctx' (float32 [batch, 77, 768], role other): " +
        'diffprobe cannot fill it: export the model without this input (or with a default value inside the graph), or declare it in manifest.json under inputs.conditioning as a class or context input.',
    );
  });

  it('lets the app fill class inputs and context inputs of known shape, never other', () => {
    const roles = assignRoles(graphWithExtras(), undefined, { image: 'x', timestep: 't' });
    expect(unfillable(roles, 'app').map((r) => r.name)).toEqual(['mask']);
    const noShape = roles.map((r) => (r.name === 'ctx' ? { ...r, contextShape: undefined } : r));
    const missing = unfillable(noShape, 'app');
    expect(missing.map((r) => r.name)).toEqual(['ctx', 'mask']);
    expect(unfillableMessage('m.onnx', missing.slice(0, 1), 'app')).toContain(
      'declare it in manifest.json (inputs.conditioning, role context, shape [L, D])',
    );
  });

  it('finds nothing to fill in a model with only x and t', () => {
    const roles = assignRoles(graphWithExtras().slice(0, 2), tiny());
    expect(unfillable(roles, 'app')).toEqual([]);
  });
});
