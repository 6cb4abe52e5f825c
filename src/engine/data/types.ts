/**
 * Samples stored row-major: sample i occupies x[i * features .. (i + 1) * features).
 * Float32 values are used as they are; uint8 values are raw pixels (see Dataset.pixels).
 */
export interface LabeledSamples {
  x: Float32Array | Uint8Array;
  y: Int32Array;
  count: number;
}

/**
 * What a run trains on: a pool the search draws its nested subsets from, and a held-out
 * test split that always carries true labels.
 */
export interface Dataset {
  inputShape: number[];
  classes: number;
  pool: LabeledSamples;
  test: LabeledSamples;
  /**
   * Set when x holds uint8 pixels: they are uploaded as they are and normalized on the
   * backend to (x / 255 - mean) / std, so the JS side never holds a float copy.
   */
  pixels?: { mean: number; std: number };
  /** One line for people: what the data is and where it came from. */
  description: string;
}

export function featureCount(inputShape: readonly number[]): number {
  return inputShape.reduce((a, b) => a * b, 1);
}
