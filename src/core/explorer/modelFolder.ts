/**
 * A model folder dropped whole (a converter's output, or a copy of public/models/<id>/) holds
 * more than the model: READMEs, sample images, probe tables. These are the files to load: the
 * one .onnx, its manifest (manifest.json, or the only .json), and the files that can hold
 * external weights (.data, .bin, .onnx_data, .weights, or no extension).
 */

const WEIGHTS = /\.(data|bin|onnx_data|weights)$/i;

function base(path: string): string {
  return path.split('/').pop() ?? path;
}

/** The paths of a dropped folder's files that make up the model (see the module comment). */
export function modelFilesOfFolder(paths: readonly string[]): string[] {
  const visible = paths.filter((p) => !base(p).startsWith('.'));
  const json = visible.filter((p) => /\.json$/i.test(p));
  const manifest =
    json.find((p) => base(p).toLowerCase() === 'manifest.json') ??
    (json.length === 1 ? json[0] : undefined);
  return visible.filter(
    (p) => /\.onnx$/i.test(p) || p === manifest || WEIGHTS.test(p) || !base(p).includes('.'),
  );
}
