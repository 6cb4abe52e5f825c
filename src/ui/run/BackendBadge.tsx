import { useRunStore } from '../../stores/runStore.ts';
import { trainingDevice } from './trainingDevice.ts';
import { useBackendProbe } from './useBackendProbe.ts';

/** Always says which TensorFlow.js backend trains (or will, before the first run). */
export function BackendBadge() {
  const backend = useRunStore((state) => state.backend);
  const probe = useBackendProbe();
  if (backend) {
    const precision = backend.floatPrecision < 32 ? `, float${backend.floatPrecision}` : '';
    return (
      <output
        className={`backend-badge ${backend.name}`}
        data-testid="backend-badge"
        data-backend={backend.name}
        // Projector mode shortens the badge; the whole of it stays one hover away.
        title={`${trainingDevice(backend)}: tfjs backend ${backend.name}${backend.adapter ? ` (${backend.adapter})` : ''}${precision}`}
      >
        Training on: <strong>{trainingDevice(backend)}</strong>
        {precision}
      </output>
    );
  }
  const expected =
    probe === undefined
      ? 'checking WebGPU…'
      : probe.ok
        ? `webgpu available${probe.adapter ? ` (${probe.adapter})` : ''}`
        : `no WebGPU: ${probe.reason}`;
  return (
    <output className="backend-badge pending" data-testid="backend-badge" data-backend="">
      Backend: {expected}
    </output>
  );
}
