import { describe, expect, it } from 'vitest';
import { parseSpec } from '../engine/experiment/index.ts';
import type { BackendInfo, BackendName, BackendTiming } from '../worker/protocol.ts';
import { BackendUpgrade, describeBackgroundTiming, fasterBackend } from './backendUpgrade.ts';
import { DEFAULT_SPEC } from '../stores/defaultSpec.ts';
import { FakeWorker } from './testWorkers.ts';

const spec = parseSpec(DEFAULT_SPEC);

const onWasm = (timeLater?: BackendName[]): BackendInfo => ({
  name: 'wasm',
  floatPrecision: 32,
  skipped: [],
  crossOriginIsolated: false,
  chosenBy: 'measured',
  msPerStep: 2,
  timeLater,
});

function harness() {
  const workers: FakeWorker[] = [];
  const logs: string[] = [];
  const moves: Array<[string, BackendName]> = [];
  const upgrade = new BackendUpgrade({
    createWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    log: (_level, text) => logs.push(text),
    moveTo: (runId, backend) => moves.push([runId, backend]),
  });
  return { upgrade, workers, logs, moves };
}

const timed = (name: BackendName, msPerStep: number, steps = 32): BackendTiming => ({
  name,
  msPerStep,
  steps,
  warmupMs: 800,
});

describe('choosing a backend measured in the background', () => {
  it('moves only to a backend timed at least 1.25 times faster, never one given up in its warm-up', () => {
    expect(fasterBackend(10, [timed('webgpu', 7)])?.name).toBe('webgpu');
    expect(fasterBackend(10, [timed('webgpu', 9)])).toBeUndefined();
    expect(fasterBackend(10, [timed('webgpu', 1, 0)])).toBeUndefined();
    expect(fasterBackend(10, [timed('webgl', 6), timed('webgpu', 3)])?.name).toBe('webgpu');
    expect(
      fasterBackend(10, [{ name: 'webgpu', problem: 'failed to initialize' }]),
    ).toBeUndefined();
  });

  it('says what it timed and what follows', () => {
    expect(describeBackgroundTiming('wasm', 2, [timed('webgpu', 5400, 0)])).toBe(
      'Timed while wasm trained (2.0 ms a step): webgpu over 5.4 s (its first step); training stays on wasm.',
    );
    expect(describeBackgroundTiming('wasm', 40, [timed('webgpu', 10)])).toBe(
      'Timed while wasm trained (40 ms a step): webgpu 10 ms; webgpu is 4.0× faster: the run moves to it after the next probe, keeping every finished one.',
    );
  });
});

describe('the background timing of a run', () => {
  it('times what auto left for later in a worker of its own, against the step time of the backend training', () => {
    const { upgrade, workers } = harness();
    upgrade.started('run-1', spec, onWasm(['webgpu']));
    expect(workers).toHaveLength(1);
    expect(workers[0]?.sent).toEqual([
      { kind: 'time-backends', spec, candidates: ['webgpu'], toBeatMs: 2 },
    ]);
  });

  it('starts nothing when nothing was left for later', () => {
    const { upgrade, workers } = harness();
    upgrade.started('run-1', spec, onWasm());
    upgrade.started('run-1', spec, { ...onWasm(['webgpu']), msPerStep: undefined });
    expect(workers).toHaveLength(0);
  });

  it('moves the run to a faster backend at the next finished probe, once', () => {
    const { upgrade, workers, logs, moves } = harness();
    upgrade.started('run-1', spec, { ...onWasm(['webgpu']), msPerStep: 40 });
    upgrade.probeFinished('run-1');
    expect(moves).toEqual([]);
    workers[0]?.emit({ kind: 'backend-timing', timings: [timed('webgpu', 8)] });
    expect(workers[0]?.terminated).toBe(true);
    expect(logs[0]).toContain('webgpu is 5.0× faster');
    upgrade.probeFinished('another-run');
    expect(moves).toEqual([]);
    upgrade.probeFinished('run-1');
    upgrade.probeFinished('run-1');
    expect(moves).toEqual([['run-1', 'webgpu']]);
  });

  it('stays on the CPU backend when the GPU is slower', () => {
    const { upgrade, workers, logs, moves } = harness();
    upgrade.started('run-1', spec, onWasm(['webgl', 'webgpu']));
    workers[0]?.emit({
      kind: 'backend-timing',
      timings: [timed('webgl', 30), { name: 'webgpu', problem: 'no adapter' }],
    });
    upgrade.probeFinished('run-1');
    expect(moves).toEqual([]);
    expect(logs[0]).toContain('training stays on wasm');
    expect(logs[0]).toContain('webgpu: no adapter');
  });

  it('ends its worker when the run ends, and moves nothing after', () => {
    const { upgrade, workers, moves } = harness();
    upgrade.started('run-1', spec, { ...onWasm(['webgpu']), msPerStep: 40 });
    upgrade.cancel();
    expect(workers[0]?.terminated).toBe(true);
    expect(upgrade.timing).toBe(false);
    workers[0]?.emit({ kind: 'backend-timing', timings: [timed('webgpu', 8)] });
    upgrade.probeFinished('run-1');
    expect(moves).toEqual([]);
  });

  it('reports a timing worker that crashes and keeps training where it is', () => {
    const { upgrade, workers, logs, moves } = harness();
    upgrade.started('run-1', spec, onWasm(['webgpu']));
    workers[0]?.onerror?.({ message: 'out of memory', preventDefault: () => {} } as ErrorEvent);
    expect(workers[0]?.terminated).toBe(true);
    expect(logs[0]).toBe(
      'Timing webgpu in the background failed (out of memory); training stays on wasm.',
    );
    upgrade.probeFinished('run-1');
    expect(moves).toEqual([]);
  });
});
