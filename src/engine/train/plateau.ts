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
   * Starts a new patience window at `epoch`, keeping the best loss: a plateau the
   * convergence check rejected (large gradient, saddle) must stall again to count.
   */
  restart(epoch: number): void {
    this.bestEpoch = epoch;
  }
}
