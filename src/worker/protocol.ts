/**
 * The one message protocol between the lab page and its training worker. Type-only: both
 * sides import it, neither imports the other's code. Every message has a `kind`.
 */
import type { EngineEvent, ExperimentSpec, ProbeRecord, UserDataFile } from '../engine/index.ts';

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
    }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'stop' };

export type WorkerMessage =
  | { kind: 'backend'; info: BackendInfo }
  | { kind: 'engine'; event: EngineEvent }
  | { kind: 'paused'; paused: boolean }
  /** Something outside the engine's own error handling went wrong (backend start, a bug). */
  | { kind: 'fatal'; message: string };
