import type { ExperimentSpec } from '../engine/experiment/index.ts';
import {
  LESSON,
  type LessonStep,
  lessonPreset,
  lessonStepFromHash,
  withLessonStep,
} from '../presets/lessons.ts';
import { decodeLink, encodeLink, LINK_PARAM } from '../share/linkCodec.ts';
import { useCompareStore } from '../stores/compareStore.ts';
import { checkForm, useConfigStore } from '../stores/configStore.ts';
import { useLessonStore } from '../stores/lessonStore.ts';
import { loadPreset } from './presetActions.ts';
import { pushMigrationNotes, useNoticeStore } from '../stores/noticeStore.ts';
import { useRunStore } from '../stores/runStore.ts';

/** Typing settles before the URL follows. */
const URL_DEBOUNCE_MS = 300;

let lastWritten = '';

/**
 * Keeps the experiment in the URL fragment, the URL's one writer: opening a link restores it
 * (and its embedded results), editing the form updates the link in place (replaceState: no
 * history entry per keystroke), and a load that asked for a history entry (a preset) pushes
 * one. An invalid form leaves the last valid link alone.
 */
export function startUrlSync(): () => void {
  const onHashChange = () => {
    if (window.location.hash !== lastWritten) applyLink(window.location.hash);
  };
  window.addEventListener('hashchange', onHashChange);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = useConfigStore.subscribe((state, previous) => {
    if (state.values === previous.values) return;
    clearTimeout(timer);
    if (state.historyEntries !== previous.historyEntries) {
      // An explicit load (a preset): its own history entry, at once, so Back returns to it.
      const { check } = checkForm(state.values);
      if (check.ok) writeUrl(check.spec, 'push');
      return;
    }
    timer = setTimeout(() => {
      const { check } = checkForm(useConfigStore.getState().values);
      if (check.ok) writeUrl(check.spec, 'replace');
    }, URL_DEBOUNCE_MS);
  });
  // The lesson's step (opened, moved on, closed) follows in place: no history entry.
  const unsubscribeLesson = useLessonStore.subscribe((state) => writeLessonStep(state.step));
  // Once the writer listens: a lesson link without an experiment loads the step's demo, whose
  // experiment then joins the step in the URL.
  applyLink(window.location.hash);
  return () => {
    clearTimeout(timer);
    unsubscribe();
    unsubscribeLesson();
    window.removeEventListener('hashchange', onHashChange);
  };
}

/** Puts the lesson's step beside the experiment in the URL (none: the lab used freely). */
function writeLessonStep(step: number | undefined): void {
  const next = withLessonStep(window.location.hash, step);
  if (next !== window.location.hash)
    window.history.replaceState(null, '', next || window.location.pathname);
}

/** Puts a spec in the URL; "push" for explicit actions (loading a preset), so Back works. */
function writeUrl(spec: ExperimentSpec, mode: 'replace' | 'push'): void {
  // An open lesson keeps its step beside the experiment (#lesson=3&e=…).
  const fragment = withLessonStep(encodeLink(spec).fragment, useLessonStore.getState().step);
  // Unchanged spec: keep the URL as it is (it may carry embedded results).
  if (fragment === lastWritten) return;
  lastWritten = fragment;
  if (mode === 'push') window.history.pushState(null, '', fragment);
  else window.history.replaceState(null, '', fragment);
}

/** Opens a link: its experiment, its results, and a notice for anything read differently. */
export function applyLink(hash: string): void {
  const step = lessonStepFromHash(hash);
  if (step !== undefined) {
    useLessonStore.getState().open(step);
    // A lesson link without an experiment opens the step's own demo.
    if (!new URLSearchParams(hash.slice(1)).has(LINK_PARAM)) {
      loadPreset(lessonPreset(LESSON[step - 1] as LessonStep));
      return;
    }
  }
  const decoded = decodeLink(hash);
  if (decoded.kind === 'none') return;
  if (decoded.kind === 'error') {
    useNoticeStore.getState().push('error', decoded.message);
    return;
  }
  lastWritten = withLessonStep(encodeLink(decoded.spec).fragment, step);
  useConfigStore.getState().loadSpec(decoded.spec);
  // A comparison's runs go on the chart first: the current run among them is drawn once.
  if (decoded.comparison) {
    useCompareStore.getState().show(decoded.comparison.title, decoded.comparison.runs);
  }
  if (decoded.results) useRunStore.getState().showResults(decoded.results, 'link');
  if (decoded.warning) useNoticeStore.getState().push('warn', decoded.warning);
  pushMigrationNotes('The link', decoded.migrationNotes);
}
