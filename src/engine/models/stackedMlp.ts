import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../experiment/index.ts';
import { applyActivation } from './activation.ts';

/**
 * k copies of one MLP trained side by side as one computation: every weight gains a
 * leading axis of k, and each layer is one batched matMul over the k members. Small models
 * leave a GPU idle, and k members cost about one dispatch per op instead of k.
 */
export interface StackedModel {
  readonly members: number;
  /** The trainable weights, each with a leading axis of `members`. */
  readonly variables: tf.Variable[];
  /** x: [members, batch, ...inputShape] → logits [members, batch, classes]. */
  apply(x: tf.Tensor): tf.Tensor;
  /** Member j alone: x: [batch, ...inputShape] → logits [batch, classes]. */
  applyMember(member: number, x: tf.Tensor): tf.Tensor;
  dispose(): void;
}

/**
 * Stacks `members` copies of a built MLP (dense kernel and bias pairs, as buildMlp makes
 * them), so each member starts from exactly the weights the single model would.
 */
export function stackMlp(
  model: tf.LayersModel,
  members: number,
  activation: Activation,
): StackedModel {
  const weights = model.getWeights();
  if (weights.length % 2 !== 0 || weights.some((w, i) => w.rank !== (i % 2 === 0 ? 2 : 1))) {
    throw new Error('stackMlp needs dense layers of kernel and bias only');
  }
  const variables = weights.map((w, i) =>
    tf.tidy(() => {
      // Biases get a batch axis of 1 so they broadcast over [members, batch, units].
      const shaped = i % 2 === 0 ? w : w.reshape([1, w.shape[0] as number]);
      return tf.variable(tf.stack(Array.from({ length: members }, () => shaped)), true);
    }),
  );
  const layers = variables.length / 2;
  const features = (weights[0] as tf.Tensor).shape[0] as number;

  const forward = (x: tf.Tensor, pick: (v: tf.Variable) => tf.Tensor): tf.Tensor => {
    let h = x;
    for (let layer = 0; layer < layers; layer++) {
      const kernel = pick(variables[2 * layer] as tf.Variable);
      const bias = pick(variables[2 * layer + 1] as tf.Variable);
      h = tf.matMul(h, kernel).add(bias);
      if (layer < layers - 1) h = applyActivation(h, activation);
    }
    return h;
  };

  return {
    members,
    variables,
    apply: (x) =>
      forward(x.reshape([members, x.shape[1] as number, features]), (v) => v as tf.Tensor),
    applyMember: (member, x) =>
      forward(x.reshape([x.shape[0] as number, features]), (v) =>
        tf.squeeze(v.slice(member, 1), [0]),
      ),
    dispose: () => tf.dispose(variables),
  };
}
