import type { WorkerLike } from './workerClient.ts';

/**
 * Training workers started ahead of the run that will take them. A worker's start (loading
 * the worker script and TensorFlow.js, ~0.4 s on an idle 2-core machine, ~2 s at load 5) is
 * paid while the run before it still trains, so the variants of a comparison follow one
 * another without that gap. Each run still gets a fresh worker (see TrainingWorkerClient:
 * a new worker returns all GPU memory), and only a run that is known to come next is
 * prepared for: a single run leaves no idle worker behind.
 */
export class WorkerSupply {
  private spares: WorkerLike[] = [];

  constructor(
    private readonly create: () => WorkerLike,
    /** Idle workers cost memory (each loads TensorFlow.js): never more than this. */
    private readonly maxSpares = 8,
  ) {}

  /** A started spare if there is one, else a new worker. */
  take(): WorkerLike {
    return this.spares.shift() ?? this.create();
  }

  /** Starts workers until `count` (at most maxSpares) wait to be taken. */
  prepare(count: number): void {
    const wanted = Math.min(Math.max(0, Math.floor(count)), this.maxSpares);
    while (this.spares.length < wanted) {
      const worker = this.create();
      // A spare that fails to load is dropped, never handed to a run that would then wait
      // for a worker that cannot answer (its client sets its own handler on taking it).
      worker.onerror = (event) => {
        event.preventDefault();
        this.drop(worker);
      };
      this.spares.push(worker);
    }
  }

  /** Ends every spare: nothing is known to come next any more. */
  discard(): void {
    for (const worker of this.spares) worker.terminate();
    this.spares = [];
  }

  get waiting(): number {
    return this.spares.length;
  }

  private drop(worker: WorkerLike): void {
    if (!this.spares.includes(worker)) return;
    this.spares = this.spares.filter((spare) => spare !== worker);
    worker.terminate();
  }
}
