/**
 * Is there a WebGPU adapter, and which? Asked by the page (for the badge before any run)
 * and by the worker (before starting tfjs' webgpu backend, whose start-up does not check
 * for a null adapter). No TensorFlow.js here, so the page can import it.
 */
import { softwareRendererIn } from './softwareRenderer.ts';

// The page names software adapters too (the badge), and may import only this worker module.
export { softwareRendererIn };

export type WebGpuProbe =
  | {
      ok: true;
      adapter?: string;
      /** Set for a software adapter: which ("SwiftShader"). */
      software?: string;
    }
  | { ok: false; reason: string };

interface AdapterLike {
  info?: {
    vendor?: string;
    architecture?: string;
    description?: string;
    device?: string;
    isFallbackAdapter?: boolean;
  };
  isFallbackAdapter?: boolean;
}

function webGpu(): { requestAdapter(): Promise<unknown> } | undefined {
  return (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
}

export function hasWebGpu(): boolean {
  return webGpu() !== undefined;
}

export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = webGpu();
  if (!gpu) return { ok: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  let adapter: unknown;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return { ok: false, reason: `requesting a WebGPU adapter failed: ${String(error)}` };
  }
  if (!adapter)
    return { ok: false, reason: 'no WebGPU adapter is available (GPU blocked or absent)' };
  const description = describeAdapter(adapter as AdapterLike);
  return { ok: true, adapter: description, software: softwareAdapter(adapter as AdapterLike) };
}

/** A fallback adapter is the browser's own word for a software one (spec: "isFallbackAdapter"). */
function softwareAdapter(adapter: AdapterLike): string | undefined {
  const named = softwareRendererIn(describeAdapter(adapter));
  if (named) return named;
  return adapter.info?.isFallbackAdapter || adapter.isFallbackAdapter
    ? 'a fallback (software) adapter'
    : undefined;
}

/** "google swiftshader", "nvidia ampere …": vendor, architecture and description when given. */
function describeAdapter({ info }: AdapterLike): string | undefined {
  const parts = [info?.vendor, info?.architecture, info?.description || info?.device];
  return parts.filter(Boolean).join(' ') || undefined;
}
