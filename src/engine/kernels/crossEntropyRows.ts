/**
 * Softmax cross-entropy over rows of logits, in double precision: the mean loss and the
 * hits, with d loss / d logits ((softmax − one-hot) / rows, stored as float32) written into
 * `dLogits`. Row r's label is `labels[batch[r]]`, or `labels[r]` without `batch`. Shared by
 * the typed cross-entropy kernel and the fused dense step, which must agree with each other
 * and with tfjs' float32 chain to rounding.
 */
export function softmaxCrossEntropyRows(
  logits: Float32Array,
  rows: number,
  classes: number,
  labels: ArrayLike<number>,
  dLogits: Float32Array,
  batch?: Int32Array,
): { loss: number; hits: number } {
  const perRow = Math.fround(1 / rows);
  let total = 0;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const offset = r * classes;
    // argMax as tfjs answers it: the first of equal maxima.
    let best = 0;
    let max = logits[offset] as number;
    for (let c = 1; c < classes; c++) {
      const v = logits[offset + c] as number;
      if (v > max) {
        max = v;
        best = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp((logits[offset + c] as number) - max);
    const label = labels[batch ? (batch[r] as number) : r] as number;
    if (best === label) hits++;
    total -= (logits[offset + label] as number) - max - Math.log(sum);
    for (let c = 0; c < classes; c++) {
      const p = Math.exp((logits[offset + c] as number) - max) / sum;
      dLogits[offset + c] = (p - (c === label ? 1 : 0)) * perRow;
    }
  }
  return { loss: total / rows, hits };
}
