/**
 * NumPy .npy files (format versions 1.0, 2.0 and 3.0): little-endian, C-order arrays of a few
 * numeric dtypes. See numpy/lib/format.py for the format.
 */

export type NpyDtype = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'float16';

/** A parsed array. float16 data is widened to Float32Array; int64 stays BigInt64Array. */
export type NpyArray =
  | { dtype: 'float32' | 'float16'; shape: number[]; data: Float32Array }
  | { dtype: 'float64'; shape: number[]; data: Float64Array }
  | { dtype: 'int64'; shape: number[]; data: BigInt64Array }
  | { dtype: 'int32'; shape: number[]; data: Int32Array }
  | { dtype: 'uint8'; shape: number[]; data: Uint8Array };

export type NpyEncodable = Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
/** NumPy (≥ 1.24) leaves room in the header for the first axis to grow to 21 digits. */
const GROWTH_AXIS_MAX_DIGITS = 21;

const DESCR: Record<string, { dtype: NpyDtype; size: number }> = {
  f4: { dtype: 'float32', size: 4 },
  f8: { dtype: 'float64', size: 8 },
  i8: { dtype: 'int64', size: 8 },
  i4: { dtype: 'int32', size: 4 },
  u1: { dtype: 'uint8', size: 1 },
  f2: { dtype: 'float16', size: 2 },
};

/** A .npy file that cannot be read: the message names the problem. */
export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

/** Deepest nesting of dicts, tuples and lists in a header (NumPy's own headers nest 2 deep). */
const MAX_HEADER_DEPTH = 16;
/** Largest axis length, so a shape's product stays an exact integer. */
const MAX_AXIS = Number.MAX_SAFE_INTEGER;

function assertLittleEndianHost(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new NpyError('npy: big-endian hosts are not supported');
  }
}

// ---------- reading ----------

type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** Parses the Python literal NumPy writes as the header: a dict of strings, bools, int tuples. */
function parsePyLiteral(text: string): PyValue {
  let pos = 0;
  const fail = (what: string): never => {
    const shown = text.trim();
    throw new NpyError(
      `npy: cannot read the header at character ${pos} (${what}): ` +
        (shown.length > 200 ? `${shown.slice(0, 200)}…` : shown),
    );
  };
  const skip = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const token = /True|False|None|-?\d+L?/y;
  let depth = 0;
  const value = (): PyValue => {
    skip();
    const c = text[pos];
    if ((c === '{' || c === '(' || c === '[') && ++depth > MAX_HEADER_DEPTH) {
      fail(`nested more than ${MAX_HEADER_DEPTH} deep`);
    }
    if (c === '{') {
      pos++;
      const obj: { [key: string]: PyValue } = Object.create(null) as { [key: string]: PyValue };
      for (;;) {
        skip();
        if (text[pos] === '}') break;
        const key = value();
        if (typeof key !== 'string') fail('a dict key must be a string');
        skip();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
        obj[key as string] = value();
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') fail("expected ',' or '}'");
      }
      pos++;
      depth--;
      return obj;
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      pos++;
      const items: PyValue[] = [];
      for (;;) {
        skip();
        if (text[pos] === close) break;
        items.push(value());
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== close) fail(`expected ',' or '${close}'`);
      }
      pos++;
      depth--;
      return items;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, pos + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(pos + 1, end);
      pos = end + 1;
      return s;
    }
    // A sticky match at pos: no copy of the rest of the header per token.
    token.lastIndex = pos;
    const m = token.exec(text);
    if (!m) return fail('unexpected token');
    pos += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0].replace('L', ''));
  };
  const v = value();
  skip();
  if (pos !== text.length) fail('trailing text');
  return v;
}

function readHeader(bytes: Uint8Array): { header: string; dataOffset: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError('npy: not a .npy file (the magic string \\x93NUMPY is missing)');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start: number;
  let len: number;
  if (major === 1) {
    start = 10;
    len = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError('npy: file ends inside the header');
    start = 12;
    len = view.getUint32(8, true);
  } else {
    throw new NpyError(`npy: format version ${major}.${bytes[7]} is not supported (1.0–3.0 are)`);
  }
  if (start + len > bytes.length) throw new NpyError('npy: file ends inside the header');
  const raw = bytes.subarray(start, start + len);
  let header = '';
  if (major === 3) header = new TextDecoder('utf-8').decode(raw);
  else for (const b of raw) header += String.fromCharCode(b); // latin-1
  return { header, dataOffset: start + len };
}

/** Converts IEEE half-precision bits to a number (exact). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Reads a .npy file. Throws an Error naming the problem for anything it cannot read. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  assertLittleEndianHost();
  const { header, dataOffset } = readHeader(bytes);
  const dict = parsePyLiteral(header);
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw new NpyError('npy: the header is not a dict');
  }
  const { descr, fortran_order: fortran, shape } = dict;
  if (typeof descr !== 'string') {
    throw new NpyError('npy: structured dtypes are not supported (descr is not a string)');
  }
  if (fortran === true) {
    throw new NpyError(
      'npy: Fortran-order arrays are not supported; save with np.ascontiguousarray',
    );
  }
  if (fortran !== false) throw new NpyError("npy: the header has no 'fortran_order'");
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0 && (d as number) <= MAX_AXIS)
  ) {
    throw new NpyError("npy: the header's 'shape' is not a tuple of sizes");
  }
  const m = /^([<>|=])(f2|f4|f8|i4|i8|u1)$/.exec(descr);
  const info = m ? DESCR[m[2]!] : undefined;
  if (!m || !info || (m[1] === '|' && info.size !== 1)) {
    throw new NpyError(
      `npy: dtype '${descr}' is not supported (use <f4, <f8, <f2, <i4, <i8 or |u1)`,
    );
  }
  if (m[1] === '>' && info.size > 1) {
    throw new NpyError(`npy: big-endian data ('${descr}') is not supported; save it as '<${m[2]}'`);
  }
  if (m[1] === '=' && info.size > 1) {
    throw new NpyError(`npy: native byte order ('${descr}') is ambiguous; save it as '<${m[2]}'`);
  }
  const dims = shape as number[];
  const count = dims.reduce((a, b) => a * b, 1);
  const nbytes = count * info.size;
  const found = bytes.length - dataOffset;
  if (found !== nbytes) {
    throw new NpyError(
      `npy: shape (${dims.join(', ')}) of '${descr}' needs ${nbytes} bytes of data, found ${found}`,
    );
  }
  const buf = bytes.slice(dataOffset).buffer;
  switch (info.dtype) {
    case 'float32':
      return { dtype: 'float32', shape: dims, data: new Float32Array(buf) };
    case 'float64':
      return { dtype: 'float64', shape: dims, data: new Float64Array(buf) };
    case 'int64':
      return { dtype: 'int64', shape: dims, data: new BigInt64Array(buf) };
    case 'int32':
      return { dtype: 'int32', shape: dims, data: new Int32Array(buf) };
    case 'uint8':
      return { dtype: 'uint8', shape: dims, data: new Uint8Array(buf) };
    case 'float16': {
      const half = new Uint16Array(buf);
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = halfToFloat(half[i]!);
      return { dtype: 'float16', shape: dims, data };
    }
  }
}

// ---------- writing ----------

/** The dtypes encodeNpy and npyHeader write. */
export type NpyWritableDtype = 'float32' | 'float64' | 'int32' | 'uint8' | 'int64';

const WRITE_DESCR: Record<NpyWritableDtype, string> = {
  float32: '<f4',
  float64: '<f8',
  int32: '<i4',
  uint8: '|u1',
  int64: '<i8',
};

function dtypeOf(data: NpyEncodable): NpyWritableDtype {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'uint8';
}

/**
 * The version 1.0 header of a .npy file (magic, length and dict, padded to a multiple of 64
 * bytes), byte for byte as NumPy ≥ 1.24's np.save writes it: spare spaces for the first axis to
 * grow to 21 digits, then spaces and '\n'. Its length does not depend on the first axis, so a
 * file can be streamed with a header for N = 0 and that header rewritten in place once N is known.
 */
export function npyHeader(dtype: NpyWritableDtype, shape: readonly number[]): Uint8Array {
  assertLittleEndianHost();
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new RangeError(`npy: shape [${shape.join(', ')}] must be integers ≥ 0`);
  }
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${WRITE_DESCR[dtype]}', 'fortran_order': False, 'shape': ${tuple}, }`;
  if (shape.length > 0) header += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  const hlen = header.length + 1;
  const padlen = ALIGN - ((MAGIC.length + 4 + hlen) % ALIGN);
  if (hlen + padlen > 0xffff) throw new RangeError('npy: header too long for format 1.0');
  header += ' '.repeat(padlen) + '\n';
  const out = new Uint8Array(10 + header.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

/** Writes a version 1.0 .npy file, byte for byte as NumPy ≥ 1.24's np.save does (npyHeader). */
export function encodeNpy(data: NpyEncodable, shape: readonly number[]): Uint8Array {
  const header = npyHeader(dtypeOf(data), shape);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new RangeError(
      `npy: shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`,
    );
  }
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}
