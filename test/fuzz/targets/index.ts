/** Every fuzz target, in the order `npm run fuzz` runs them. */
import type { FuzzTarget } from '../harness';
import { cliArgs, cliBlocks } from './cliArgs';
import { headFile } from './head';
import { manifestJson } from './manifest';
import { npyBytes, npyRoundTrip } from './npy';
import { onnxBytes, onnxRoundTrip } from './onnx';
import { pngBytes, pngRoundTrip } from './png';
import { urlState } from './url';
import { zipBytes } from './zip';

export const TARGETS: readonly FuzzTarget<never>[] = [
  onnxBytes,
  onnxRoundTrip,
  pngBytes,
  pngRoundTrip,
  zipBytes,
  npyBytes,
  npyRoundTrip,
  manifestJson,
  headFile,
  urlState,
  cliArgs,
  cliBlocks,
] as FuzzTarget<never>[];
