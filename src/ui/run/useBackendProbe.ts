import { useEffect, useState } from 'react';
import { hasWebGpu, probeWebGpu, type WebGpuProbe } from '../../worker/webgpuAdapter.ts';

/** `undefined` while the adapter is being requested. */
export type BackendProbe = WebGpuProbe | undefined;

/**
 * Before any run: can this browser use WebGPU? A cheap look at navigator.gpu from the page,
 * so the badge is right before TensorFlow.js is even loaded (the worker decides for real).
 */
export function useBackendProbe(): BackendProbe {
  const [probe, setProbe] = useState<BackendProbe>(() =>
    hasWebGpu() ? undefined : { ok: false, reason: 'this browser has no WebGPU' },
  );
  useEffect(() => {
    let live = true;
    if (hasWebGpu()) {
      void probeWebGpu().then((result) => {
        if (live) setProbe(result);
      });
    }
    return () => {
      live = false;
    };
  }, []);
  return probe;
}
