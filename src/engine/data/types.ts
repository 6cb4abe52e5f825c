import type { DataSpec } from '../spec/index.ts';

/** Samples stored row-major: sample i occupies x[i * features .. (i + 1) * features). */
export interface LabeledSamples {
  x: Float32Array;
  y: Int32Array;
  count: number;
}

/**
 * What every data source delivers: a pool the search draws its nested subsets from, and a
 * held-out test split that always carries true labels.
 */
export interface Dataset {
  inputShape: number[];
  classes: number;
  pool: LabeledSamples;
  test: LabeledSamples;
  /** One line for people: what the data is and where it came from. */
  description: string;
}

/** A source of inputs with their true labels; label modes are applied on top (labels.ts). */
export interface DataSource {
  /** Draws `count` samples with true labels; `seed` fixes them. */
  sample(spec: DataSpec, count: number, seed: number): Promise<LabeledSamples>;
  describe(spec: DataSpec): string;
}

export function featureCount(inputShape: readonly number[]): number {
  return inputShape.reduce((a, b) => a * b, 1);
}
