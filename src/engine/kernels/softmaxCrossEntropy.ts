import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropyRows } from './crossEntropyRows.ts';
import { hasTypedKernel, registerTypedKernel, runTypedKernel } from './typedKernel.ts';

/**
 * Softmax cross-entropy of a batch of logits against integer labels, its gradient and the
 * batch's hits, in one pass: what tf.losses.softmaxCrossEntropy (mean over the batch, one-hot
 * targets), its gradient ((softmax - one-hot) / batch) and argMax == label compute in about
 * thirty tfjs kernels between them. The arithmetic runs in double precision and is stored
 * as float32, so it agrees with tfjs' float32 chain to rounding. cpu and wasm only.
 */
const CROSS_ENTROPY = 'EmcSoftmaxCrossEntropy';

registerTypedKernel<Record<string, never>>({
  name: CROSS_ENTROPY,
  outputShapes: ([logitsShape]) => [[], logitsShape as number[], []],
  compute: ([logits, labels], [loss, dLogits, hits], [shape]) => {
    const [rows, classes] = shape as [number, number];
    const result = softmaxCrossEntropyRows(
      logits as Float32Array,
      rows,
      classes,
      labels as unknown as Int32Array,
      dLogits as Float32Array,
    );
    (loss as Float32Array)[0] = result.loss;
    (hits as Float32Array)[0] = result.hits;
  },
});

export interface CrossEntropyStep {
  /** Mean loss over the batch (a float32 scalar). */
  loss: tf.Scalar;
  /** d loss / d logits. */
  dLogits: tf.Tensor2D;
  /** Samples whose largest logit is their label (a float32 scalar). */
  hits: tf.Scalar;
}

export function hasFusedCrossEntropy(): boolean {
  return hasTypedKernel(CROSS_ENTROPY);
}

export function fusedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): CrossEntropyStep {
  const [loss, dLogits, hits] = runTypedKernel(CROSS_ENTROPY, {
    logits,
    labels: labels.dtype === 'int32' ? labels : labels.toInt(),
  });
  return {
    loss: loss as tf.Scalar,
    dLogits: dLogits as tf.Tensor2D,
    hits: hits as tf.Scalar,
  };
}
