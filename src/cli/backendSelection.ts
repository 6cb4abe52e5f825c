import * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec } from '../engine/index.ts';
import {
  chooseFastestBackend,
  describeMeasuredChoice,
  startTfBackend,
} from '../engine/backendChoice.ts';
import { tuneWasmKernels } from '../engine/kernels/wasmKernels.ts';
import { installNodeWebGpu, vulkanDriverDeclared } from './nodeWebGpu.ts';

export const BACKENDS = ['auto', 'wasm', 'cpu', 'webgpu'] as const;
export type NodeBackend = (typeof BACKENDS)[number];

export interface SelectedBackend {
  /** For auto: every timing and the choice, in words. */
  measurement?: string;
  /** The WebGPU adapter, when training on webgpu. */
  adapter?: string;
}

/** Starts the chosen backend; for "auto", the fastest by measurement, described in the answer. */
export async function selectBackend(
  backend: NodeBackend,
  spec: ExperimentSpec,
): Promise<SelectedBackend> {
  const before = fatalListeners();
  try {
    return await startBackend(backend, spec);
  } finally {
    dropListenersAddedSince(before);
  }
}

async function startBackend(backend: NodeBackend, spec: ExperimentSpec): Promise<SelectedBackend> {
  // Production mode silences tfjs' advice to install tfjs-node (which downloads a binary and
  // so is not an option here), keeping stderr for our own progress.
  tf.enableProdMode();
  if (backend !== 'cpu' && backend !== 'webgpu') {
    await import('@tensorflow/tfjs-backend-wasm');
    tuneWasmKernels();
  }
  let adapter: string | undefined;
  let webgpuProblem: string | undefined;
  if (backend === 'webgpu' || (backend === 'auto' && vulkanDriverDeclared())) {
    const gpu = await installNodeWebGpu();
    if (gpu.ok) adapter = gpu.adapter;
    else webgpuProblem = gpu.reason;
  } else if (backend === 'auto') {
    webgpuProblem = 'no Vulkan driver installed';
  }
  if (backend === 'auto') {
    const choice = await chooseFastestBackend(['wasm', 'cpu', 'webgpu'], spec, async (name) =>
      name === 'webgpu' && webgpuProblem ? webgpuProblem : startTfBackend(name),
    );
    return {
      measurement: describeMeasuredChoice(choice),
      adapter: choice.chosen === 'webgpu' ? adapter : undefined,
    };
  }
  if (webgpuProblem) throw new Error(`the webgpu backend cannot start: ${webgpuProblem}`);
  const problem = await startTfBackend(backend);
  if (problem) throw new Error(`the ${backend} backend failed to start: ${problem}`);
  return { adapter };
}

type Listener = (...args: unknown[]) => void;

function fatalListeners(): Listener[][] {
  return [
    process.listeners('uncaughtException') as Listener[],
    process.listeners('unhandledRejection') as Listener[],
  ];
}

/**
 * tfjs-backend-wasm's Emscripten glue, once started, adds process listeners that rethrow
 * every uncaught error and unhandled rejection from inside its own bundle: Node then dies
 * with exit code 7 and prints the bundle's (minified) source line around the throw. They
 * are removed, leaving such errors to the CLI's own one-line report (fatal.ts).
 */
function dropListenersAddedSince([uncaught, unhandled]: Listener[][]): void {
  for (const listener of process.listeners('uncaughtException')) {
    if (!uncaught?.includes(listener as Listener)) process.off('uncaughtException', listener);
  }
  for (const listener of process.listeners('unhandledRejection')) {
    if (!unhandled?.includes(listener as Listener)) process.off('unhandledRejection', listener);
  }
}
