import { useEffect } from 'react';
import type { ExperimentSpec } from '../../engine/index.ts';
import { pauseRun, resumeRun, startRun, stopRun } from '../../effects/runner.ts';
import { useRunStore } from '../../stores/runStore.ts';
import { isActivePhase } from '../../stores/runTypes.ts';
import type { BackendChoice } from '../../worker/protocol.ts';

/** What a key press does to the run in `phase`, or undefined when the key is not ours. */
export function shortcutAction(
  key: string,
  phase: string,
  canRun: boolean,
): 'run' | 'pause' | 'resume' | 'stop' | undefined {
  if (key === ' ') {
    if (phase === 'running') return 'pause';
    if (phase === 'paused') return 'resume';
    if (!isActivePhase(phase as never) && canRun) return 'run';
    return undefined;
  }
  if (key === 'Escape' && (phase === 'running' || phase === 'paused' || phase === 'starting')) {
    return 'stop';
  }
  return undefined;
}

/**
 * Keys that belong to the focused element (typing, pressing a button, scrolling the log)
 * are left to it: anything focusable has them, the page itself does not.
 */
function ownsKeys(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement) || target === document.body) return false;
  return target.isContentEditable || target.tabIndex >= 0;
}

/**
 * Space runs, pauses and resumes; Esc stops: for a teacher at a projector. Only when no
 * control has the focus, so typing and buttons keep their own keys.
 */
export function useRunShortcuts(spec: ExperimentSpec | undefined, backend: BackendChoice): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || ownsKeys(event.target)) return;
      const action = shortcutAction(event.key, useRunStore.getState().phase, spec !== undefined);
      if (!action) return;
      event.preventDefault();
      if (action === 'run' && spec) startRun(spec, backend);
      else if (action === 'pause') pauseRun();
      else if (action === 'resume') resumeRun();
      else if (action === 'stop') stopRun();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [spec, backend]);
}
