import type { DataSpec } from '../experiment/index.ts';
import type { UserSource } from './catalog.ts';

/**
 * What the user's data is, in a few facts and words: what the form shows, what a spec
 * records, and how two files differ. Plain data and strings, so the page can show them
 * without loading the readers (readUserData in userData.ts).
 */
/** What a loaded file is, as the form shows it and a spec records it. */
export interface UserDataSummary {
  source: UserSource;
  file: string;
  sha256: string;
  rows: number;
  classes: number;
  /** Class i's label as the data names it (first-seen order for csv, folder names sorted). */
  classNames: string[];
  inputShape: number[];
  /** csv: every column, in file order (one is the label column). */
  columns: string[];
  labelColumn?: string;
}

/**
 * How a loaded file differs from the one a spec names, for people ("it has 150 rows, the
 * experiment's wine.csv has 178"); undefined when it is the same data.
 */
export function describeDataMismatch(
  expected: Pick<DataSpec, 'file' | 'sha256' | 'rows' | 'classes' | 'inputShape'>,
  loaded: UserDataSummary,
): string | undefined {
  if (loaded.sha256 === expected.sha256) {
    const shape = loaded.inputShape.join(',') === expected.inputShape.join(',');
    return shape && loaded.classes === expected.classes
      ? undefined
      : `${loaded.file} is the right data, but read as ${describeSummary(loaded)} where the experiment expects ${expected.classes} classes and inputs [${expected.inputShape.join(', ')}]`;
  }
  const differences = [
    loaded.rows !== expected.rows ? `${loaded.rows} rows, not ${expected.rows}` : undefined,
    loaded.classes !== expected.classes
      ? `${loaded.classes} classes, not ${expected.classes}`
      : undefined,
    loaded.source === 'csv' && loaded.inputShape[0] !== expected.inputShape[0]
      ? `${loaded.inputShape[0]} features, not ${expected.inputShape[0]}`
      : undefined,
  ].filter((difference) => difference !== undefined);
  const what = differences.length > 0 ? differences.join(', ') : 'the same size but other values';
  return `${loaded.file} is not the data this experiment was made with: it has ${what} (SHA-256 ${loaded.sha256.slice(0, 12)}…, expected ${expected.file ?? 'a file'} with ${(expected.sha256 ?? '').slice(0, 12)}…)`;
}

/** "178 rows, 13 features, 3 classes" or "120 images 28×28×1, 4 classes". */
export function describeSummary(
  summary: Pick<UserDataSummary, 'source' | 'rows' | 'classes' | 'inputShape'>,
): string {
  return summary.source === 'csv'
    ? `${summary.rows} rows, ${summary.inputShape[0]} features, ${summary.classes} classes`
    : `${summary.rows} images ${summary.inputShape.join('×')}, ${summary.classes} classes`;
}
