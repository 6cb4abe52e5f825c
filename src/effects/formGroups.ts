import { create } from 'zustand';
import type { KeyValueStorage } from './backendMemory.ts';
import type { FieldDef, FormValues } from '../stores/formFields.ts';

/**
 * Which of the form's groups are folded, remembered in this browser (localStorage). The
 * training and search settings start folded: their summary line says what they hold, and
 * the form then fits beside the charts instead of running 2,400 px down the page.
 */
export type FormGroup = FieldDef['group'];

export const FORM_GROUPS: readonly FormGroup[] = [
  'Experiment',
  'Data',
  'Model',
  'Sweep',
  'Training',
  'Search',
];

const FOLDED_AT_FIRST: readonly FormGroup[] = ['Training', 'Search'];
const KEY = 'emc-lab.form-groups-open';

/** The stored choices, checked (a value from elsewhere is ignored, not trusted). */
export function storedOpenGroups(
  storage: KeyValueStorage | undefined,
): Partial<Record<FormGroup, boolean>> {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const open: Partial<Record<FormGroup, boolean>> = {};
    for (const group of FORM_GROUPS) {
      const value = (parsed as Record<string, unknown>)[group];
      if (typeof value === 'boolean') open[group] = value;
    }
    return open;
  } catch {
    return {};
  }
}

function browserStorage(): KeyValueStorage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Private modes and sandboxed frames: the folds are simply not remembered.
    return undefined;
  }
}

interface FormGroupsState {
  chosen: Partial<Record<FormGroup, boolean>>;
  setOpen(group: FormGroup, open: boolean): void;
}

export const useFormGroups = create<FormGroupsState>()((set, get) => ({
  chosen: storedOpenGroups(browserStorage()),
  setOpen: (group, open) => {
    if (isGroupOpen(get().chosen, group) === open) return;
    const chosen = { ...get().chosen, [group]: open };
    browserStorage()?.setItem(KEY, JSON.stringify(chosen));
    set({ chosen });
  },
}));

/** Open unless folded by the user, or folded at first and never opened. */
export function isGroupOpen(
  chosen: Partial<Record<FormGroup, boolean>>,
  group: FormGroup,
): boolean {
  return chosen[group] ?? !FOLDED_AT_FIRST.includes(group);
}

/** What a folded group holds, in one line ("adam 0.1 · batch full · at most 8,000 steps"). */
export function groupSummary(group: FormGroup, values: FormValues): string {
  const v = (path: string) => (values[path] ?? '').trim();
  // A part whose value is empty (a field being typed in) is left out, not shown half-made.
  const part = (template: (...texts: string[]) => string, ...paths: string[]) => {
    const texts = paths.map(v);
    return texts.every((text) => text !== '') ? template(...texts.map(grouped)) : '';
  };
  const parts = SUMMARIES[group](part, v);
  return parts.filter(Boolean).join(' · ');
}

type Part = (template: (...texts: string[]) => string, ...paths: string[]) => string;

const SUMMARIES: Record<FormGroup, (part: Part, v: (path: string) => string) => string[]> = {
  Experiment: (part) => [part((name) => name, 'name'), part((seed) => `seed ${seed}`, 'seed')],
  Data: (part) => [
    part((source) => source, 'data.source'),
    part((labels) => `${labels} labels`, 'data.labels'),
    part((pool) => `pool ${pool}`, 'data.poolSize'),
  ],
  Model: (part) => [
    part((family, depth) => `${family} depth ${depth}`, 'model.family', 'model.depth'),
    part((activation) => activation, 'model.activation'),
  ],
  Sweep: (part) => [part((widths) => `widths ${widths}`, 'sweep.widths')],
  Training: (part) => [
    part((optimizer, rate) => `${optimizer} ${rate}`, 'train.optimizer', 'train.learningRate'),
    part((batch) => `batch ${batch}`, 'train.batchSize'),
    part((cap) => `at most ${cap} steps`, 'train.maxSteps'),
  ],
  Search: (part, v) => {
    const seeds = v('search.seeds') || '1';
    return [
      part((precision) => `precision ${precision}`, 'search.precision'),
      `${seeds} seed${seeds === '1' ? '' : 's'}`,
      v('search.warmStart') === 'false' ? 'no warm start' : 'warm start',
      v('search.verify') === 'false' ? 'verdicts unverified' : 'verdicts verified',
    ];
  },
};

/** 8000 → "8,000"; anything else as typed. */
function grouped(text: string): string {
  return /^\d{4,}$/.test(text) ? Number(text).toLocaleString('en-US') : text;
}
