import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  BACKEND_ORDER,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
  type BackendTiming,
} from './protocol.ts';
import {
  chooseFastestBackend,
  describeMeasuredChoice,
  type MeasuredChoice,
  GIVE_UP_FACTOR,
  startTfBackend,
} from '../engine/backendChoice.ts';
import { timeTrainingSteps } from '../engine/train/stepTiming.ts';
import type { ExperimentSpec } from '../engine/index.ts';
import { tuneWasmKernels } from '../engine/kernels/wasmKernels.ts';
import { softwareRendererIn } from './softwareRenderer.ts';
import { probeWebGpu } from './webgpuAdapter.ts';

// Vite fingerprints the .wasm files; tell tfjs where each variant went.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});
tuneWasmKernels();

/**
 * Calls `onLost` if the WebGPU device behind the running backend goes away (driver reset,
 * GPU unplugged, or `device.destroy()`), with the browser's reason.
 */
export function watchGpuDevice(onLost: (message: string) => void): GpuDeviceLike | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined;
  const device = (tf.backend() as unknown as { device?: GpuDeviceLike }).device;
  device?.lost.then((info) =>
    onLost(
      `The GPU device was lost (${info.reason ?? 'unknown reason'}${info.message ? `: ${info.message}` : ''}).`,
    ),
  );
  return device;
}

export interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}

/**
 * Starts the backend a run trains on. An explicit choice starts that backend, falling back
 * down the order webgpu → webgl → wasm → cpu if it cannot start. "auto" starts `remembered`
 * (what auto measured fastest for this model family in this browser before) when given and
 * startable; otherwise it times the run's first training steps on every backend that starts
 * and keeps the fastest (see chooseFastestBackend), never timing a GPU backend that is
 * recognizably software (seconds of shader compilation to learn it is many times slower
 * than WASM). The GPU backends are not timed before the run when a CPU backend can start:
 * they are left to the background timing (BackendInfo.timeLater), so the first point never
 * waits for a shader compilation. tfjs registers WebGPU without checking for an adapter, so
 * probe for one ourselves first.
 */
export async function startBackend(
  choice: BackendChoice,
  spec?: ExperimentSpec,
  remembered?: BackendName,
  { timeSoftwareLater = false }: { timeSoftwareLater?: boolean } = {},
): Promise<BackendInfo> {
  if (choice === 'auto' && !spec) throw new Error('"auto" measures a run: it needs the spec');
  const skipped: string[] = [];
  const startable: BackendName[] = [];
  let adapter: string | undefined;
  for (const name of choice === 'auto' ? [...BACKEND_ORDER] : fallbacksFrom(choice)) {
    if (name === 'webgpu') {
      const gpu = await probeWebGpu();
      if (!gpu.ok) {
        skipped.push(`webgpu: ${gpu.reason}`);
        continue;
      }
      if (choice === 'auto' && gpu.software && !timeSoftwareLater) {
        skipped.push(notTimed('webgpu', gpu.software));
        continue;
      }
      adapter = gpu.adapter;
    }
    if (name === 'webgl' && choice === 'auto') {
      const software = softwareRendererIn(webGlRenderer());
      if (software && !timeSoftwareLater) {
        skipped.push(notTimed('webgl', software));
        continue;
      }
    }
    startable.push(name);
  }
  const describe = (name: BackendName, measured?: MeasuredChoice): BackendInfo => ({
    name,
    adapter: name === 'webgpu' ? adapter : name === 'webgl' ? webGlRenderer() : undefined,
    floatPrecision: floatPrecision(name),
    skipped,
    crossOriginIsolated: Boolean(globalThis.crossOriginIsolated),
    measurement: measured && describeMeasuredChoice(measured),
  });

  if (choice === 'auto' && remembered && startable.includes(remembered)) {
    const problem = await tryBackend(remembered);
    if (problem === undefined) {
      return {
        ...describe(remembered),
        chosenBy: 'remembered',
        measurement: `Training on ${remembered}: auto measured it the fastest for this model family in this browser before (choose a backend by hand to use another).`,
      };
    }
    skipped.push(`${remembered}: ${problem}`);
  }
  if (choice === 'auto') {
    // The CPU backends first: they compile nothing, and their time lets the GPU backends'
    // timing stop after a step or two when they are clearly slower.
    const order = [...startable].sort(
      (a, b) => MEASURE_ORDER.indexOf(a) - MEASURE_ORDER.indexOf(b),
    );
    const onCpu = order.filter((name) => !GPU_BACKENDS.includes(name));
    const later = onCpu.length > 0 ? order.filter((name) => GPU_BACKENDS.includes(name)) : [];
    const measured = await chooseFastestBackend(
      later.length > 0 ? onCpu : order,
      spec as ExperimentSpec,
      async (name) => {
        const problem = await tryBackend(name as BackendName);
        if (problem !== undefined && !skipped.some((line) => line.startsWith(`${name}:`)))
          skipped.push(`${name}: ${problem}`);
        return problem;
      },
    );
    const chosen = measured.chosen as BackendName;
    return {
      ...describe(chosen, measured),
      measurement: describeMeasuredChoice(measured, later),
      chosenBy: 'measured',
      msPerStep: measured.measurements.find((m) => m.name === chosen)?.timing?.msPerStep,
      timeLater: later.length > 0 ? later : undefined,
    };
  }
  for (const name of startable) {
    const problem = await tryBackend(name);
    if (problem === undefined) return describe(name);
    skipped.push(`${name}: ${problem}`);
  }
  throw new Error(`No TensorFlow.js backend could start:\n${skipped.join('\n')}`);
}

function notTimed(name: BackendName, software: string): string {
  return `${name}: ${software} is a software renderer (the CPU drawing), so auto does not time it; choose ${name} to train on it`;
}

/**
 * The WebGL renderer string, unmasked where the browser allows (Chromium reports e.g.
 * "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) …), SwiftShader driver)").
 */
function webGlRenderer(): string | undefined {
  if (typeof OffscreenCanvas === 'undefined') return undefined;
  const canvas = new OffscreenCanvas(1, 1);
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as
    WebGLRenderingContext | WebGL2RenderingContext | null;
  if (!gl) return undefined;
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(
    gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '',
  );
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer || undefined;
}

/**
 * Times each of `candidates` on the spec's first training steps (see BackendInfo.timeLater),
 * giving up on one that is clearly slower than `toBeatMs`. Never throws: a backend that fails
 * is answered with its problem.
 */
export async function timeBackends(
  candidates: readonly BackendName[],
  spec: ExperimentSpec,
  toBeatMs: number,
): Promise<BackendTiming[]> {
  const timings: BackendTiming[] = [];
  for (const name of candidates) {
    const problem = await tryBackend(name);
    if (problem !== undefined) {
      timings.push({ name, problem });
      continue;
    }
    try {
      const timing = await timeTrainingSteps(spec, { giveUpAboveMs: GIVE_UP_FACTOR * toBeatMs });
      timings.push({ name, ...timing });
    } catch (error) {
      timings.push({ name, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  return timings;
}

const GPU_BACKENDS: readonly BackendName[] = ['webgl', 'webgpu'];
const MIN_CORES_FOR_WASM_THREADS = 4;
const MEASURE_ORDER: readonly BackendName[] = ['wasm', 'cpu', 'webgl', 'webgpu'];

/** An explicit choice still falls back, but only to the backends after it. */
function fallbacksFrom(choice: BackendName): BackendName[] {
  return BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(choice));
}

async function tryBackend(name: BackendName): Promise<string | undefined> {
  if (name === 'wasm') {
    // tfjs-backend-wasm 4.22 caps its thread pool at half the logical cores (one thread on a
    // 2-core machine, where the threaded build measured no faster) and starts 8 workers for
    // it; its matrix products run on the calling thread whatever the pool. So threads only
    // where they can exist: 4+ cores, a cross-origin isolated page (vite.config.ts keeps
    // their start-up working after minification).
    const cores = navigator.hardwareConcurrency || 1;
    if (cores < MIN_CORES_FOR_WASM_THREADS) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    else setThreadsCount(cores);
  }
  if (name === 'webgl' && typeof OffscreenCanvas === 'undefined') {
    return 'WebGL in a worker needs OffscreenCanvas, which this browser lacks';
  }
  return startTfBackend(name);
}

/**
 * tfjs-backend-webgl 4.22 answers 16 from floatPrecision() exactly when it renders to
 * float32 textures (its underflow test runs only otherwise), so read the flag directly.
 */
function floatPrecision(name: BackendName): number {
  if (name === 'webgl' && tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) return 32;
  return tf.backend().floatPrecision();
}
