import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateManifest } from './validate';

/** The latent pair's manifest (test/fixtures/latent-pair, from tools/ latent_pair.py). */
const FIXTURE = new URL('../../../test/fixtures/latent-pair/manifest.json', import.meta.url);
const base = (): Record<string, unknown> & { encoder: Record<string, unknown> } =>
  JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown> & {
    encoder: Record<string, unknown>;
  };

const errorsOf = (edit: (m: ReturnType<typeof base>) => void): string[] => {
  const m = base();
  edit(m);
  const v = validateManifest(m);
  return v.ok ? [] : v.errors;
};

describe('manifest encoder (latent diffusion)', () => {
  it('accepts the latent pair fixture and keeps the encoder', () => {
    const v = validateManifest(base());
    expect(v.ok).toBe(true);
    if (v.ok) {
      expect(v.manifest.encoder).toMatchObject({
        file: 'encoder.onnx',
        scale: 0.5,
        latent: { channels: 4, size: 16 },
      });
    }
  });

  it('requires the scale and the latent shape, and a positive scale', () => {
    expect(errorsOf((m) => delete m.encoder.scale)).toEqual(['encoder.scale: is required']);
    expect(errorsOf((m) => delete m.encoder.latent)).toEqual(['encoder.latent: is required']);
    expect(errorsOf((m) => (m.encoder.scale = 0))[0]).toMatch(/^encoder\.scale: /);
    expect(errorsOf((m) => (m.encoder.sha256 = 'abc'))[0]).toMatch(/^encoder\.sha256: /);
    expect(errorsOf((m) => (m.encoder.file = '../x.onnx'))[0]).toMatch(/^encoder\.file: /);
  });

  it('refuses the model file as its own encoder, and an encoder on a classifier', () => {
    expect(errorsOf((m) => (m.encoder.file = 'model.onnx'))).toEqual([
      "encoder.file: 'model.onnx' is the model file itself",
    ]);
    const onClassifier = errorsOf((m) => {
      m.kind = 'classifier';
      m.classes = ['a'];
      m.outputs = { logits: 'eps' };
      delete m.schedule;
    });
    expect(onClassifier).toContain('encoder: only a diffusion model takes latents');
  });
});
