import type { ExperimentSpec, PointResult, ProbeRecord } from '../engine/index.ts';
import type { BackendChoice } from '../worker/protocol.ts';
import { isUserSource } from '../engine/data/catalog.ts';
import { noteBackendChoice, rememberedBackend } from './backendMemory.ts';
import { useNoticeStore } from '../stores/noticeStore.ts';
import { runLocks } from './runLocks.ts';
import { useRunStore } from '../stores/runStore.ts';
import { isActivePhase } from '../stores/runTypes.ts';
import { storedUserData } from './userDataStore.ts';
import { poolSize, TrainingPool } from './trainingPool.ts';
import { type LifeLocks, newRunId, type WorkerLike } from './workerClient.ts';
import { wantedWorkers } from './workerCount.ts';
import { WorkerSupply } from './workerSupply.ts';
import { BackendUpgrade } from './backendUpgrade.ts';

/** Web Locks where the browser has them (all current ones, in a secure context). */
const lifeLocks: LifeLocks | undefined =
  typeof navigator !== 'undefined' && 'locks' in navigator
    ? { whenFree: (name, signal) => navigator.locks.request(name, { signal }, () => undefined) }
    : undefined;

const trainingWorker = () =>
  new Worker(new URL('../worker/emc.worker.ts', import.meta.url), {
    type: 'module',
    name: 'emc-training',
  }) as unknown as WorkerLike;

/** Workers are started ahead of a comparison's next variant (see WorkerSupply). */
const supply = new WorkerSupply(trainingWorker);

/**
 * For testing the background timing where only software GPU adapters exist (this browser's
 * localStorage): auto then leaves them to be timed while the run trains instead of skipping them.
 */
const TIME_SOFTWARE_KEY = 'emc-lab.time-software-gpu';

function timeSoftwareLater(): boolean {
  try {
    return globalThis.localStorage?.getItem(TIME_SOFTWARE_KEY) === 'true';
  } catch {
    return false;
  }
}

/** Auto's GPU backends, timed while the run trains on a CPU backend (see BackendUpgrade). */
const upgrade = new BackendUpgrade({
  createWorker: trainingWorker,
  log: (level, text) => useRunStore.getState().note(level, text, performance.now()),
  moveTo: (runId, backend) => {
    const state = useRunStore.getState();
    if (state.runId !== runId || !state.spec) return;
    const { spec, probes, points } = state;
    // Remembered as auto's own measurement: the next run of this family starts on it.
    noteBackendChoice(spec.model.family, {
      name: backend,
      floatPrecision: 32,
      skipped: [],
      crossOriginIsolated: false,
      chosenBy: 'measured',
    });
    const kept = probes.length;
    void startRun(spec, backend, {
      runId,
      replay: probes.map(({ atSeconds: _, ...probe }) => probe),
      keptPoints: points,
    }).then(() =>
      useRunStore
        .getState()
        .note(
          'info',
          `Moved to ${backend}, measured faster while the run trained: ${kept} finished probe${kept === 1 ? '' : 's'} kept.`,
          performance.now(),
        ),
    );
  },
});

/** The lab's training workers, reporting to the run store. */
const client = new TrainingPool(
  () => supply.take(),
  {
    begin: (spec, runId, workers) => useRunStore.getState().begin(spec, runId, workers),
    apply: (messages, now) => {
      const family = useRunStore.getState().spec?.model.family;
      for (const message of messages)
        if (message.kind === 'backend' && family) noteBackendChoice(family, message.info);
      useRunStore.getState().apply(messages, now);
    },
    setPhase: (phase) => useRunStore.getState().setPhase(phase),
    phase: () => useRunStore.getState().phase,
    fail: (message, now) => useRunStore.getState().fail(message, now),
    markTerminated: (message, now) => useRunStore.getState().markTerminated(message, now),
  },
  undefined,
  { lifeLocks },
);

// The tab lets go of its run's lock as soon as the run ends, however it ends.
useRunStore.subscribe((state, previous) => {
  if (isActivePhase(previous.phase) && !isActivePhase(state.phase)) void runLocks.release();
});

useRunStore.subscribe((state, previous) => {
  if (!isActivePhase(state.phase) || state.viewing) {
    if (isActivePhase(previous.phase)) upgrade.cancel();
    return;
  }
  if (state.runId !== previous.runId) upgrade.cancel();
  // Only the worker that chose the backend says what is left to time (a pool's others do not).
  if (state.runId && state.spec && state.backend?.timeLater && state.backend !== previous.backend)
    upgrade.started(state.runId, state.spec, state.backend);
  // Between two probes, and only while training goes on (a paused run stays where it is).
  if (state.runId && state.phase === 'running' && state.probes.length > previous.probes.length)
    upgrade.probeFinished(state.runId);
});

/**
 * Starts a run in fresh workers (see TrainingPool: several on a CPU backend), unless another tab of this
 * browser runs it already (see RunLocks). A spec on the user's own data takes it from this
 * browser's store; without it, the engine names the file to load.
 */
export async function startRun(
  spec: ExperimentSpec,
  backend: BackendChoice,
  options: { runId?: string; replay?: ProbeRecord[]; keptPoints?: PointResult[] } = {},
): Promise<void> {
  const runId = options.runId ?? newRunId();
  if (!(await runLocks.hold(runId))) {
    useNoticeStore
      .getState()
      .push('warn', `“${spec.name}” is running in another tab of this browser; follow it there.`);
    return;
  }
  const userData =
    isUserSource(spec.data.source) && spec.data.sha256
      ? await storedUserData(spec.data.sha256)
      : undefined;
  const workers = workersFor(spec, backend);
  const remembered = backend === 'auto' ? rememberedBackend(spec.model.family) : undefined;
  const { keptPoints, ...startOptions } = options;
  client.start(spec, backend, {
    ...startOptions,
    runId,
    userData,
    remembered,
    workers,
    timeSoftwareLater: timeSoftwareLater(),
  });
  // What the run had finished is on the charts and in the counts at once, before the replay.
  if (options.replay?.length) useRunStore.getState().keep(options.replay, keptPoints ?? []);
}

function workersFor(spec: ExperimentSpec, backend: BackendChoice): number {
  const remembered = backend === 'auto' ? rememberedBackend(spec.model.family) : undefined;
  return poolSize(spec, backend, wantedWorkers(), remembered);
}

/**
 * Starts the workers a run of `spec` that is known to come next will take, while the run
 * before it trains: a comparison's variants then follow one another without a worker's start.
 */
export const prepareWorkers = (spec: ExperimentSpec, backend: BackendChoice): void =>
  supply.prepare(workersFor(spec, backend));

/** Nothing is known to come next any more: the prepared workers end. */
export const discardPreparedWorkers = (): void => supply.discard();

export const pauseRun = (): void => client.pause();
export const resumeRun = (): void => client.resume();
export const stopRun = (): void => client.stop();
