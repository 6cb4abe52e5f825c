import * as tf from '@tensorflow/tfjs';
import type { TrainSpec } from '../experiment/index.ts';
import { checkConvergence, type Convergence } from './convergence.ts';
import { gradientNorm, type LossSurface, normOf, parameterNorm, stepAlong } from './curvature.ts';
import { noSaddleEscapes, type SaddleEscapes } from './epochRules.ts';
import type { ProbeOutcome, StopReason } from './probeOutcome.ts';

type ConvergenceFields = Pick<
  ProbeOutcome,
  | 'converged'
  | 'gradNorm'
  | 'stallGradNorm'
  | 'initialGradNorm'
  | 'hessianMin'
  | 'hessianMax'
  | 'saddle'
  | 'saddleEscapes'
>;

/** A step off a saddle is this fraction of the parameters' norm (at least this much). */
export const SADDLE_STEP_FRACTION = 0.01;

/**
 * One probe's convergence measurements: the full-batch gradient norm at initialization
 * (the scale every later one is judged on), the sum of the step gradients since the loss
 * last improved (the stall), the checks made on plateaus, and what the probe's record says
 * about them when it ends. Shared by single and stacked probes.
 */
export class ConvergenceRecord {
  private initial = Number.NaN;
  private last: Convergence | undefined;
  private stallSum: tf.Tensor[] | undefined;
  private stallSteps = 0;
  /** The probe's saddle escapes: judgeCheckedEpoch counts them here, the summary reports them. */
  readonly saddle: SaddleEscapes = noSaddleEscapes();

  constructor(
    private readonly surface: LossSurface,
    private readonly train: TrainSpec,
    private readonly seed: number,
  ) {}

  /** The full-batch loss at the current weights (inference mode): the plateau's reading. */
  fullBatchLoss(): Promise<number> {
    return this.surface.loss();
  }

  async measureStart(): Promise<void> {
    this.initial = await gradientNorm(this.surface);
  }

  /**
   * Adds one training step's gradients (this probe's own parameters, as the surface's), or
   * the sum of `steps` steps' gradients (the fused step hands them over in one go).
   */
  addStep(gradients: readonly tf.Tensor[], steps = 1): void {
    // Called inside a training step's tidy: keep the sums past its end.
    const next = tf.tidy(() =>
      (this.stallSum
        ? this.stallSum.map((s, i) => s.add(gradients[i] as tf.Tensor))
        : gradients.map((g) => g.clone())
      ).map((t) => tf.keep(t)),
    );
    tf.dispose(this.stallSum);
    this.stallSum = next;
    this.stallSteps += steps;
  }

  /** The loss improved: the stall, if any, starts again from here. */
  restartStall(): void {
    tf.dispose(this.stallSum);
    this.stallSum = undefined;
    this.stallSteps = 0;
  }

  async check(): Promise<Convergence> {
    this.last = await checkConvergence(
      await this.stallGradNorm(),
      this.surface,
      this.initial,
      this.train,
      this.seed,
    );
    return this.last;
  }

  /**
   * Steps off the saddle `convergence` found, downhill along its direction of negative
   * curvature, by SADDLE_STEP_FRACTION of the parameters' norm (at least that much in
   * absolute terms, for weights near zero).
   */
  async escapeSaddle(convergence: Convergence): Promise<void> {
    if (!convergence.negativeDirection) return;
    const length = SADDLE_STEP_FRACTION * Math.max(1, await parameterNorm(this.surface));
    await stepAlong(this.surface, convergence.negativeDirection, length);
  }

  /** The record's fields; the full-batch gradient is measured at the end. */
  async summary(stop: StopReason): Promise<ConvergenceFields> {
    const finite = (x: number | null | undefined) =>
      x !== null && x !== undefined && Number.isFinite(x) ? x : null;
    const gradNorm = stop === 'diverged' ? null : await gradientNorm(this.surface);
    return {
      converged: stop === 'converged',
      gradNorm: finite(gradNorm),
      stallGradNorm: finite(this.last?.stallGradNorm),
      initialGradNorm: finite(this.initial),
      hessianMin: this.last?.hessianMin ?? null,
      hessianMax: this.last?.hessianMax ?? null,
      saddle: this.last?.saddle ?? false,
      saddleEscapes: this.saddle.count,
    };
  }

  dispose(): void {
    this.restartStall();
  }

  private async stallGradNorm(): Promise<number> {
    const sum = this.stallSum;
    if (!sum || this.stallSteps === 0) return Number.POSITIVE_INFINITY;
    return (await normOf(() => sum)) / this.stallSteps;
  }
}
