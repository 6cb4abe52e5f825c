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
} from './protocol.ts';
import {
  chooseFastestBackend,
  describeMeasuredChoice,
  type MeasuredChoice,
  startTfBackend,
} from '../engine/backendChoice.ts';
import type { ExperimentSpec } from '../engine/index.ts';
import { tuneWasmKernels } from '../engine/kernels/wasmKernels.ts';
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
 * down the order webgpu → webgl → wasm → cpu if it cannot start. "auto" times the run's
 * first training steps on every backend that starts and keeps the fastest (see
 * chooseFastestBackend). tfjs registers WebGPU without checking for an adapter, so probe
 * for one ourselves first.
 */
export async function startBackend(
  choice: BackendChoice,
  spec?: ExperimentSpec,
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
      adapter = gpu.adapter;
    }
    startable.push(name);
  }
  const describe = (name: BackendName, measured?: MeasuredChoice): BackendInfo => ({
    name,
    adapter: name === 'webgpu' ? adapter : undefined,
    floatPrecision: floatPrecision(name),
    skipped,
    crossOriginIsolated: Boolean(globalThis.crossOriginIsolated),
    measurement: measured && describeMeasuredChoice(measured),
  });

  if (choice === 'auto') {
    // The CPU backends first: they compile nothing, and their time lets the GPU backends'
    // timing stop after a step or two when they are clearly slower.
    const order = [...startable].sort(
      (a, b) => MEASURE_ORDER.indexOf(a) - MEASURE_ORDER.indexOf(b),
    );
    const measured = await chooseFastestBackend(order, spec as ExperimentSpec, async (name) => {
      const problem = await tryBackend(name as BackendName);
      if (problem !== undefined && !skipped.some((line) => line.startsWith(`${name}:`)))
        skipped.push(`${name}: ${problem}`);
      return problem;
    });
    return describe(measured.chosen as BackendName, measured);
  }
  for (const name of startable) {
    const problem = await tryBackend(name);
    if (problem === undefined) return describe(name);
    skipped.push(`${name}: ${problem}`);
  }
  throw new Error(`No TensorFlow.js backend could start:\n${skipped.join('\n')}`);
}

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
