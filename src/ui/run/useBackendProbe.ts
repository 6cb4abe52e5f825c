import { useEffect, useState } from 'react';

export interface BackendProbe {
  webgpu: 'checking' | 'available' | 'unavailable';
  adapter?: string;
  reason?: string;
}

/**
 * Before any run: can this browser use WebGPU? A cheap look at navigator.gpu from the page,
 * so the badge is right before TensorFlow.js is even loaded (the worker decides for real).
 */
export function useBackendProbe(): BackendProbe {
  const [probe, setProbe] = useState<BackendProbe>(() =>
    webGpu()
      ? { webgpu: 'checking' }
      : { webgpu: 'unavailable', reason: 'this browser has no WebGPU' },
  );
  useEffect(() => {
    let live = true;
    webGpu()
      ?.requestAdapter()
      .then((adapter) => {
        if (!live) return;
        if (!adapter) setProbe({ webgpu: 'unavailable', reason: 'no WebGPU adapter is available' });
        else setProbe({ webgpu: 'available', adapter: describeAdapter(adapter as AdapterLike) });
      })
      .catch((error: unknown) => {
        if (live) setProbe({ webgpu: 'unavailable', reason: String(error) });
      });
    return () => {
      live = false;
    };
  }, []);
  return probe;
}

function webGpu(): { requestAdapter(): Promise<unknown> } | undefined {
  return (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
}

interface AdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string };
}

function describeAdapter(adapter: AdapterLike): string | undefined {
  const info = adapter.info;
  return (
    [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || undefined
  );
}
