// The browser half of `npm run bench` (bench.html): step rates on every backend this
// browser offers and the parallel search's gain, read back by scripts/bench.ts through
// window.emcBench.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { startBackend } from '../worker/backends.ts';
import { BACKEND_ORDER } from '../worker/protocol.ts';
import { measureParallelSearch, type ParallelSearchRow } from './parallelSearch.ts';
import { measureStepRate, STEP_RATE_CASES, type StepRate } from './stepRate.ts';

export interface BrowserBackendBench {
  backend: string;
  available: boolean;
  note?: string;
  rates: StepRate[];
  /** One EMC point with 1 and with 4 probes per round (not on cpu: minutes, and no GPU). */
  parallel: ParallelSearchRow[];
}

declare global {
  interface Window {
    emcBench?: { done: boolean; results: BrowserBackendBench[]; error?: string };
  }
}

/** Fewer timed runs than in Node: the browser's software backends are slow. */
const BROWSER_REPEATS = 2;

async function main(): Promise<void> {
  const state: NonNullable<Window['emcBench']> = { done: false, results: [] };
  window.emcBench = state;
  tf.enableProdMode();
  // bench.html?nothreads runs tfjs' single-threaded wasm build, for comparison.
  if (new URLSearchParams(location.search).has('nothreads')) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  // bench.html?backends=wasm,cpu measures only those (for a quick look by hand).
  const only = new URLSearchParams(location.search).get('backends')?.split(',');
  for (const backend of BACKEND_ORDER.filter((name) => !only || only.includes(name))) {
    // The lab's own backend setup; a backend that cannot start falls back, which is how we
    // learn it is unavailable here and why.
    const info = await startBackend(backend);
    if (info.name !== backend) {
      const note = info.skipped.find((reason) => reason.startsWith(`${backend}:`));
      state.results.push({ backend, available: false, note, rates: [], parallel: [] });
      continue;
    }
    const rates: StepRate[] = [];
    // Software backends (pure-JS cpu, SwiftShader's WebGPU) take minutes for the larger CNN
    // and are nobody's choice for it; a real GPU gets every case.
    const software = backend === 'cpu' || /swiftshader/i.test(info.adapter ?? '');
    const cases = STEP_RATE_CASES.filter((c) => !software || c.id !== 'cnn-large');
    for (const c of cases) {
      rates.push(await measureStepRate(c, BROWSER_REPEATS));
      console.log(`${backend} ${c.label}: done`);
    }
    const parallel = backend === 'cpu' ? [] : await measureParallelSearch();
    console.log(`${backend} parallel search: done`);
    const note =
      backend === 'wasm'
        ? `${getThreadsCount()} thread(s), multithread ${String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))}`
        : info.adapter;
    state.results.push({ backend, available: true, note, rates, parallel });
    document.body.textContent = `measured ${state.results.length} backends`;
  }
  state.done = true;
}

main().catch((error: unknown) => {
  window.emcBench = { done: true, results: window.emcBench?.results ?? [], error: String(error) };
});
