import type { ExperimentSpec } from '../../engine/index.ts';
import { useConfigStore } from '../../stores/configStore.ts';
import { estimateProgress } from '../../stores/progress.ts';
import { pauseRun, resumeRun, startRun, stopRun } from '../../effects/runner.ts';
import { useRunStore } from '../../stores/runStore.ts';
import { isActivePhase, type RunState } from '../../stores/runTypes.ts';
import { BACKEND_ORDER, type BackendChoice } from '../../worker/protocol.ts';
import { RecoveryOffer } from './RecoveryOffer.tsx';
import { useNow } from './useNow.ts';
import { WorkerCountSetting } from './WorkerCountSetting.tsx';
import { useRunShortcuts } from './useRunShortcuts.ts';

/** Run, Pause/Resume and Stop, the backend choice, progress and time left. */
export function RunControls({
  spec,
  problems,
  blocked,
}: {
  spec?: ExperimentSpec;
  problems: number;
  /** Why a valid experiment cannot run here (its data is missing, say). */
  blocked?: string;
}) {
  const run = useRunStore();
  const backend = useConfigStore((state) => state.backend);
  const setBackend = useConfigStore((state) => state.setBackend);
  const active = isActivePhase(run.phase);
  const now = useNow(active);
  const progress = estimateProgress(run);
  const skipped = run.backend?.skipped ?? [];
  useRunShortcuts(spec, backend);

  return (
    <section className="run-controls" aria-label="Run controls">
      <div className="buttons">
        <button
          type="button"
          className="primary"
          disabled={active || !spec}
          onClick={() => spec && startRun(spec, backend)}
        >
          Run
        </button>
        {run.phase === 'paused' ? (
          <button type="button" onClick={resumeRun}>
            Resume
          </button>
        ) : (
          <button type="button" disabled={run.phase !== 'running'} onClick={pauseRun}>
            Pause
          </button>
        )}
        <button type="button" disabled={!active || run.phase === 'stopping'} onClick={stopRun}>
          Stop
        </button>
        <label className="backend-choice">
          Backend{' '}
          <select
            aria-label="Training backend"
            value={backend}
            disabled={active}
            onChange={(event) => setBackend(event.target.value as BackendChoice)}
          >
            <option value="auto">auto (the fastest, measured)</option>
            {BACKEND_ORDER.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <WorkerCountSetting spec={spec} backend={backend} disabled={active} />
      </div>
      <p className="shortcuts" data-testid="shortcuts">
        Keys: <kbd>Space</kbd> run, pause and resume; <kbd>Esc</kbd> stop (when no field has the
        focus).
      </p>
      {problems > 0 && (
        <p className="field-error" role="alert" data-testid="form-problems">
          Fix {problems} problem{problems > 1 ? 's' : ''} in the experiment to run it.
        </p>
      )}
      {blocked && (
        <p className="field-error" data-testid="run-blocked">
          {blocked}
        </p>
      )}
      <p role="status" data-testid="run-status" data-phase={run.phase}>
        {statusText(run, now)}
      </p>
      <RecoveryOffer />
      {skipped.length > 0 && (
        <p className="fallback-note" data-testid="fallback-note">
          {run.backend?.measurement ? 'Could not use' : `Fell back to ${run.backend?.name}:`}{' '}
          {skipped.join('; ')}.
        </p>
      )}
      {run.backend?.measurement && (
        <p className="backend-measurement" data-testid="backend-measurement">
          {run.backend.measurement}
        </p>
      )}
      <div className="progress-rows">
        <label>
          Sweep <progress max={1} value={progress.sweep} aria-label="Sweep progress" />
        </label>
        <label>
          Current probe{' '}
          <progress max={1} value={progress.probe} aria-label="Current probe progress" />
        </label>
        {active && (
          <span data-testid="eta">
            {progress.secondsLeft === undefined
              ? 'Time left: estimating…'
              : `about ${formatSeconds(progress.secondsLeft)} left`}
          </span>
        )}
      </div>
    </section>
  );
}

function statusText(run: RunState, now: number): string {
  const elapsed =
    run.startedAt !== undefined ? Math.max(0, ((run.finishedAt ?? now) - run.startedAt) / 1000) : 0;
  switch (run.phase) {
    case 'idle':
      return 'Ready. Press Run to measure EMC for every width of the sweep.';
    case 'starting':
      return (run.workers ?? 1) > 1
        ? `Starting ${run.workers} training workers…`
        : 'Starting the training worker…';
    case 'running':
    case 'paused': {
      const c = run.current;
      const where = c
        ? `point ${c.pointIndex + 1}/${run.planned.length}, seed ${c.seedIndex + 1}, N = ${c.n}`
        : 'preparing data';
      const on = (run.workers ?? 1) > 1 ? ` on ${run.workers} workers` : '';
      return `${run.phase === 'paused' ? 'Paused' : 'Running'}${on}: ${where} (${formatSeconds(elapsed)})`;
    }
    case 'stopping':
      return 'Stopping after the current step…';
    case 'finished':
      return `Finished: ${run.points.length} points, ${run.probes.length} probes in ${formatSeconds(elapsed)}.`;
    case 'cancelled':
      return `Stopped. ${run.points.length} points and ${run.probes.length} probes kept.`;
    case 'failed':
      return `Failed: ${run.error ?? 'unknown error'}`;
  }
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}
