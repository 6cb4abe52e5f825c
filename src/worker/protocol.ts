/**
 * The one message protocol between the lab page and its training worker. Type-only: both
 * sides import it, neither imports the other's code. Every message has a `kind`.
 */
import type {
  EngineEvent,
  ExperimentResults,
  ExperimentSpec,
  ProbeRecord,
  ShardId,
  UserDataFile,
  UserDataSummary,
} from '../engine/index.ts';

/** Backends in fallback order; "auto" walks it from the top. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];
export type BackendChoice = 'auto' | BackendName;

/** Which backend runs, on what, and why the ones before it were skipped. */
export interface BackendInfo {
  name: BackendName;
  /** The GPU adapter (vendor, architecture, description) when WebGPU runs; WebGL's renderer. */
  adapter?: string;
  /** 32, or 16 where WebGL computes in half precision (an exact 100% test then may mislead). */
  floatPrecision: number;
  /** One line per backend that was tried and skipped, in order. */
  skipped: string[];
  /** For "auto": each backend's measured step time and the choice, as one sentence. */
  measurement?: string;
  /** For "auto": timed now, or what it measured fastest for this model family before. */
  chosenBy?: 'measured' | 'remembered';
  /** Whether the WASM backend may use threads (needs cross-origin isolation). */
  crossOriginIsolated: boolean;
  /** For "auto": the chosen backend's measured time of one training step. */
  msPerStep?: number;
  /**
   * For "auto": GPU backends not timed before the run, so that the first point never waits
   * for a shader compilation; a second worker times them while this backend trains, and the
   * run moves to one that is faster between two probes (effects/backendUpgrade.ts).
   */
  timeLater?: BackendName[];
}

/** One backend timed in the background: its step time, or why it could not be timed. */
export interface BackendTiming {
  name: BackendName;
  msPerStep?: number;
  /** Steps timed after the warm-up; 0 when the first step alone showed it cannot win. */
  steps?: number;
  warmupMs?: number;
  problem?: string;
}

export type WorkerCommand =
  /** `replay`: probes of an interrupted run of the same spec, reused instead of retrained. */
  /** `userData`: the user's own data, for a spec on "csv" or "images" (never leaves the machine). */
  /** `remembered`: for "auto", the backend it measured fastest for this model family before. */
  | {
      kind: 'start';
      spec: ExperimentSpec;
      backend: BackendChoice;
      remembered?: BackendName;
      replay?: ProbeRecord[];
      userData?: UserDataFile;
      /** One of the pool's workers: only these (width, seed) jobs of the sweep (see shards.ts). */
      shard?: ShardId;
      /**
       * The merged results of a sweep whose jobs the pool's workers ran apart: this worker
       * measures only their generalization, and finishes with the whole run's results.
       */
      measured?: ExperimentResults;
      /** A Web Lock the worker holds for its whole life: its release tells the page it ended. */
      lifeLock?: string;
      /**
       * For "auto": software GPU adapters are left for the background timing (timeLater)
       * instead of skipped. For testing the background timing where only software ones exist.
       */
      timeSoftwareLater?: boolean;
    }
  /**
   * Times `candidates` on the spec's first training steps, giving up on one that is clearly
   * slower than `toBeatMs` (the step time of the backend that trains meanwhile), and answers
   * 'backend-timing'. A worker of its own, ended after it answers.
   */
  | { kind: 'time-backends'; spec: ExperimentSpec; candidates: BackendName[]; toBeatMs: number }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'stop' }
  /** The page's heartbeat: the worker answers 'alive' whenever its event loop is free. */
  | { kind: 'ping' };

export type WorkerMessage =
  | { kind: 'backend'; info: BackendInfo }
  | { kind: 'engine'; event: EngineEvent }
  | { kind: 'paused'; paused: boolean }
  /** Answers a ping. */
  | { kind: 'alive' }
  /** The worker now holds the start command's `lifeLock`. */
  | { kind: 'life-lock-held' }
  /** Something outside the engine's own error handling went wrong (backend start, a bug). */
  | { kind: 'fatal'; message: string }
  /** The answer to 'time-backends'. */
  | { kind: 'backend-timing'; timings: BackendTiming[] };

/**
 * The data reader's worker: the user's files are unzipped, decoded and checked there, off
 * the page's thread (a 257 MB CSV takes seconds), one fresh worker per read.
 */
export interface ReadDataRequest {
  kind: 'read-data';
  source: 'csv' | 'images';
  /** Files chosen or dropped, with their paths in a chosen folder (a worker cannot see those). */
  chosen?: { files: File[]; paths: string[] };
  /** Or data this browser stored before, read again (with another label column, say). */
  stored?: UserDataFile;
  options: { labelColumn?: string; size?: [number, number] };
}

export type ReadDataReply =
  | { kind: 'data-progress'; stage: string }
  | { kind: 'data-read'; file: UserDataFile; summary: UserDataSummary }
  | { kind: 'data-refused'; error: string };
