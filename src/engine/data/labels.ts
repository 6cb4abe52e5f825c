import { createRng } from '../random.ts';
import type { DataSpec } from '../spec/index.ts';

/**
 * Applies the spec's label mode to true labels: "random" draws every label uniformly (the
 * paper's memorization setting); "true" with labelNoise p replaces a random p-fraction of
 * labels by uniformly drawn classes (which may coincide with the original).
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
    labels[picked] = rng.int(spec.classes);
  }
  return labels;
}
