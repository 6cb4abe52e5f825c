import { MIN_PLATEAU_CHECKS } from '../experiment/index.ts';

/** Plateau readings per patience window (mini-batch probes; see readingDue). */
export const PLATEAU_READINGS = 5;

/**
 * Decides when a probe's loss has stopped improving: it has not improved by at least a
 * relative `minDelta` over `patience` optimizer steps, read at (at least `minChecks`)
 * checked epochs (Keras' EarlyStopping rule, on the relative scale so one threshold serves
 * losses of any size, and counted in steps, not epochs: an epoch is one step of full-batch
 * GD and N / 16 steps of a batch of 16, and two steps at N = 68 with batch 64).
 */
export class PlateauDetector {
  private best = Number.POSITIVE_INFINITY;
  private bestStep = 0;
  private checksSinceBest = 0;
  private lastReading = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly patience: number,
    private readonly minDelta: number,
    private readonly minChecks: number = MIN_PLATEAU_CHECKS,
  ) {}

  /**
   * Whether a reading is due after `step` steps: every patience ÷ PLATEAU_READINGS steps
   * (at least MIN_PLATEAU_CHECKS readings fall within any stall of `patience` steps), so a
   * mini-batch probe pays for a full-batch loss a few times per patience, not every epoch.
   */
  readingDue(step: number): boolean {
    return step - this.lastReading >= Math.max(1, Math.floor(this.patience / PLATEAU_READINGS));
  }

  /** The step count that set the best loss so far (0 before any). */
  get bestAt(): number {
    return this.bestStep;
  }

  /** The best loss since the last restart (Infinity before any). */
  get bestLoss(): number {
    return this.best;
  }

  /**
   * Records the loss read after `step` optimizer steps; true once it has stalled for
   * `patience` steps and `minChecks` readings.
   */
  update(step: number, loss: number): boolean {
    this.lastReading = step;
    if (loss < this.best * (1 - this.minDelta) || this.best === Number.POSITIVE_INFINITY) {
      this.best = loss;
      this.bestStep = step;
      this.checksSinceBest = 0;
      return false;
    }
    this.checksSinceBest++;
    return step - this.bestStep >= this.patience && this.checksSinceBest >= this.minChecks;
  }

  /**
   * Starts afresh after a plateau that did not end the probe: the next plateau is judged
   * on the losses that follow (at a reduced learning rate, the loss may start above an old
   * best that a lucky oscillation set, and must not be held to it).
   */
  restart(): void {
    this.best = Number.POSITIVE_INFINITY;
    this.bestStep = 0;
    this.checksSinceBest = 0;
  }
}
