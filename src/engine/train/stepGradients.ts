import * as tf from '@tensorflow/tfjs';
import { fusedCrossEntropy, hasFusedCrossEntropy } from '../kernels/softmaxCrossEntropy.ts';
import { applyActivation } from '../models/activation.ts';
import type { Activation } from '../experiment/index.ts';

/** One training step's loss, hits and gradients (call inside tf.tidy). */
export interface StepGradients {
  /** Mean loss over the batch. */
  loss: tf.Scalar;
  /** Samples of the batch the step's forward pass classified right (float32). */
  hits: tf.Scalar;
  /** By weight name, for optimizer.applyGradients. */
  grads: tf.NamedTensorMap;
}

export type StepGradientsFn = (
  x: tf.Tensor,
  labels: tf.Tensor1D,
  targets: tf.Tensor,
) => StepGradients;

/** The general step: tfjs' automatic differentiation through the layers model. */
export function autodiffStep(model: tf.LayersModel, weights: tf.Variable[]): StepGradientsFn {
  return (x, labels, targets) => {
    let hits: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor;
      // The step's own forward pass classifies its batch: counting the hits here is what
      // lets most epochs skip the full fit check.
      hits = tf.keep(tf.equal(logits.argMax(-1), labels).sum().toFloat() as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
    }, weights);
    // Kept past variableGrads' own scope; hand the caller's scope a tensor it owns.
    const counted = (hits as tf.Scalar).clone();
    (hits as tf.Scalar).dispose();
    return { loss: value, hits: counted, grads };
  };
}

/**
 * The step of a plain MLP or linear classifier (dense layers, the spec's activation between
 * them), written out: forward as fused matMul + bias (+ ReLU), the loss, its gradient and the
 * hits as one kernel, and backpropagation as two products and a sum per layer. About 20
 * kernels where tfjs' automatic differentiation issues about 70 (most of them identities,
 * reshapes and casts), which is what a small model's step costs on the CPU backends. The
 * same mathematics: the gradients agree with autodiffStep's to float rounding (a test holds
 * them and the probes' outcomes equal). `weights` alternate kernel, bias, layer by layer.
 */
export function denseStep(weights: tf.Variable[], activation: Activation): StepGradientsFn {
  const layers = Array.from({ length: weights.length / 2 }, (_, i) => ({
    kernel: weights[2 * i] as tf.Variable,
    bias: weights[2 * i + 1] as tf.Variable,
  }));
  const fusedRelu = activation === 'relu';
  return (x, labels) => {
    const batch = x.shape[0] as number;
    // Each layer's input, and for hidden layers the pre-activation the backward pass needs.
    const inputs: tf.Tensor2D[] = [x.reshape([batch, -1]) as tf.Tensor2D];
    const preActivations: tf.Tensor2D[] = [];
    layers.forEach(({ kernel, bias }, i) => {
      const a = inputs[i] as tf.Tensor2D;
      const hidden = i < layers.length - 1;
      if (hidden && fusedRelu) {
        inputs.push(
          tf.fused.matMul({ a, b: kernel as tf.Tensor2D, bias, activation: 'relu' }) as tf.Tensor2D,
        );
      } else {
        const z = tf.fused.matMul({ a, b: kernel as tf.Tensor2D, bias }) as tf.Tensor2D;
        if (hidden) {
          preActivations[i] = z;
          inputs.push(applyActivation(z, activation) as tf.Tensor2D);
        } else {
          inputs.push(z);
        }
      }
    });
    const logits = inputs[layers.length] as tf.Tensor2D;
    const { loss, dLogits, hits } = fusedCrossEntropy(logits, labels);

    const grads: tf.NamedTensorMap = {};
    let delta: tf.Tensor2D = dLogits;
    for (let i = layers.length - 1; i >= 0; i--) {
      const { kernel, bias } = layers[i] as (typeof layers)[number];
      grads[kernel.name] = tf.matMul(inputs[i] as tf.Tensor2D, delta, true, false);
      grads[bias.name] = delta.sum(0);
      if (i === 0) break;
      const dHidden = tf.matMul(delta, kernel as tf.Tensor2D, false, true) as tf.Tensor2D;
      delta = activationBackward(dHidden, i - 1);
    }
    return { loss, hits, grads };

    /** d loss / d pre-activation of hidden layer `layer`, from d loss / d its output. */
    function activationBackward(dOutput: tf.Tensor2D, layer: number): tf.Tensor2D {
      if (activation === 'linear') return dOutput;
      if (fusedRelu) return dOutput.mul(tf.step(inputs[layer + 1] as tf.Tensor2D));
      const z = preActivations[layer] as tf.Tensor2D;
      return tf.grads((input: tf.Tensor) => applyActivation(input, activation))(
        [z],
        dOutput,
      )[0] as tf.Tensor2D;
    }
  };
}

/** The written-out dense step where its fused loss kernel runs (cpu, wasm), else autodiff. */
export function stepGradientsFor(
  model: tf.LayersModel,
  weights: tf.Variable[],
  dense: { activation: Activation } | undefined,
): StepGradientsFn {
  return dense && hasFusedCrossEntropy()
    ? denseStep(weights, dense.activation)
    : autodiffStep(model, weights);
}
