/**
 * The vocabulary of ONNX ModelProto files as diffprobe reads them: field numbers, data types and
 * the parsed shapes of a model's messages (graph, nodes, values, initializers), each with the
 * byte range it came from. Field numbers follow onnx/onnx.proto (IR version 10).
 */
/** Field numbers of onnx.proto messages (only those diffprobe reads or writes). */
export const F = {
  Model: {
    irVersion: 1,
    producerName: 2,
    producerVersion: 3,
    domain: 4,
    modelVersion: 5,
    docString: 6,
    graph: 7,
    opsetImport: 8,
    metadataProps: 14,
    trainingInfo: 20,
    functions: 25,
  },
  OperatorSetId: { domain: 1, version: 2 },
  Graph: {
    node: 1,
    name: 2,
    initializer: 5,
    docString: 10,
    input: 11,
    output: 12,
    valueInfo: 13,
    quantizationAnnotation: 14,
    sparseInitializer: 15,
  },
  Node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, docString: 6, domain: 7 },
  Attribute: {
    name: 1,
    f: 2,
    i: 3,
    s: 4,
    t: 5,
    g: 6,
    floats: 7,
    ints: 8,
    strings: 9,
    tensors: 10,
    graphs: 11,
    type: 20,
  },
  ValueInfo: { name: 1, type: 2, docString: 3 },
  Type: { tensorType: 1, sequenceType: 4, mapType: 5, sparseTensorType: 8, optionalType: 9 },
  TypeTensor: { elemType: 1, shape: 2 },
  TensorShape: { dim: 1 },
  Dimension: { dimValue: 1, dimParam: 2, denotation: 3 },
  Tensor: {
    dims: 1,
    dataType: 2,
    floatData: 4,
    int32Data: 5,
    stringData: 6,
    int64Data: 7,
    name: 8,
    rawData: 9,
    doubleData: 10,
    uint64Data: 11,
    externalData: 13,
    dataLocation: 14,
  },
  SparseTensor: { values: 1, indices: 2, dims: 3 },
  StringStringEntry: { key: 1, value: 2 },
  TensorAnnotation: { tensorName: 1 },
} as const;

/** TensorProto.DataType → the dtype names onnxruntime uses. */
const DTYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

/** Bits per element of each data type (0: variable, e.g. string). */
const ELEM_BITS: Record<number, number> = {
  1: 32,
  2: 8,
  3: 8,
  4: 16,
  5: 16,
  6: 32,
  7: 64,
  8: 0,
  9: 8,
  10: 16,
  11: 64,
  12: 32,
  13: 64,
  14: 64,
  15: 128,
  16: 16,
  17: 8,
  18: 8,
  19: 8,
  20: 8,
  21: 4,
  22: 4,
  23: 4,
};

/** ONNX elem type code for float32. */
export const ELEM_FLOAT = 1;

/** The dtype name of an ONNX elem type ('float32', 'int64', …; 'undefined' for 0). */
export function dtypeName(elemType: number): string {
  return DTYPES[elemType] ?? (elemType === 0 ? 'undefined' : `type${elemType}`);
}

/** The ONNX elem type code of a dtype name (inverse of `dtypeName`), or undefined. */
export function elemTypeOf(dtype: string): number | undefined {
  for (const [k, v] of Object.entries(DTYPES)) if (v === dtype) return Number(k);
  return undefined;
}

/** Bytes per element of an elem type (fractional for 4-bit types; 0 for strings / unknown). */
export function elemBytes(elemType: number): number {
  return (ELEM_BITS[elemType] ?? 0) / 8;
}

/** A file that is not an ONNX model, or an ONNX model that cannot be read. */
export class OnnxParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OnnxParseError';
  }
}

/** A half-open byte range [start, end) in the model's bytes. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** A tensor dimension: a size, a symbolic name (e.g. 'batch'), or null when neither is given. */
export type Dim = number | string | null;

export interface OpsetImport {
  readonly domain: string;
  readonly version: number;
}

/** A graph input, output or value_info entry. */
export interface ValueInfo {
  readonly name: string;
  /** ONNX elem type (1 = float32); 0 when the entry has no tensor type. */
  readonly elemType: number;
  /** `dtypeName(elemType)`. */
  readonly dtype: string;
  /** The shape, or undefined when the type states no shape (rank unknown). */
  readonly shape: readonly Dim[] | undefined;
  /** The ValueInfoProto field, tag included. */
  readonly range: ByteRange;
}

/** A node attribute; only scalar values are decoded. */
export interface AttributeInfo {
  readonly name: string;
  /** AttributeProto.AttributeType (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, …, 10 GRAPHS). */
  readonly type: number;
  readonly i?: number;
  readonly f?: number;
  readonly s?: string;
  readonly ints?: readonly number[];
  /** Byte ranges of nested graphs (attribute g or graphs), as GraphProto content ranges. */
  readonly graphs: readonly ByteRange[];
}

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly AttributeInfo[];
  /** The NodeProto field in the graph, tag included. */
  readonly range: ByteRange;
}

/** Where an initializer's data lives when the model was saved with external data. */
export interface ExternalData {
  /** File path relative to the model file. */
  readonly location: string;
  readonly offset: number;
  /** Length in bytes, when stated. */
  readonly length: number | undefined;
  readonly checksum: string | undefined;
}

export interface InitializerInfo {
  readonly name: string;
  readonly dataType: number;
  readonly dtype: string;
  readonly dims: readonly number[];
  /** Number of elements: the product of dims. */
  readonly count: number;
  /** Bytes of data (stored or external). */
  readonly bytes: number;
  /** The raw_data content range within the model bytes, when stored as raw_data. */
  readonly rawData: ByteRange | undefined;
  /** Set when data_location is EXTERNAL. */
  readonly external: ExternalData | undefined;
  /** The TensorProto field, tag included. */
  readonly range: ByteRange;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly valueInfo: readonly ValueInfo[];
  readonly initializers: readonly InitializerInfo[];
  /** Total bytes of initializer data. */
  readonly parameterBytes: number;
  /** Total number of initializer elements (product of dims, summed). */
  readonly parameterCount: number;
  /** The graph field in the model, tag included. */
  readonly range: ByteRange;
  /** The GraphProto content (after tag and length). */
  readonly contentRange: ByteRange;
}

export interface OnnxModel {
  /** The bytes the model was parsed from (not copied). */
  readonly bytes: Uint8Array;
  readonly irVersion: number;
  readonly opsetImports: readonly OpsetImport[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly graph: OnnxGraph;
}
