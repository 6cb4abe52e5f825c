import { useMemo } from 'react';
import { create } from 'zustand';
// The spec module only: the page must not pull TensorFlow.js into its bundle.
import {
  type ExperimentSpecInput,
  FILLED_ON_LOAD,
  type SpecCheck,
  readSpec,
} from '../engine/experiment/index.ts';
import { isUserSource } from '../engine/data/catalog.ts';
import type { UserDataSummary } from '../engine/data/userDataSummary.ts';
import type { BackendChoice } from '../worker/protocol.ts';
import { DEFAULT_SPEC } from './defaultSpec.ts';
import {
  type FormValues,
  fieldOfError,
  namingListItem,
  formValuesFromSpec,
  specInputFromForm,
  withFieldChange,
  withUserData,
} from './formFields.ts';

/**
 * The experiment being edited. It stores the form's raw text, not a parsed spec, so that
 * what a person typed is never lost or silently corrected; validity is derived from it.
 */
interface ConfigState {
  values: FormValues;
  backend: BackendChoice;
  setValue(path: string, text: string): void;
  setBackend(backend: BackendChoice): void;
  /** The user's data was loaded: set its fields and what it fixes (see withUserData). */
  applyUserData(summary: UserDataSummary): void;
  /**
   * Replaces the whole form with a spec (a link, a preset, a run from the history).
   * `historyEntry`: an explicit choice (a preset) that Back should undo; the URL's writer
   * (urlSync.ts) pushes a browser history entry for it instead of replacing the URL.
   */
  loadSpec(spec: ExperimentSpecInput, intent?: { historyEntry?: boolean }): void;
  /** Counts the loads that asked for a history entry: the URL's writer follows it. */
  historyEntries: number;
  reset(): void;
}

export const useConfigStore = create<ConfigState>()((set) => ({
  values: formValuesFromSpec(DEFAULT_SPEC),
  backend: 'auto',
  setValue: (path, text) => set((state) => ({ values: withFieldChange(state.values, path, text) })),
  setBackend: (backend) => set({ backend }),
  applyUserData: (summary) => set((state) => ({ values: withUserData(state.values, summary) })),
  historyEntries: 0,
  loadSpec: (spec, intent) =>
    set((state) => ({
      values: formValuesFromSpec(spec),
      historyEntries: state.historyEntries + (intent?.historyEntry ? 1 : 0),
    })),
  reset: () => set({ values: formValuesFromSpec(DEFAULT_SPEC) }),
}));

export interface FormCheck {
  check: SpecCheck;
  /** Messages by form field path; messages about no single field under "". */
  errorsByField: Record<string, string[]>;
  /**
   * The data source is the person's own file and none is loaded yet: what the file fills in
   * is awaited, not wrong, so it is left out of errorsByField (the run still waits for it).
   */
  awaitingFile?: 'csv' | 'images';
}

export function checkForm(values: FormValues): FormCheck {
  const check = readSpec(specInputFromForm(values));
  const errorsByField: Record<string, string[]> = {};
  const source = values['data.source'] ?? '';
  const awaitingFile =
    isUserSource(source) && (values['data.sha256'] ?? '').trim() === '' ? source : undefined;
  if (!check.ok) {
    for (const message of check.errors) {
      if (awaitingFile && message.endsWith(`: ${FILLED_ON_LOAD}`)) continue;
      const field = fieldOfError(message) ?? '';
      const named = namingListItem(message, field, values[field] ?? '');
      errorsByField[field] = [...(errorsByField[field] ?? []), named];
    }
  }
  return { check, errorsByField, ...(awaitingFile ? { awaitingFile } : {}) };
}

/** How many messages the form shows (what an awaited file fills in is not one). */
export function problemCount({ errorsByField }: FormCheck): number {
  return Object.values(errorsByField).reduce((sum, messages) => sum + messages.length, 0);
}

/** The current form validated against the engine's schema (recomputed only when it changes). */
export function useFormCheck(): FormCheck {
  const values = useConfigStore((state) => state.values);
  return useMemo(() => checkForm(values), [values]);
}
