/** What crosses the CKA worker's boundary: representations, matrix options and results, maps. */
import type { GramKernel } from '../core/cka/gramDots';

export interface CkaRepresentation {
  /** n×d row-major. */
  data: Float32Array | Float64Array;
  d: number;
}

export type CkaDevice = 'auto' | 'cpu' | 'webgpu';

export interface CkaMatrixOptions {
  method: 'linear' | 'minibatch';
  /** Rows per minibatch (minibatch only). */
  batchSize: number;
  /** 'auto': WebGPU for the linear form when a device is there, else the CPU. */
  device: CkaDevice;
  /** CPU threads for the linear products (default: the machine's cores, when memory can be shared). */
  threads?: number;
  /**
   * The CPU kernel: 'auto' (default) is WebAssembly SIMD with f32 products and float64 sums
   * where it runs, else plain JS in float64; 'wasm-f64' and 'js' are float64 throughout.
   */
  kernel?: 'auto' | GramKernel;
}

export interface CkaMatrixResult {
  /** m×m, row-major, symmetric. */
  values: Float64Array;
  /** Where the products ran. */
  ranOn: 'cpu' | 'webgpu';
  /** Why (e.g. which adapter, or why not the GPU). */
  note: string;
  /** The CPU kernel that computed the products (absent on WebGPU and for minibatch CKA). */
  kernel?: GramKernel;
  ms: number;
  /** CPU threads only: ms until every thread held its centred copy, and threads started for it. */
  threads?: { count: number; setupMs: number; started: number };
}

export interface CkaProgress {
  done: number;
  stage: string;
}

export interface PcaMap {
  /** n×2 row-major. */
  points: Float64Array;
  /** Share of the variance of PC1 and PC2. */
  explained: [number, number];
  /** Leave-one-out 5-NN accuracy on the full features: how well they separate the classes. */
  knn: number;
}

export interface UmapMap {
  /** n×2 row-major. */
  points: Float64Array;
  knn: number;
}
