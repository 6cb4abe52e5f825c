import type { TrainSpec } from '../spec/index.ts';
import { gradientNorm, hessianExtremes, type LossSurface } from './curvature.ts';

/**
 * The paper's test that a run which stopped improving has converged: the full-batch
 * gradient is small relative to its value at initialization, and the Hessian's smallest
 * eigenvalue is not markedly negative (a minimum, not a saddle). Only then may a probe
 * that did not fit count as "does not fit".
 */
export interface Convergence {
  /** Full-batch gradient norm at the current weights. */
  gradNorm: number;
  /** gradNorm divided by the gradient norm at initialization. */
  relativeGradNorm: number;
  /** Extreme Hessian eigenvalues; null when the gradient was too large to bother. */
  hessianMin: number | null;
  hessianMax: number | null;
  /** A negative eigenvalue beyond train.saddleTolerance × the largest: not a minimum. */
  saddle: boolean;
  converged: boolean;
}

export async function checkConvergence(
  surface: LossSurface,
  initialGradNorm: number,
  train: TrainSpec,
  seed: number,
): Promise<Convergence> {
  const gradNorm = await gradientNorm(surface);
  const relativeGradNorm = initialGradNorm > 0 ? gradNorm / initialGradNorm : 0;
  if (!(relativeGradNorm <= train.gradTolerance)) {
    return {
      gradNorm,
      relativeGradNorm,
      hessianMin: null,
      hessianMax: null,
      saddle: false,
      converged: false,
    };
  }
  const hessian = await hessianExtremes(surface, { seed });
  const saddle = isSaddle(hessian.min, hessian.max, train.saddleTolerance);
  return {
    gradNorm,
    relativeGradNorm,
    hessianMin: hessian.min,
    hessianMax: hessian.max,
    saddle,
    converged: !saddle,
  };
}

/** A descent direction whose curvature is a sizeable fraction of the sharpest one. */
export function isSaddle(min: number, max: number, tolerance: number): boolean {
  return min < -tolerance * Math.max(Math.abs(max), Number.MIN_VALUE);
}
