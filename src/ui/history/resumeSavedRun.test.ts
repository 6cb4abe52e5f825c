import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSpec } from '../../engine/experiment/index.ts';
import { RESULTS_VERSION } from '../../engine/results.ts';
import { pointResult, probeRecord, TEST_ENVIRONMENT } from '../../engine/testFixtures.ts';
import { useConfigStore } from '../../stores/configStore.ts';
import { DEFAULT_SPEC } from '../../stores/defaultSpec.ts';
import type { SavedRun } from '../../stores/historyStore.ts';
import { startRun } from '../../effects/runner.ts';
import { resumeSavedRun } from './resumeSavedRun.ts';

vi.mock('../../effects/runner.ts', () => ({ startRun: vi.fn() }));

const spec = parseSpec(DEFAULT_SPEC);
const probes = [probeRecord({ n: 14 }), probeRecord({ n: 28, fits: false })];
const points = [pointResult({ index: 0 })];
const saved = (backend: string, migrationNotes?: string[]): SavedRun => ({
  id: 'saved-run',
  savedAt: '2026-01-01T00:00:00.000Z',
  results: {
    format: 'emc-lab-results',
    version: RESULTS_VERSION,
    status: 'running',
    spec,
    environment: { ...TEST_ENVIRONMENT, backend },
    dataset: 'gaussian',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: null,
    points,
    probes,
  },
  ...(migrationNotes ? { migrationNotes } : {}),
});

beforeEach(() => {
  vi.mocked(startRun).mockClear();
  useConfigStore.getState().setBackend('auto');
});

describe('resuming a saved run', () => {
  it('restores the backend that trained it, and replays its probes with its points', () => {
    resumeSavedRun(saved('cpu'));
    expect(useConfigStore.getState().backend).toBe('cpu');
    expect(startRun).toHaveBeenCalledWith(spec, 'cpu', {
      runId: 'saved-run',
      replay: probes,
      keptPoints: points,
    });
  });

  it('keeps the chosen backend when the saved one is not a backend this lab picks', () => {
    useConfigStore.getState().setBackend('wasm');
    resumeSavedRun(saved('tensorflow'));
    expect(useConfigStore.getState().backend).toBe('wasm');
    expect(vi.mocked(startRun).mock.calls[0]?.[1]).toBe('wasm');
  });

  it('starts a run saved under older rules afresh, keeping nothing', () => {
    resumeSavedRun(saved('wasm', ['patience was in epochs']));
    expect(startRun).toHaveBeenCalledWith(spec, 'wasm', {
      runId: 'saved-run',
      replay: [],
      keptPoints: [],
    });
  });
});
