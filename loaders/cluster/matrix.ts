/** A dense row-major matrix of doubles: the one layout every hot loop of the engine works on. */

export interface Matrix {
  /** rows * cols values, row i at [i * cols, (i + 1) * cols) */
  data: Float64Array;
  rows: number;
  cols: number;
}

/** A rows x cols matrix of zeros. */
export function zeros(rows: number, cols: number): Matrix {
  return { data: new Float64Array(rows * cols), rows, cols };
}

/** Builds a matrix from columns of equal length. */
export function fromColumns(columns: readonly ArrayLike<number>[]): Matrix {
  const cols = columns.length;
  const rows = cols ? columns[0].length : 0;
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const column = columns[j];
    for (let i = 0; i < rows; i++) data[i * cols + j] = column[i];
  }
  return { data, rows, cols };
}

/** The selected rows, in the given order (duplicates allowed: bootstrap resamples). */
export function takeRows(m: Matrix, index: ArrayLike<number>): Matrix {
  const { cols } = m;
  const data = new Float64Array(index.length * cols);
  for (let r = 0; r < index.length; r++) data.set(m.data.subarray(index[r] * cols, index[r] * cols + cols), r * cols);
  return { data, rows: index.length, cols };
}

/** Squared Euclidean distance between row i of `a` and row j of `b` (both with `cols` columns). */
export function sqDist(a: Float64Array, i: number, b: Float64Array, j: number, cols: number): number {
  let s = 0;
  const oa = i * cols;
  const ob = j * cols;
  for (let c = 0; c < cols; c++) {
    const t = a[oa + c] - b[ob + c];
    s += t * t;
  }
  return s;
}
