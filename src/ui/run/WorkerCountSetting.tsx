import type { ExperimentSpec } from '../../engine/experiment/index.ts';
import { rememberedBackend } from '../../effects/backendMemory.ts';
import { poolSize } from '../../effects/trainingPool.ts';
import { defaultWorkers, MAX_WORKERS, useWorkerCount } from '../../effects/workerCount.ts';
import type { BackendChoice } from '../../worker/protocol.ts';

/**
 * The training workers setting: how many (width, seed) searches train at once on a CPU
 * backend, and, where fewer will, why.
 */
export function WorkerCountSetting({
  spec,
  backend,
  disabled,
}: {
  spec?: ExperimentSpec;
  backend: BackendChoice;
  disabled: boolean;
}) {
  const chosen = useWorkerCount((state) => state.chosen);
  const choose = useWorkerCount((state) => state.choose);
  return (
    <>
      <label className="worker-count">
        Workers{' '}
        <select
          aria-label="Training workers"
          value={chosen ?? 'default'}
          disabled={disabled}
          onChange={(event) =>
            choose(event.target.value === 'default' ? undefined : Number(event.target.value))
          }
        >
          <option value="default">one per core ({defaultWorkers()})</option>
          {Array.from({ length: MAX_WORKERS }, (_, i) => i + 1).map((count) => (
            <option key={count} value={count}>
              {count}
            </option>
          ))}
        </select>
      </label>
      {spec && <WorkerHint spec={spec} backend={backend} wanted={chosen ?? defaultWorkers()} />}
    </>
  );
}

function WorkerHint({
  spec,
  backend,
  wanted,
}: {
  spec: ExperimentSpec;
  backend: BackendChoice;
  wanted: number;
}) {
  if (wanted <= 1) return null;
  const remembered = backend === 'auto' ? rememberedBackend(spec.model.family) : undefined;
  const workers = poolSize(spec, backend, wanted, remembered);
  const jobs = spec.sweep.widths.length * spec.search.seeds;
  const text =
    workers === 1 && spec.search.warmStart && spec.sweep.widths.length > 1
      ? 'One worker trains this sweep: warm start begins each width at the EMC of the width before, so its widths form one chain. Turn warm start off to spread its (width, seed) searches over the workers.'
      : workers === 1 && jobs > 1
        ? 'One worker trains on a GPU backend (stacked probes are its parallelism).'
        : workers < wanted
          ? `${workers} worker${workers > 1 ? 's' : ''}: this sweep has ${jobs} (width, seed) search${jobs > 1 ? 'es' : ''}.`
          : `${workers} workers train this sweep's (width, seed) searches side by side on a CPU backend (one on a GPU).`;
  return (
    <p className="worker-hint" data-testid="worker-hint">
      {text}
    </p>
  );
}
