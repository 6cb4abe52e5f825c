import type { BackendInfo } from '../../worker/protocol.ts';
import { softwareRendererIn } from '../../worker/webgpuAdapter.ts';

/**
 * What trains, in plain words for the badge: "CPU (WebAssembly)", "GPU (WebGPU: nvidia
 * ampere)", and, for a software adapter, that the CPU does the GPU's work.
 */
export function trainingDevice({ name, adapter }: Pick<BackendInfo, 'name' | 'adapter'>): string {
  switch (name) {
    case 'wasm':
      return 'CPU (WebAssembly)';
    case 'cpu':
      return 'CPU (plain JavaScript)';
    case 'webgl':
    case 'webgpu': {
      const api = name === 'webgl' ? 'WebGL' : 'WebGPU';
      const software = softwareRendererIn(adapter);
      if (software) return `CPU, through a software GPU (${api} on ${software})`;
      return adapter ? `GPU (${api}: ${adapter})` : `GPU (${api})`;
    }
  }
}
