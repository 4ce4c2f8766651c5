/**
 * The blocks diffprobe proposes for a model without a manifest, for the user to review (and
 * rename) before it loads; and the names the user gave them.
 */

export interface ReviewBlock {
  /** 1-based, in paper order (encoder, middle, decoder). */
  index: number;
  stage: 'encoder' | 'middle' | 'decoder' | 'layer';
  /** The proposed name (a module path, or e.g. 'encoder 3' without module paths). */
  name: string;
  /** The tensor that holds the block's activation. */
  output: string;
  /** For a decoder block, the encoder block its skip connection reads. */
  mirror?: number;
  /** Resolution relative to the input as a power of two (0 same, −1 half); null: unknown. */
  level?: number | null;
}

export interface BlockReview {
  /** The .onnx file's name. */
  file: string;
  /** How the blocks were found: block_<n> outputs, module paths, the skips alone, or none. */
  source: 'outputs' | 'module-paths' | 'skips' | 'none';
  /** The naming recognised: adm, diffusers, or generic (any numbered lists of modules). */
  style: 'adm' | 'diffusers' | 'generic' | null;
  blocks: ReviewBlock[];
  /** Why no blocks were found. */
  reason?: string;
}

/** Names the user gave blocks, by the block's output tensor. */
export type BlockNames = Record<string, string>;
