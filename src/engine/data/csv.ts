import { MAX_INPUT_FEATURES, MAX_POOL_SIZE } from '../experiment/index.ts';
import { MAX_MEMORY_BYTES } from '../experiment/memory.ts';

/**
 * A tabular dataset from a CSV file: a header row, numeric feature columns and one label
 * column (by default the last). Labels may be words or integers; classes are numbered in
 * the order their labels first appear, and that mapping is kept to be shown. Untrusted
 * input: every problem is one message naming its row and column, never an exception.
 */
export interface CsvTable {
  /** Every column's name, in file order. */
  columns: string[];
  /** The feature columns' names, in file order. */
  features: string[];
  labelColumn: string;
  /** Class i's label as written in the file, in first-seen order. */
  classLabels: string[];
  /** Row-major features, rows × features.length. */
  x: Float32Array;
  /** Each row's class index. */
  y: Int32Array;
  rows: number;
}

export type CsvRead = { ok: true; table: CsvTable } | { ok: false; error: string };

export interface CsvOptions {
  /** The label column by header name or 0-based index; default the last column. */
  labelColumn?: string | number;
}

/** The largest float32: a cell beyond it would become Infinity on the device. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Bounds on what a CSV may hold: the spec's own, so a loaded file can always be run. */
export const CSV_LIMITS = {
  maxRows: MAX_POOL_SIZE,
  maxFeatures: MAX_INPUT_FEATURES,
  maxClasses: 100,
  /**
   * Feature cells (rows × features) at most: 512 MB of float32, the data's share of the
   * memory budget. Checked as rows arrive, so a wide header cannot size a huge array.
   */
  maxCells: MAX_MEMORY_BYTES / 4 / 4,
} as const;

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Where the reader is in the text. */
interface Cursor {
  text: string;
  at: number;
}

function skipBlanks(text: string, at: number): number {
  let i = at;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  return i;
}

/**
 * Reads one record at the cursor as RFC 4180 has it (a quoted field may hold commas, line
 * ends and "" for a quote) and moves past its line end. At most `maxCells` cells are split
 * (one more is enough to know a row is too long). A string is why the record is not valid.
 */
function readRecord(cursor: Cursor, row: number, maxCells: number): string[] | string {
  const { text } = cursor;
  const cells: string[] = [];
  let i = cursor.at;
  for (;;) {
    const column = cells.length + 1;
    const start = skipBlanks(text, i);
    if (text.charCodeAt(start) === QUOTE) {
      let value = '';
      let from = start + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) return `Row ${row} has an unclosed quote.`;
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) !== QUOTE) {
          i = skipBlanks(text, close + 1);
          break;
        }
        value += '"';
        from = close + 2;
      }
      const next = text.charCodeAt(i);
      if (i < text.length && next !== COMMA && next !== CR && next !== LF) {
        return `Row ${row}, column ${column}: text follows a closing quote ("${value.slice(0, 20)}"${text.slice(i, i + 10).split(/[\r\n,]/)[0]}…). Quote the whole cell and double any quote inside it ("a""b").`;
      }
      cells.push(value);
    } else {
      let end = i;
      for (; end < text.length; end++) {
        const c = text.charCodeAt(end);
        if (c === COMMA || c === CR || c === LF) break;
        if (c === QUOTE) {
          return `Row ${row}, column ${column}: a quote inside an unquoted cell (${text.slice(i, end + 1).slice(0, 30)}…). Quote the whole cell and double any quote inside it ("a""b").`;
        }
      }
      cells.push(text.slice(i, end).trim());
      i = end;
    }
    const next = text.charCodeAt(i);
    if (next === COMMA && cells.length <= maxCells) {
      i++;
      continue;
    }
    if (next === COMMA) {
      // Too many cells already: skip the rest of the line unsplit.
      const lineEnd = text.slice(i).search(/\r|\n/);
      i = lineEnd < 0 ? text.length : i + lineEnd;
    }
    if (text.charCodeAt(i) === CR) i++;
    if (text.charCodeAt(i) === LF) i++;
    cursor.at = i;
    return cells;
  }
}

function isBlankRecord(cells: string[]): boolean {
  return cells.length === 1 && cells[0] === '';
}

export interface CsvProgressOptions extends CsvOptions {
  /** Called every few thousand rows with the share of the text read (0 to 1). */
  onProgress?: (fraction: number) => void;
}

const PROGRESS_EVERY_ROWS = 4096;

/** Reads a CSV's text into a table, or says exactly what is wrong with it. */
export function readCsv(text: string, options: CsvProgressOptions = {}): CsvRead {
  const fail = (error: string): CsvRead => ({ ok: false, error });
  const cursor: Cursor = { text, at: text.charCodeAt(0) === 0xfeff ? 1 : 0 };
  if (text.slice(cursor.at).trim() === '') return fail('The file is empty.');
  const header = readRecord(cursor, 1, CSV_LIMITS.maxFeatures + 1);
  if (typeof header === 'string') return fail(header.replace('Row 1', 'Row 1 (the header)'));
  if (header.length - 1 > CSV_LIMITS.maxFeatures) {
    return fail(
      `The file has more than ${CSV_LIMITS.maxFeatures} feature columns; at most ${CSV_LIMITS.maxFeatures} are allowed.`,
    );
  }
  if (header.some((name) => name === '')) {
    return fail(`Row 1 (the header) has an empty column name (column ${header.indexOf('') + 1}).`);
  }
  if (header.every((name) => Number.isFinite(Number(name)))) {
    return fail('Row 1 holds only numbers: the file needs a header row naming its columns.');
  }
  if (new Set(header).size !== header.length) {
    const repeated = header.find((name, i) => header.indexOf(name) !== i);
    return fail(`Row 1 (the header) names the column "${repeated}" twice.`);
  }
  if (header.length < 2)
    return fail('The file needs at least one feature column and a label column.');
  const labelIndex = labelIndexOf(header, options.labelColumn);
  if (typeof labelIndex === 'string') return fail(labelIndex);

  const features = header.filter((_, i) => i !== labelIndex);
  const width = features.length;
  const maxRows = Math.min(CSV_LIMITS.maxRows, Math.floor(CSV_LIMITS.maxCells / width));
  // Grown as rows arrive: memory follows the rows the file holds, not what its header claims.
  let x = new Float32Array(0);
  let y = new Int32Array(0);
  const classOf = new Map<string, number>();
  let rows = 0;
  while (cursor.at < text.length) {
    const rowNumber = rows + 2;
    const cells = readRecord(cursor, rowNumber, header.length);
    if (typeof cells === 'string') return fail(cells);
    if (isBlankRecord(cells) && text.slice(cursor.at).trim() === '') break;
    if (cells.length !== header.length) {
      return fail(
        `Row ${rowNumber} has ${cells.length > header.length ? 'more' : cells.length} cells where the header has ${header.length} columns.`,
      );
    }
    if (rows === maxRows) {
      return fail(
        rows === CSV_LIMITS.maxRows
          ? `The file has more than ${CSV_LIMITS.maxRows} rows; at most ${CSV_LIMITS.maxRows} are allowed.`
          : `The file has more than ${rows} rows of ${width} features: at most ${CSV_LIMITS.maxCells} feature cells (rows × features) are allowed.`,
      );
    }
    if (rows * width === x.length) {
      const capacity = Math.min(maxRows, Math.max(256, rows * 2));
      x = grown(x, capacity * width);
      y = grown(y, capacity);
    }
    let f = rows * width;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c] as string;
      if (c === labelIndex) {
        if (cell === '') return fail(`Row ${rowNumber} has no label (column "${header[c]}").`);
        if (!classOf.has(cell)) {
          if (classOf.size === CSV_LIMITS.maxClasses) {
            return fail(`The label column has more than ${CSV_LIMITS.maxClasses} classes.`);
          }
          classOf.set(cell, classOf.size);
        }
        y[rows] = classOf.get(cell) as number;
        continue;
      }
      const value = cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(value)) {
        return fail(
          `Row ${rowNumber}, column "${header[c]}": "${cell.slice(0, 40)}" is not a number.`,
        );
      }
      if (Math.abs(value) > FLOAT32_MAX) {
        return fail(
          `Row ${rowNumber}, column "${header[c]}": ${cell.slice(0, 40)} is beyond the range of 32-bit floats (±3.4e38), where training computes.`,
        );
      }
      x[f++] = value;
    }
    rows++;
    if (rows % PROGRESS_EVERY_ROWS === 0) options.onProgress?.(cursor.at / text.length);
  }
  if (rows === 0) return fail('The file has a header but no rows.');
  if (classOf.size < 2) {
    return fail(`The label column "${header[labelIndex]}" holds only one class: nothing to learn.`);
  }
  return {
    ok: true,
    table: {
      columns: header,
      features,
      labelColumn: header[labelIndex] as string,
      classLabels: [...classOf.keys()],
      x: x.length === rows * width ? x : x.slice(0, rows * width),
      y: y.length === rows ? y : y.slice(0, rows),
      rows,
    },
  };
}

function grown<T extends Float32Array | Int32Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  return bigger;
}

function labelIndexOf(header: string[], column: string | number | undefined): number | string {
  if (column === undefined) return header.length - 1;
  if (typeof column === 'number') {
    return Number.isInteger(column) && column >= 0 && column < header.length
      ? column
      : `There is no column ${column + 1}: the file has ${header.length}.`;
  }
  const index = header.indexOf(column);
  return index >= 0
    ? index
    : `There is no column named "${column}" (columns: ${header.join(', ')}).`;
}

/**
 * Standardizes features to zero mean and unit variance with statistics of the training
 * rows only (held-out rows must not leak into them); constant columns are centred only.
 * Returns new arrays and the statistics used.
 */
export function standardize(
  table: Pick<CsvTable, 'x' | 'features'>,
  trainingRows: readonly number[],
): { x: Float32Array; mean: Float64Array; std: Float64Array } {
  const width = table.features.length;
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (const r of trainingRows) {
    for (let f = 0; f < width; f++)
      mean[f] = (mean[f] as number) + (table.x[r * width + f] as number);
  }
  for (let f = 0; f < width; f++) mean[f] = (mean[f] as number) / Math.max(1, trainingRows.length);
  for (const r of trainingRows) {
    for (let f = 0; f < width; f++) {
      const d = (table.x[r * width + f] as number) - (mean[f] as number);
      std[f] = (std[f] as number) + d * d;
    }
  }
  for (let f = 0; f < width; f++) {
    const s = Math.sqrt((std[f] as number) / Math.max(1, trainingRows.length));
    std[f] = s > 0 ? s : 1;
  }
  const x = new Float32Array(table.x.length);
  for (let i = 0; i < x.length; i++) {
    const f = i % width;
    x[i] = ((table.x[i] as number) - (mean[f] as number)) / (std[f] as number);
  }
  return { x, mean, std };
}
