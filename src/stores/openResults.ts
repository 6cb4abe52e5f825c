import { parseResultsOrComparison } from '../share/comparisonFile.ts';
import { resultsFileSizeProblem } from '../share/resultsFile.ts';
import { useCompareStore } from './compareStore.ts';
import { useConfigStore } from './configStore.ts';
import { pushMigrationNotes, useNoticeStore } from './noticeStore.ts';
import type { SavedRun } from './historyStore.ts';
import { useRunStore } from './runStore.ts';

/** Opens a results file the person chose: one too large is refused on its size, unread. */
export async function importResultsFile(
  file: Pick<File, 'name' | 'size' | 'text'>,
): Promise<boolean> {
  const tooLarge = resultsFileSizeProblem(file.size);
  if (tooLarge) {
    useNoticeStore.getState().push('error', `${file.name}: ${tooLarge}`);
    return false;
  }
  return openResultsFile(file.name, await file.text());
}

/**
 * Opens a results file's text (or a comparison file's: every run on the chart, the last as
 * current): its experiment in the form, its results in the charts, and what
 * reading an older file reinterpreted in a notice. False when the file was refused (said in
 * an error notice).
 */
export function openResultsFile(name: string, text: string): boolean {
  const { push } = useNoticeStore.getState();
  const parsed = parseResultsOrComparison(text);
  if (!parsed.ok) {
    push('error', `${name}: ${parsed.error}`);
    return false;
  }
  useConfigStore.getState().loadSpec(parsed.results.spec);
  if (parsed.comparison) {
    useCompareStore.getState().show(parsed.comparison.title, parsed.comparison.runs);
  }
  useRunStore.getState().showResults(parsed.results, 'file');
  push('info', `Showing results from ${name}.`);
  pushMigrationNotes(name, parsed.migrationNotes);
  return true;
}

/** Shows a run saved in this browser, saying what reading an older one reinterpreted. */
export function viewSavedRun(run: SavedRun): void {
  useConfigStore.getState().loadSpec(run.results.spec);
  useRunStore.getState().showResults(run.results, 'history', run.id);
  pushMigrationNotes(savedRunSource(run), run.migrationNotes);
}

/** "Saved run “MLP sweep”": what a notice about a saved run names. */
export function savedRunSource(run: SavedRun): string {
  return `Saved run “${run.results.spec.name}”`;
}
