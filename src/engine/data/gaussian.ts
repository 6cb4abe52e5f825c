import { createRng, deriveSeed } from '../random.ts';
import type { DataSpec } from '../experiment/index.ts';
import { featureCount, type LabeledSamples } from './types.ts';

/** Prototypes per class of the teacher that gives gaussian inputs their "true" labels. */
const PROTOTYPES_PER_CLASS = 2;

/**
 * i.i.d. N(0, 1) inputs. Their true label is the class of the nearest of a few seeded
 * prototype points (a Voronoi teacher): a deterministic, nonlinear but learnable rule, so
 * that "true" labels carry structure a model can exploit and "random" labels carry none.
 */
export const gaussianSource = {
  sample(spec: DataSpec, count: number, seed: number): LabeledSamples {
    const features = featureCount(spec.inputShape);
    const prototypes = drawPrototypes(spec, features, deriveSeed(seed, 'teacher'));
    const x = gaussianNoise(count * features, deriveSeed(seed, 'inputs'));
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      y[i] = nearestPrototypeClass(x.subarray(i * features, (i + 1) * features), prototypes);
    }
    return { x, y, count };
  },
  describe(spec: DataSpec): string {
    return `Gaussian N(0, 1) inputs of shape [${spec.inputShape.join(', ')}], ${spec.classes} classes`;
  },
};

/** `length` i.i.d. N(0, 1) values, the same for the same seed. */
export function gaussianNoise(length: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = rng.normal();
  return x;
}

interface Prototype {
  point: Float32Array;
  label: number;
}

function drawPrototypes(spec: DataSpec, features: number, seed: number): Prototype[] {
  const rng = createRng(seed);
  const prototypes: Prototype[] = [];
  for (let label = 0; label < spec.classes; label++) {
    for (let k = 0; k < PROTOTYPES_PER_CLASS; k++) {
      const point = new Float32Array(features);
      for (let j = 0; j < features; j++) point[j] = rng.normal();
      prototypes.push({ point, label });
    }
  }
  return prototypes;
}

function nearestPrototypeClass(sample: Float32Array, prototypes: Prototype[]): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const { point, label } of prototypes) {
    let distance = 0;
    for (let j = 0; j < sample.length; j++) {
      const diff = (sample[j] as number) - (point[j] as number);
      distance += diff * diff;
    }
    if (distance < bestDistance) {
      bestDistance = distance;
      best = label;
    }
  }
  return best;
}
