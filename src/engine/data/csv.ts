import { MAX_INPUT_FEATURES, MAX_POOL_SIZE } from '../experiment/index.ts';

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

/** Bounds on what a CSV may hold: the spec's own, so a loaded file can always be run. */
export const CSV_LIMITS = {
  maxRows: MAX_POOL_SIZE,
  maxFeatures: MAX_INPUT_FEATURES,
  maxClasses: 100,
} as const;

/** Splits one line on commas, honouring double quotes ("a, b" and "" for a quote). */
function splitLine(line: string): string[] | undefined {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === ',') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += c;
    }
  }
  if (quoted) return undefined;
  cells.push(cell.trim());
  return cells;
}

/** Reads a CSV's text into a table, or says exactly what is wrong with it. */
export function readCsv(text: string, options: CsvOptions = {}): CsvRead {
  const fail = (error: string): CsvRead => ({ ok: false, error });
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  while (lines.length > 0 && (lines.at(-1) as string).trim() === '') lines.pop();
  if (lines.length === 0) return fail('The file is empty.');
  const header = splitLine(lines[0] as string);
  if (!header) return fail('Row 1 (the header) has an unclosed quote.');
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
  if (header.length - 1 > CSV_LIMITS.maxFeatures) {
    return fail(
      `The file has ${header.length - 1} feature columns; at most ${CSV_LIMITS.maxFeatures} are allowed.`,
    );
  }
  const labelIndex = labelIndexOf(header, options.labelColumn);
  if (typeof labelIndex === 'string') return fail(labelIndex);

  const rows = lines.length - 1;
  if (rows === 0) return fail('The file has a header but no rows.');
  if (rows > CSV_LIMITS.maxRows) {
    return fail(`The file has ${rows} rows; at most ${CSV_LIMITS.maxRows} are allowed.`);
  }
  const features = header.filter((_, i) => i !== labelIndex);
  const x = new Float32Array(rows * features.length);
  const y = new Int32Array(rows);
  const classOf = new Map<string, number>();
  for (let r = 0; r < rows; r++) {
    const rowNumber = r + 2;
    const cells = splitLine(lines[r + 1] as string);
    if (!cells) return fail(`Row ${rowNumber} has an unclosed quote.`);
    if (cells.length !== header.length) {
      return fail(
        `Row ${rowNumber} has ${cells.length} cells where the header has ${header.length} columns.`,
      );
    }
    let f = 0;
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
        y[r] = classOf.get(cell) as number;
        continue;
      }
      const value = cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(value)) {
        return fail(
          `Row ${rowNumber}, column "${header[c]}": "${cell.slice(0, 40)}" is not a number.`,
        );
      }
      x[r * features.length + f] = value;
      f++;
    }
  }
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
      x,
      y,
      rows,
    },
  };
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
