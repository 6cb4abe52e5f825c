import { createRng } from '../random.ts';
import type { DataSpec } from '../experiment/index.ts';

/**
 * Applies the spec's label mode to true labels: "random" draws every label uniformly (the
 * paper's memorization setting); "true" with labelNoise p moves a random p-fraction of
 * labels to a different class, drawn uniformly among the other classes (so exactly that
 * fraction is wrong, not p · (1 − 1/classes) of it).
 */
export function applyLabelMode(trueLabels: Int32Array, spec: DataSpec, seed: number): Int32Array {
  const rng = createRng(seed);
  const labels = Int32Array.from(trueLabels);
  if (spec.labels === 'random') {
    for (let i = 0; i < labels.length; i++) labels[i] = rng.int(spec.classes);
    return labels;
  }
  const noisy = Math.round(spec.labelNoise * labels.length);
  if (noisy === 0) return labels;
  // Choose exactly `noisy` positions so the noise fraction is what the spec says, not an expectation.
  const positions = Array.from({ length: labels.length }, (_, i) => i);
  for (let k = 0; k < noisy; k++) {
    const j = k + rng.int(positions.length - k);
    const picked = positions[j] as number;
    positions[j] = positions[k] as number;
    const original = labels[picked] as number;
    labels[picked] = (original + 1 + rng.int(spec.classes - 1)) % spec.classes;
  }
  return labels;
}
