import type { ExperimentSpec } from '../engine/experiment/index.ts';
import { decodeLink, encodeLink } from '../share/linkCodec.ts';
import { checkForm, useConfigStore } from './configStore.ts';
import { useNoticeStore } from './noticeStore.ts';
import { useRunStore } from './runStore.ts';

/** Typing settles before the URL follows. */
const URL_DEBOUNCE_MS = 300;

let lastWritten = '';

/**
 * Keeps the experiment in the URL fragment: opening a link restores it (and its embedded
 * results), editing the form updates the link in place (replaceState: no history entry per
 * keystroke). An invalid form leaves the last valid link alone.
 */
export function startUrlSync(): () => void {
  applyLink(window.location.hash);
  const onHashChange = () => {
    if (window.location.hash !== lastWritten) applyLink(window.location.hash);
  };
  window.addEventListener('hashchange', onHashChange);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = useConfigStore.subscribe((state, previous) => {
    if (state.values === previous.values) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const { check } = checkForm(useConfigStore.getState().values);
      if (check.ok) writeUrl(check.spec, 'replace');
    }, URL_DEBOUNCE_MS);
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
    window.removeEventListener('hashchange', onHashChange);
  };
}

/** Puts a spec in the URL; "push" for explicit actions (loading a preset), so Back works. */
export function writeUrl(spec: ExperimentSpec, mode: 'replace' | 'push'): void {
  const { fragment } = encodeLink(spec);
  // Unchanged spec: keep the URL as it is (it may carry embedded results).
  if (fragment === lastWritten) return;
  lastWritten = fragment;
  if (mode === 'push') window.history.pushState(null, '', fragment);
  else window.history.replaceState(null, '', fragment);
}

function applyLink(hash: string): void {
  const decoded = decodeLink(hash);
  if (decoded.kind === 'none') return;
  if (decoded.kind === 'error') {
    useNoticeStore.getState().push('error', decoded.message);
    return;
  }
  lastWritten = encodeLink(decoded.spec).fragment;
  useConfigStore.getState().loadSpec(decoded.spec);
  if (decoded.results) useRunStore.getState().showResults(decoded.results, 'link');
  if (decoded.warning) useNoticeStore.getState().push('warn', decoded.warning);
}
