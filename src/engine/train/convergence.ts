import type { TrainSpec } from '../experiment/index.ts';
import { hessianExtremes, type LossSurface } from './curvature.ts';

/**
 * The paper's test that a run which stopped improving has converged. The loss has
 * plateaued; then the gradient must be small relative to its value at initialization,
 * and the Hessian is inspected for negative curvature (a saddle).
 *
 * Which gradient: the mean of the training steps' gradients over the stall (the steps
 * since the loss last improved). At a smooth minimum that is the full-batch gradient, near
 * zero. ReLU networks often converge onto a kink of the loss, where the gradient flips
 * between large values from step to step and never becomes small, although the weights no
 * longer move: its mean over the stall does (for plain SGD it is exactly the net weight
 * change divided by lr · steps). Mini-batch noise averages out over the stall's many steps.
 */
export interface Convergence {
  /** Norm of the mean step gradient over the stall. */
  stallGradNorm: number;
  /** stallGradNorm divided by the full-batch gradient norm at initialization. */
  relativeGradNorm: number;
  /** Extreme Hessian eigenvalues; null when the gradient was too large to bother. */
  hessianMin: number | null;
  hessianMax: number | null;
  /** A negative eigenvalue beyond train.saddleTolerance × the largest. */
  saddle: boolean;
  /** The direction of the smallest eigenvalue (flattened parameters), for a saddle escape. */
  negativeDirection: Float64Array | null;
  converged: boolean;
}

export async function checkConvergence(
  stallGradNorm: number,
  surface: LossSurface,
  initialGradNorm: number,
  train: TrainSpec,
  seed: number,
): Promise<Convergence> {
  const relativeGradNorm = initialGradNorm > 0 ? stallGradNorm / initialGradNorm : 0;
  if (!(relativeGradNorm <= train.gradTolerance)) {
    return {
      stallGradNorm,
      relativeGradNorm,
      hessianMin: null,
      hessianMax: null,
      saddle: false,
      negativeDirection: null,
      converged: false,
    };
  }
  // A saddle does not end the probe: training steps off it and goes on (epochRules). The
  // gradient test alone decides "converged" here, since the Hessian-vector products are
  // differences of gradients, which the kinks of ReLU networks perturb (docs/method.md, Fidelity).
  const hessian = await hessianExtremes(surface, { seed });
  return {
    stallGradNorm,
    relativeGradNorm,
    hessianMin: hessian.min,
    hessianMax: hessian.max,
    saddle: isSaddle(hessian.min, hessian.max, train.saddleTolerance),
    negativeDirection: hessian.min < 0 ? hessian.minDirection : null,
    converged: true,
  };
}

/** A descent direction whose curvature is a sizeable fraction of the sharpest one. */
export function isSaddle(min: number, max: number, tolerance: number): boolean {
  return min < -tolerance * Math.max(Math.abs(max), Number.MIN_VALUE);
}
