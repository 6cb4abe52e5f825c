import * as tf from '@tensorflow/tfjs';
import { fusedCrossEntropy, hasFusedCrossEntropy } from '../kernels/softmaxCrossEntropy.ts';
import { col2im3x3, im2col3x3 } from '../kernels/im2col.ts';
import { maxPool2x2Grad } from '../kernels/maxPoolGrad.ts';
import { applyActivation } from '../models/activation.ts';
import type { CnnLayout } from '../models/cnn.ts';
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
      // With ReLU fused into the product, no pre-activation is kept: its derivative is
      // read off the output.
      delta = activationBackward(
        activation,
        dHidden,
        preActivations[i - 1] as tf.Tensor2D,
        inputs[i] as tf.Tensor2D,
      ) as tf.Tensor2D;
    }
    return { loss, hits, grads };
  };
}

/** d loss / d pre-activation z, from d loss / d the activation's output `a` = act(z). */
function activationBackward(
  activation: Activation,
  dOutput: tf.Tensor,
  z: tf.Tensor,
  a: tf.Tensor,
): tf.Tensor {
  if (activation === 'linear') return dOutput;
  if (activation === 'relu') return dOutput.mul(tf.step(a));
  return tf.grads((input: tf.Tensor) => applyActivation(input, activation))(
    [z],
    dOutput,
  )[0] as tf.Tensor;
}

/**
 * The step of models/cnn.ts' CNN, written out: per stage the im2col columns times the kernel
 * (one fused matMul with bias and ReLU), 2×2 max-pooling, the linear head, the fused loss; and
 * backward the head's two products, one pass per pooling (kernels/maxPoolGrad.ts), and per
 * stage columnsᵀ · δ for the kernel, a sum for the bias and δ · kernelᵀ folded back onto the
 * pixels (col2im) for the stage below. Autodiff records every one of these ops on its tape and
 * adds reshapes, casts and identities to them; the mathematics is the same, so the gradients
 * agree with autodiffStep's on cpu to float rounding (a test holds them and the probes'
 * outcomes equal). On wasm they are right where autodiff's are not: tfjs-wasm's MaxPoolGrad
 * drops a window whose maximum is negative (a tanh or linear CNN's). `weights` alternate
 * kernel and bias, the convolutions' first and the head's last.
 */
export function cnnStep(weights: tf.Variable[], layout: CnnLayout): StepGradientsFn {
  const stageCount = layout.pooled.length;
  const kernelOf = (i: number) => weights[2 * i] as tf.Variable;
  const biasOf = (i: number) => weights[2 * i + 1] as tf.Variable;
  const { activation } = layout;
  return (x, labels) => {
    const batch = x.shape[0] as number;
    // Per stage: its input image, its columns, pre-activation, activation and pooled output.
    const stages: Array<{
      input: tf.Tensor4D;
      columns: tf.Tensor2D;
      z: tf.Tensor2D;
      activated: tf.Tensor4D;
      output: tf.Tensor4D;
    }> = [];
    let image = x.reshape([batch, ...layout.inputShape]) as tf.Tensor4D;
    for (let i = 0; i < stageCount; i++) {
      const [, height, width, channels] = image.shape;
      const kernel = kernelOf(i);
      const filters = kernel.shape[3] as number;
      const columns = im2col3x3(image);
      const kernel2d = kernel.reshape([9 * channels, filters]) as tf.Tensor2D;
      const fusedRelu = activation === 'relu';
      const z = tf.fused.matMul({
        a: columns,
        b: kernel2d,
        bias: biasOf(i),
        ...(fusedRelu ? { activation: 'relu' as const } : {}),
      }) as tf.Tensor2D;
      const activatedRows = fusedRelu ? z : (applyActivation(z, activation) as tf.Tensor2D);
      const activated = activatedRows.reshape([batch, height, width, filters]) as tf.Tensor4D;
      const output = layout.pooled[i] ? tf.maxPool(activated, 2, 2, 'valid') : activated;
      stages.push({ input: image, columns, z, activated, output });
      image = output;
    }
    const headKernel = kernelOf(stageCount) as tf.Variable;
    const headBias = biasOf(stageCount) as tf.Variable;
    const features = image.reshape([batch, -1]) as tf.Tensor2D;
    const logits = tf.fused.matMul({ a: features, b: headKernel as tf.Tensor2D, bias: headBias });
    const { loss, dLogits, hits } = fusedCrossEntropy(logits as tf.Tensor2D, labels);

    const grads: tf.NamedTensorMap = {};
    grads[headKernel.name] = tf.matMul(features, dLogits, true, false);
    grads[headBias.name] = dLogits.sum(0);
    if (stageCount === 0) return { loss, hits, grads };
    let dOutput = tf
      .matMul(dLogits, headKernel as tf.Tensor2D, false, true)
      .reshape(image.shape) as tf.Tensor4D;
    for (let i = stageCount - 1; i >= 0; i--) {
      const { input, columns, z, activated, output } = stages[i] as (typeof stages)[number];
      const kernel = kernelOf(i);
      const dActivated = layout.pooled[i] ? maxPool2x2Grad(dOutput, activated, output) : dOutput;
      const filters = kernel.shape[3] as number;
      const activatedRows = activated.reshape([-1, filters]);
      const dz = activationBackward(
        activation,
        dActivated.reshape([-1, filters]),
        z,
        activatedRows,
      ) as tf.Tensor2D;
      grads[kernel.name] = tf.matMul(columns, dz, true, false).reshape(kernel.shape);
      grads[biasOf(i).name] = dz.sum(0);
      if (i === 0) break;
      const kernel2d = kernel.reshape([-1, filters]) as tf.Tensor2D;
      const dColumns = tf.matMul(dz, kernel2d, false, true) as tf.Tensor2D;
      dOutput = col2im3x3(dColumns, input.shape);
    }
    return { loss, hits, grads };
  };
}

/** What a plan tells stepGradientsFor about its architecture (ModelPlan's fields). */
export interface StepArchitecture {
  dense?: { activation: Activation };
  cnn?: CnnLayout;
}

/**
 * The written-out dense or CNN step where the fused loss kernel runs (cpu, wasm), else
 * autodiff. A plan without its `dense` and `cnn` trains by autodiff (the bench times both).
 */
export function stepGradientsFor(
  model: tf.LayersModel,
  weights: tf.Variable[],
  architecture: StepArchitecture,
): StepGradientsFn {
  if (!hasFusedCrossEntropy()) return autodiffStep(model, weights);
  if (architecture.dense) return denseStep(weights, architecture.dense.activation);
  if (architecture.cnn) return cnnStep(weights, architecture.cnn);
  return autodiffStep(model, weights);
}

/**
 * The written-out CNN step's gradients of a chunk's mean loss, for the full-batch loss surface
 * (train/curvature.ts), where it runs; else undefined (autodiff). A CNN's surface costs two
 * full-batch gradients a probe (the convergence record's first and last): with autodiff about
 * 0.4 s of the 2×16ch bench probe's 1.1 s on wasm. `classes`: the one-hot targets' width.
 */
export function surfaceGradientsFor(
  weights: tf.Variable[],
  architecture: StepArchitecture,
  classes: number,
): ((x: tf.Tensor, labels: tf.Tensor1D) => tf.NamedTensorMap) | undefined {
  if (!architecture.cnn || !hasFusedCrossEntropy()) return undefined;
  const step = cnnStep(weights, architecture.cnn);
  return (x, labels) => step(x, labels, tf.oneHot(labels, classes)).grads;
}
