import { sweepPoints } from '../../engine/experiment/sweepPoints.ts';
import { useConfigStore } from '../../stores/configStore.ts';
import { startRun } from '../../effects/runner.ts';
import { useRunStore } from '../../stores/runStore.ts';
import { BACKEND_ORDER, type BackendName } from '../../worker/protocol.ts';

/**
 * After a crash, a lost GPU or a killed worker: resume the same run, replaying every
 * finished probe, on the same backend or on another.
 */
export function RecoveryOffer() {
  const phase = useRunStore((state) => state.phase);
  const spec = useRunStore((state) => state.spec);
  const runId = useRunStore((state) => state.runId);
  const probes = useRunStore((state) => state.probes);
  const backend = useRunStore((state) => state.backend?.name);
  const viewing = useRunStore((state) => state.viewing);
  const keptPoints = useRunStore((state) => state.points);
  const points = keptPoints.length;
  const interrupted =
    phase === 'failed' || (phase === 'cancelled' && points < (spec ? sweepPoints(spec).length : 0));
  if (!interrupted || !spec || viewing || probes.length === 0) return null;

  const current: BackendName = backend ?? 'cpu';
  // The same backend first, then the others in fallback order.
  const choices = [current, ...BACKEND_ORDER.filter((name) => name !== current)];
  const resume = (choice: BackendName) => {
    useConfigStore.getState().setBackend(choice);
    startRun(spec, choice, {
      runId,
      replay: probes.map(({ atSeconds: _, ...probe }) => probe),
      keptPoints,
    });
  };
  return (
    <div className="recovery" data-testid="recovery">
      <span>
        {probes.length} finished probe{probes.length > 1 ? 's are' : ' is'} kept. Resume from there
        on:
      </span>
      {choices.map((choice) => (
        <button key={choice} type="button" onClick={() => resume(choice)}>
          Resume on {choice}
          {choice === current ? ' (same)' : ''}
        </button>
      ))}
    </div>
  );
}
