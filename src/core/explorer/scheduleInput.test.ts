import { describe, expect, it } from 'vitest';
import { classifyPickedFiles, DEFAULT_SCHEDULE_INPUT, parseScheduleInput } from './scheduleInput';

describe('schedule input', () => {
  it("defaults to the paper's schedule", () => {
    expect(parseScheduleInput(DEFAULT_SCHEDULE_INPUT)).toEqual({
      ok: true,
      schedule: { kind: 'linear', T: 1000, betaStart: 0.0001, betaEnd: 0.02 },
    });
  });
  it('says what is wrong', () => {
    const bad = (patch: Partial<typeof DEFAULT_SCHEDULE_INPUT>) => {
      const r = parseScheduleInput({ ...DEFAULT_SCHEDULE_INPUT, ...patch });
      return r.ok ? 'ok' : r.error;
    };
    expect(bad({ T: '10.5' })).toMatch(/^T must be a whole number/);
    expect(bad({ T: '' })).toMatch(/^T must/);
    expect(bad({ betaStart: 'abc' })).toMatch(/^β start/);
    expect(bad({ betaEnd: '1.5' })).toMatch(/^β end/);
    expect(bad({ betaStart: '0.03' })).toBe('β start must be less than β end.');
    expect(bad({ T: ' 250 ' })).toBe('ok');
  });
  it('takes only T for a cosine schedule (the β fields are not read)', () => {
    expect(
      parseScheduleInput({ ...DEFAULT_SCHEDULE_INPUT, kind: 'cosine', T: '4000', betaStart: 'x' }),
    ).toEqual({ ok: true, schedule: { kind: 'cosine', T: 4000 } });
    const r = parseScheduleInput({ ...DEFAULT_SCHEDULE_INPUT, kind: 'cosine', T: '1' });
    expect(r.ok ? 'ok' : r.error).toMatch(/^T must be a whole number/);
  });
  it('sorts picked files into a model and a manifest', () => {
    expect(classifyPickedFiles(['unet.onnx'])).toEqual({
      ok: true,
      onnx: 'unet.onnx',
      manifest: null,
    });
    expect(classifyPickedFiles(['manifest.json', 'Model.ONNX'])).toEqual({
      ok: true,
      onnx: 'Model.ONNX',
      manifest: 'manifest.json',
    });
    expect(classifyPickedFiles(['a.png'])).toMatchObject({ ok: false });
    expect(classifyPickedFiles(['a.onnx', 'b.onnx'])).toEqual({
      ok: false,
      error: 'Pick one .onnx file at a time.',
    });
    // A latent model, its encoder and the manifest that names which is which.
    expect(classifyPickedFiles(['model.onnx', 'encoder.onnx', 'manifest.json'])).toMatchObject({
      ok: true,
      manifest: 'manifest.json',
    });
    expect(classifyPickedFiles(['a.onnx', 'b.onnx', 'c.onnx', 'manifest.json'])).toMatchObject({
      ok: false,
    });
  });
});
