import type { TrainSpec } from '../spec/index.ts';
import { checkConvergence, type Convergence } from './convergence.ts';
import { gradientNorm, type LossSurface } from './curvature.ts';
import type { ProbeOutcome, StopReason } from './fitProbe.ts';

type ConvergenceFields = Pick<
  ProbeOutcome,
  'converged' | 'gradNorm' | 'initialGradNorm' | 'hessianMin' | 'hessianMax' | 'saddle'
>;

/**
 * One probe's convergence measurements: the gradient norm at initialization (the scale
 * every later one is judged on), the checks made on loss plateaus, and what the probe's
 * record says about them when it ends. Shared by single and stacked probes.
 */
export class ConvergenceRecord {
  private initial = Number.NaN;
  private last: Convergence | undefined;

  constructor(
    private readonly surface: LossSurface,
    private readonly train: TrainSpec,
    private readonly seed: number,
  ) {}

  async measureStart(): Promise<void> {
    this.initial = await gradientNorm(this.surface);
  }

  async check(): Promise<Convergence> {
    this.last = await checkConvergence(this.surface, this.initial, this.train, this.seed);
    return this.last;
  }

  /** The record's fields; the gradient is measured afresh unless the last check is current. */
  async summary(stop: StopReason): Promise<ConvergenceFields> {
    const converged = stop === 'converged';
    let gradNorm: number | null = null;
    if (converged && this.last) gradNorm = this.last.gradNorm;
    else if (stop !== 'diverged') gradNorm = await gradientNorm(this.surface);
    return {
      converged,
      gradNorm: gradNorm !== null && Number.isFinite(gradNorm) ? gradNorm : null,
      initialGradNorm: Number.isFinite(this.initial) ? this.initial : null,
      hessianMin: this.last?.hessianMin ?? null,
      hessianMax: this.last?.hessianMax ?? null,
      saddle: this.last?.saddle ?? false,
    };
  }
}
