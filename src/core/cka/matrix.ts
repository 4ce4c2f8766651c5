/**
 * A labelled CKA matrix as the UI, the CLI and exports see it: rows × cols values (row-major),
 * a label per row and per column, and what was compared.
 */
export interface LabelledMatrix {
  /** e.g. "block × block at t = 90, pool 2". */
  title: string;
  rowLabels: string[];
  colLabels: string[];
  /** rows × cols, row-major. */
  values: Float64Array;
}

/** The sub-matrix of an m×m matrix at the given rows and columns. */
export function subMatrix(
  M: Float64Array,
  m: number,
  rows: readonly number[],
  cols: readonly number[],
): Float64Array {
  if (M.length !== m * m) throw new RangeError(`expected an ${m}×${m} matrix`);
  const out = new Float64Array(rows.length * cols.length);
  rows.forEach((r, i) => {
    if (r < 0 || r >= m) throw new RangeError(`row ${r} is outside 0..${m - 1}`);
    cols.forEach((c, j) => {
      if (c < 0 || c >= m) throw new RangeError(`column ${c} is outside 0..${m - 1}`);
      out[i * cols.length + j] = M[r * m + c]!;
    });
  });
  return out;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV: a header row (an empty corner, then the column labels), then one row per row label with
 * its values (full precision; NaN as an empty field). Lines end with \n.
 */
export function matrixToCsv(m: LabelledMatrix, digits = 17): string {
  const cols = m.colLabels.length;
  if (m.values.length !== m.rowLabels.length * cols) {
    throw new RangeError(
      `${m.values.length} values do not form a ${m.rowLabels.length}×${cols} matrix`,
    );
  }
  const lines = [['', ...m.colLabels].map(csvField).join(',')];
  m.rowLabels.forEach((label, i) => {
    const row = [csvField(label)];
    for (let j = 0; j < cols; j++) {
      const v = m.values[i * cols + j]!;
      row.push(Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : '');
    }
    lines.push(row.join(','));
  });
  return lines.join('\n') + '\n';
}

/** Smallest and largest finite value (0, 1 when there is none). */
export function finiteRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}
