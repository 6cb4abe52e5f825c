/**
 * Decides when a probe has converged without fitting: the loss has not improved by at
 * least a relative `minDelta` over `patience` epochs (Keras' EarlyStopping rule, on the
 * relative scale so one threshold serves losses of any size).
 */
export class PlateauDetector {
  private best = Number.POSITIVE_INFINITY;
  private bestEpoch = 0;

  constructor(
    private readonly patience: number,
    private readonly minDelta: number,
  ) {}

  /** The epoch that set the best loss so far (0 before any). */
  get bestAt(): number {
    return this.bestEpoch;
  }

  /** Records the loss after `epoch`; true once the loss has stalled for `patience` epochs. */
  update(epoch: number, loss: number): boolean {
    if (loss < this.best * (1 - this.minDelta) || this.best === Number.POSITIVE_INFINITY) {
      this.best = loss;
      this.bestEpoch = epoch;
      return false;
    }
    return epoch - this.bestEpoch >= this.patience;
  }

  /**
   * Starts afresh after a plateau the convergence check rejected: the next plateau is
   * judged on the losses that follow (at a reduced learning rate, the loss may start above
   * an old best that a lucky oscillation set, and must not be held to it).
   */
  restart(): void {
    this.best = Number.POSITIVE_INFINITY;
    this.bestEpoch = 0;
  }
}
