import type { ExperimentSpec } from '../engine/index.ts';
import { formatMs } from '../engine/formatMs.ts';
import type { BackendInfo, BackendName, BackendTiming, WorkerMessage } from '../worker/protocol.ts';
import type { WorkerLike } from './workerClient.ts';

/**
 * A GPU backend must be this many times faster than the CPU backend training now for the run
 * to move to it: a move costs the probe in progress and a GPU's warm-up, and a timing of a
 * few steps is noisy.
 */
export const MOVE_MARGIN = 1.25;

/** The timed backend fast enough to move to (see MOVE_MARGIN), if any. */
export function fasterBackend(
  cpuMsPerStep: number,
  timings: readonly BackendTiming[],
): (BackendTiming & { msPerStep: number }) | undefined {
  let best: (BackendTiming & { msPerStep: number }) | undefined;
  for (const timing of timings) {
    const { msPerStep, steps } = timing;
    // A backend given up during its warm-up (steps 0) was only shown to be slow.
    if (msPerStep === undefined || !steps) continue;
    if (!best || msPerStep < best.msPerStep) best = { ...timing, msPerStep };
  }
  return best && best.msPerStep * MOVE_MARGIN <= cpuMsPerStep ? best : undefined;
}

/** What the background timing found, as a line of the run's log. */
export function describeBackgroundTiming(
  training: BackendName,
  cpuMsPerStep: number,
  timings: readonly BackendTiming[],
): string {
  const parts = timings.map(({ name, msPerStep, steps, problem }) => {
    if (msPerStep === undefined) return `${name}: ${problem ?? 'not timed'}`;
    return steps
      ? `${name} ${formatMs(msPerStep)}`
      : `${name} over ${formatMs(msPerStep)} (its first step)`;
  });
  const faster = fasterBackend(cpuMsPerStep, timings);
  const verdict = faster
    ? `${faster.name} is ${(cpuMsPerStep / faster.msPerStep).toFixed(1)}× faster: the run moves to it after the next probe, keeping every finished one`
    : `training stays on ${training}`;
  return `Timed while ${training} trained (${formatMs(cpuMsPerStep)} a step): ${parts.join(', ')}; ${verdict}.`;
}

export interface BackendUpgradeDeps {
  /** A fresh worker of the training worker's script: it answers 'time-backends'. */
  createWorker(): WorkerLike;
  /** A line for the run's log. */
  log(level: 'info' | 'warn', text: string): void;
  /** Moves run `runId` to `backend` now, keeping its finished probes (a resume with replay). */
  moveTo(runId: string, backend: BackendName): void;
}

/**
 * Auto's second half: the GPU backends it did not time before the run (BackendInfo.timeLater)
 * are timed by a worker of their own while the run trains on the fastest CPU backend, and
 * the run moves to one that is faster between two probes (at the first probe to finish after
 * the timing). One run at a time; a new run, or the end of this one, cancels it.
 */
export class BackendUpgrade {
  private timer: WorkerLike | undefined;
  private runId: string | undefined;
  private pending: BackendName | undefined;

  constructor(private readonly deps: BackendUpgradeDeps) {}

  /** Run `runId` of `spec` trains on `info`: times what auto left for later, if anything. */
  started(runId: string, spec: ExperimentSpec, info: BackendInfo): void {
    this.cancel();
    const candidates = info.timeLater ?? [];
    const cpuMsPerStep = info.msPerStep;
    if (candidates.length === 0 || cpuMsPerStep === undefined) return;
    this.runId = runId;
    const timer = this.deps.createWorker();
    this.timer = timer;
    timer.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (message.kind !== 'backend-timing' || this.timer !== timer) return;
      this.endTimer();
      const line = describeBackgroundTiming(info.name, cpuMsPerStep, message.timings);
      this.deps.log('info', line);
      this.pending = fasterBackend(cpuMsPerStep, message.timings)?.name;
    };
    timer.onerror = (event) => {
      event.preventDefault();
      if (this.timer !== timer) return;
      this.endTimer();
      this.deps.log(
        'warn',
        `Timing ${candidates.join(' and ')} in the background failed (${event.message || 'the worker crashed'}); training stays on ${info.name}.`,
      );
    };
    timer.postMessage({ kind: 'time-backends', spec, candidates, toBeatMs: cpuMsPerStep });
  }

  /** A probe of run `runId` finished, and the run may move now (not paused, not stopping). */
  probeFinished(runId: string): void {
    const backend = this.pending;
    if (!backend || runId !== this.runId) return;
    this.pending = undefined;
    this.runId = undefined;
    this.deps.moveTo(runId, backend);
  }

  /** The run ended or another started: nothing is timed or moved for it any more. */
  cancel(): void {
    this.endTimer();
    this.pending = undefined;
    this.runId = undefined;
  }

  /** Whether a timing worker is at work (for tests). */
  get timing(): boolean {
    return this.timer !== undefined;
  }

  private endTimer(): void {
    this.timer?.terminate();
    this.timer = undefined;
  }
}
