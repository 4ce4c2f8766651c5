/**
 * A latent model's encoder in the unet worker (the manifest's `encoder`): image → latent in the
 * same ModelRuntime as the U-Net, run on every batch before noising: x0 = scale × encoder(image).
 */
import type { FeatureItem } from '../../src/core/features/batch';
import type { EncoderInfo } from '../../src/core/manifest/types';
import type { LoadedBackend } from '../ort/backend';
import { ModelRuntime } from '../ort/modelRuntime';
import { symbolicBatch } from './describeUnknownModel';

export interface LoadedEncoder {
  runtime: ModelRuntime;
  input: string;
  output: string;
  scale: number;
  /** The image it takes [C, S, S] and the latent it gives [c, s, s]. */
  image: readonly [number, number, number];
  latent: readonly [number, number, number];
}

/** Opens the encoder; its input and output default to the graph's only input and first output. */
export async function loadEncoder(
  backend: LoadedBackend,
  bytes: Uint8Array,
  info: EncoderInfo,
  image: { channels: number; size: number },
): Promise<LoadedEncoder> {
  const runtime = new ModelRuntime(backend, bytes, [], null, symbolicBatch(bytes), 2);
  const session = await runtime.session([]);
  const input = info.input ?? session.inputNames[0];
  const output = info.output ?? session.outputNames[0];
  if (!input || !session.inputNames.includes(input)) {
    throw new Error(`the encoder ${info.file} has no input ${input ?? ''}`);
  }
  if (!output || !session.outputNames.includes(output)) {
    throw new Error(`the encoder ${info.file} has no output ${output ?? ''}`);
  }
  const { channels: c, size: s } = info.latent;
  return {
    runtime,
    input,
    output,
    scale: info.scale,
    image: [image.channels, image.size, image.size],
    latent: [c, s, s],
  };
}

/** The latents of `items` (pixels [C, S, S] in the model's range), scaled, as new items. */
export async function encodeItems(
  enc: LoadedEncoder,
  items: readonly FeatureItem[],
): Promise<FeatureItem[]> {
  if (!items.length) return [];
  const [C, S] = enc.image;
  const per = C * S * S;
  const x = new Float32Array(items.length * per);
  items.forEach((item, i) => {
    if (item.x0.length !== per) {
      throw new RangeError(
        `item ${item.id} has ${item.x0.length} values, the encoder takes ${per}`,
      );
    }
    x.set(item.x0, i * per);
  });
  const out = await enc.runtime.forward(
    { [enc.input]: { data: x, dims: [items.length, C, S, S] } },
    [enc.output],
  );
  const r = out[enc.output]!;
  const want = [items.length, ...enc.latent];
  if (r.dims.join(',') !== want.join(',')) {
    throw new Error(
      `the encoder gave [${r.dims.join(', ')}]; its manifest says [${want.join(', ')}]`,
    );
  }
  const size = enc.latent[0] * enc.latent[1] * enc.latent[2];
  return items.map((item, i) => {
    const z = r.data.slice(i * size, (i + 1) * size);
    for (let k = 0; k < size; k++) z[k] = z[k]! * enc.scale;
    return { ...item, x0: z };
  });
}
