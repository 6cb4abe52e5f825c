import {
  ACTIVATIONS,
  ADAMW_WEIGHT_DECAY,
  FIRST_BUDGET_FRACTION,
  START_FRACTION_OF_PARAMETERS,
  VIT_DEFAULTS,
  DATA_SOURCES,
  type ExperimentSpec,
  type ExperimentSpecInput,
  INPUT_KINDS,
  LABEL_MODES,
  MODEL_FAMILIES,
  OPTIMIZERS,
  PROJECTIONS,
  searchSpecSchema,
  SPEC_VERSION,
} from '../engine/experiment/index.ts';
import type { SpecPath } from '../engine/experiment/fields.ts';
// The catalog only (plain data): the page must not load the dataset reader or tfjs.
import {
  isShippedDataset,
  isShippedTable,
  isUserSource,
  SHIPPED_DATASETS,
  SHIPPED_TABLES,
} from '../engine/data/catalog.ts';
import type { UserDataSummary } from '../engine/data/userDataSummary.ts';

/**
 * The experiment form, declared once: each entry is one spec field (by its dotted path),
 * how it is edited, and how its text becomes a spec value. Form, validation messages and
 * spec conversion all read this list, so a new spec field is one new line here.
 */
export type FieldKind =
  'text' | 'number' | 'integer' | 'select' | 'boolean' | 'integerList' | 'batchSize';

export interface FieldDef {
  /** Checked against the spec's own fields by the compiler: a typo does not build. */
  path: SpecPath;
  label: string;
  group: 'Experiment' | 'Data' | 'Model' | 'Sweep' | 'Training' | 'Search';
  kind: FieldKind;
  options?: readonly string[];
  /** What a select shows for some of its options, where the value alone says too little. */
  optionLabels?: Readonly<Record<string, string>>;
  hint?: string;
  /**
   * Fields that are part of the spec but not typed in: the user's data panel sets them when
   * a file is loaded, and shows them (and their messages) itself.
   */
  hidden?: (values: FormValues) => boolean;
  /** Fields that only mean something for some specs (ViT's patch size, say) are hidden otherwise and left out of the spec. */
  appliesTo?: (values: FormValues) => boolean;
}

const isVit = (values: FormValues) => values['model.family'] === 'vit';
const inSubspace = (values: FormValues) => (values['model.subspace.dimension'] ?? '').trim() !== '';
const isOwnData = (values: FormValues) => isUserSource(values['data.source'] ?? '');
const always = () => true;

/** The data-panel fields: set by loading a file, never typed. */
export const USER_DATA_FIELDS = ['data.file', 'data.sha256', 'data.rows', 'data.labelColumn'];

export const FORM_FIELDS: readonly FieldDef[] = [
  { path: 'name', label: 'Name', group: 'Experiment', kind: 'text' },
  { path: 'seed', label: 'Random seed', group: 'Experiment', kind: 'integer' },
  {
    path: 'data.source',
    label: 'Dataset',
    group: 'Data',
    kind: 'select',
    options: DATA_SOURCES,
    optionLabels: {
      wine: 'wine (table)',
      'breast-cancer': 'breast-cancer (table)',
      iris: 'iris (table)',
      csv: 'your CSV file…',
      images: 'your image folder or .zip…',
    },
  },
  {
    path: 'data.file',
    label: 'File',
    group: 'Data',
    kind: 'text',
    appliesTo: isOwnData,
    hidden: always,
  },
  {
    path: 'data.sha256',
    label: 'SHA-256',
    group: 'Data',
    kind: 'text',
    appliesTo: isOwnData,
    hidden: always,
  },
  {
    path: 'data.rows',
    label: 'Rows',
    group: 'Data',
    kind: 'integer',
    appliesTo: isOwnData,
    hidden: always,
  },
  {
    path: 'data.labelColumn',
    label: 'Label column',
    group: 'Data',
    kind: 'text',
    appliesTo: (values) => values['data.source'] === 'csv',
    hidden: always,
  },
  {
    path: 'data.inputs',
    label: 'Inputs',
    group: 'Data',
    kind: 'select',
    options: INPUT_KINDS,
    hint: "noise: Gaussian images shaped like the dataset's",
    appliesTo: (values) => values['data.source'] !== 'gaussian',
  },
  {
    path: 'data.inputShape',
    label: 'Input shape',
    group: 'Data',
    kind: 'integerList',
    hint: 'e.g. 20, or 28, 28, 1; fixed by a real dataset; your images are resized to it',
    hidden: (values) => values['data.source'] === 'csv',
  },
  { path: 'data.classes', label: 'Classes', group: 'Data', kind: 'integer', hidden: isOwnData },
  { path: 'data.labels', label: 'Labels', group: 'Data', kind: 'select', options: LABEL_MODES },
  {
    path: 'data.labelNoise',
    label: 'Label noise',
    group: 'Data',
    kind: 'number',
    hint: 'fraction of true labels replaced at random',
  },
  {
    path: 'data.poolSize',
    label: 'Pool size',
    group: 'Data',
    kind: 'integer',
    hint: 'largest N the search may try',
  },
  { path: 'data.testSize', label: 'Test samples', group: 'Data', kind: 'integer' },
  {
    path: 'model.family',
    label: 'Family',
    group: 'Model',
    kind: 'select',
    options: MODEL_FAMILIES,
  },
  {
    path: 'model.depth',
    label: 'Depth',
    group: 'Model',
    kind: 'integer',
    hint: 'hidden layers (MLP), conv stages (CNN), blocks (ViT); 0 = linear classifier',
  },
  {
    path: 'model.patchSize',
    label: 'Patch size',
    group: 'Model',
    kind: 'integer',
    hint: `empty = ${VIT_DEFAULTS.patchSize}; must divide the image sides`,
    appliesTo: isVit,
  },
  {
    path: 'model.heads',
    label: 'Attention heads',
    group: 'Model',
    kind: 'integer',
    hint: `empty = ${VIT_DEFAULTS.heads}; widths must be multiples`,
    appliesTo: isVit,
  },
  {
    path: 'model.mlpRatio',
    label: 'MLP ratio',
    group: 'Model',
    kind: 'integer',
    hint: `empty = ${VIT_DEFAULTS.mlpRatio}: block MLP width ÷ embedding width`,
    appliesTo: isVit,
  },
  {
    path: 'model.activation',
    label: 'Activation',
    group: 'Model',
    kind: 'select',
    options: ACTIVATIONS,
  },
  {
    path: 'model.subspace.dimension',
    label: 'Subspace dimension',
    group: 'Model',
    kind: 'integer',
    hint: 'empty = every weight trains; d: only z in θ = θ₀ + P·z trains (d numbers)',
  },
  {
    path: 'model.subspace.projection',
    label: 'Projection',
    group: 'Model',
    kind: 'select',
    options: PROJECTIONS,
    optionLabels: {
      sparse: 'sparse (one ±1 per weight)',
      dense: 'dense (Gaussian, D × d floats)',
    },
    hint: 'the random P; dense needs D × d floats of memory',
    appliesTo: inSubspace,
  },
  {
    path: 'model.precision.bits',
    label: 'Weight bits',
    group: 'Model',
    kind: 'integer',
    hint: 'empty = float32; 2–16: trained with weights rounded to this many bits (32 = no rounding)',
  },
  {
    path: 'sweep.widths',
    label: 'Widths',
    group: 'Sweep',
    kind: 'integerList',
    hint: 'one model, one EMC point per width (MLP units, CNN channels, ViT embedding)',
  },
  {
    path: 'sweep.dimensions',
    label: 'Subspace dimensions',
    group: 'Sweep',
    kind: 'integerList',
    hint: 'empty = the subspace dimension above; else one EMC point per width and dimension',
    appliesTo: inSubspace,
  },
  {
    path: 'train.optimizer',
    label: 'Optimizer',
    group: 'Training',
    kind: 'select',
    options: OPTIMIZERS,
    hint: 'shampoo: per-matrix preconditioning (inverse 4th roots), one probe at a time',
  },
  { path: 'train.learningRate', label: 'Learning rate', group: 'Training', kind: 'number' },
  {
    path: 'train.batchSize',
    label: 'Batch size',
    group: 'Training',
    kind: 'batchSize',
    hint: 'a number, or "full" for full-batch GD',
  },
  {
    path: 'train.maxSteps',
    label: 'Step cap per probe',
    group: 'Training',
    kind: 'integer',
    hint: 'optimizer steps; a probe still undecided then makes EMC a lower bound',
  },
  {
    path: 'train.maxEpochs',
    label: 'First budget (epochs, optional)',
    group: 'Training',
    kind: 'integer',
    hint: `empty = 1/${1 / FIRST_BUDGET_FRACTION} of the step cap; doubled while inconclusive`,
  },
  {
    path: 'train.patience',
    label: 'Patience (steps)',
    group: 'Training',
    kind: 'integer',
    hint: 'plateau: no relative improvement ≥ min delta for this many optimizer steps',
  },
  { path: 'train.minDelta', label: 'Min delta', group: 'Training', kind: 'number' },
  {
    path: 'train.gradTolerance',
    label: 'Gradient tolerance (relative)',
    group: 'Training',
    kind: 'number',
    hint: 'converged: full-batch gradient below this fraction of its initial norm',
  },
  {
    path: 'train.saddleTolerance',
    label: 'Saddle tolerance',
    group: 'Training',
    kind: 'number',
    hint: 'a saddle: smallest Hessian eigenvalue below −this × the largest',
  },
  {
    path: 'train.lrDecay',
    label: 'Learning-rate decay on plateaus',
    group: 'Training',
    kind: 'number',
    hint: 'multiplies the rate when a plateau is not yet converged; 1 = constant',
  },
  {
    path: 'train.weightDecay',
    label: 'Weight decay',
    group: 'Training',
    kind: 'number',
    hint: `decoupled; empty = ${ADAMW_WEIGHT_DECAY} for adamw, else 0`,
  },
  {
    path: 'train.checkEvery',
    label: 'Check fit every (epochs)',
    group: 'Training',
    kind: 'integer',
    hint: 'empty = every epoch',
  },
  {
    path: 'search.precision',
    label: 'Precision',
    group: 'Search',
    kind: 'number',
    hint: 'final bracket width as a fraction of EMC',
  },
  { path: 'search.seeds', label: 'Seeds', group: 'Search', kind: 'integer' },
  {
    path: 'search.start',
    label: 'First N',
    group: 'Search',
    kind: 'integer',
    hint: `empty = ${START_FRACTION_OF_PARAMETERS} × the parameters`,
  },
  {
    path: 'search.parallel',
    label: 'Parallel probes',
    group: 'Search',
    kind: 'integer',
    hint: 'k trainings at once, stacked (MLPs); a k-ary search',
    // CNN and ViT probes train one at a time, and so do Shampoo's, a random subspace's and
    // low-precision weights': hidden for them, the spec keeps its default 1.
    appliesTo: (values) =>
      (values['model.family'] === 'mlp' || values['model.depth'] === '0') &&
      values['train.optimizer'] !== 'shampoo' &&
      !inSubspace(values) &&
      (values['model.precision.bits'] ?? '').trim() === '',
  },
  {
    path: 'search.warmStart',
    label: 'Warm start',
    group: 'Search',
    kind: 'boolean',
    hint: "start each width at the previous width's EMC; off: widths are independent jobs",
  },
  {
    path: 'search.verify',
    label: 'Verify verdicts',
    group: 'Search',
    kind: 'boolean',
    hint: 'train each seed\'s decisive "does not fit" 4× longer; off: EMCs are shown as unverified',
  },
];

export type FormValues = Record<string, string>;

/**
 * The form after a person sets one field. Choosing a shipped dataset also sets what the
 * dataset fixes (shape, classes) and caps the pool and test sizes at what is shipped: the
 * choice implies them, and leaving stale values would only produce errors to fix by hand.
 */
export function withFieldChange(values: FormValues, path: string, text: string): FormValues {
  const next = { ...values, [path]: text };
  if (path !== 'data.source' || text === values['data.source']) return next;
  if (!next['data.inputs']) next['data.inputs'] = 'real';
  // What identified the user's data belongs to the data it was loaded from.
  for (const field of USER_DATA_FIELDS) next[field] = '';
  if (isShippedDataset(text)) {
    const shipped = SHIPPED_DATASETS[text];
    next['data.inputShape'] = shipped.inputShape.join(', ');
    next['data.classes'] = String(shipped.classes);
    capAt(next, 'data.poolSize', shipped.trainCount);
    capAt(next, 'data.testSize', shipped.testCount);
  } else if (isShippedTable(text)) {
    const table = SHIPPED_TABLES[text];
    next['data.inputShape'] = String(table.features);
    next['data.classes'] = String(table.classes);
    fitInRows(next, table.rows);
  } else if (isUserSource(text)) {
    next['data.inputShape'] = '';
    next['data.classes'] = '';
  } else {
    next['data.inputs'] = 'real';
  }
  return next;
}

/**
 * The form after the user's data is loaded: the source, the file's name and hash, and what
 * the file fixes (rows, classes, shape, label column); pool and test sizes shrink to fit.
 */
export function withUserData(values: FormValues, summary: UserDataSummary): FormValues {
  const next = withFieldChange(values, 'data.source', summary.source);
  next['data.file'] = summary.file;
  next['data.sha256'] = summary.sha256;
  next['data.rows'] = String(summary.rows);
  next['data.classes'] = String(summary.classes);
  next['data.inputShape'] = summary.inputShape.join(', ');
  next['data.labelColumn'] = summary.labelColumn ?? '';
  fitInRows(next, summary.rows);
  return next;
}

function capAt(values: FormValues, field: string, limit: number): void {
  const value = Number(values[field]);
  if (Number.isFinite(value) && value > limit) values[field] = String(limit);
}

/** Pool and test sizes drawn from one table of `rows`: at most a fifth for testing. */
function fitInRows(values: FormValues, rows: number): void {
  capAt(values, 'data.testSize', Math.floor(rows / 5));
  capAt(values, 'data.poolSize', rows - Number(values['data.testSize'] || 0));
}

/** The form's text for a spec (every field of FORM_FIELDS). */
export function formValuesFromSpec(spec: ExperimentSpecInput | ExperimentSpec): FormValues {
  const values: FormValues = {};
  for (const field of FORM_FIELDS) {
    // A yes/no left out of a spec input shows its default: a select has no empty choice.
    const value =
      getPath(spec, field.path) ??
      (field.kind === 'boolean' ? getPath(BOOLEAN_DEFAULTS, field.path) : undefined);
    values[field.path] = Array.isArray(value)
      ? value.join(', ')
      : value === undefined
        ? ''
        : String(value);
  }
  return values;
}

/**
 * The spec the form's text describes, unvalidated: text that is not a number becomes NaN
 * and an empty field becomes missing, so the schema names the problem instead of the form
 * silently fixing it.
 */
export function specInputFromForm(values: FormValues): Record<string, unknown> {
  const spec: Record<string, unknown> = { version: SPEC_VERSION };
  for (const field of FORM_FIELDS) {
    if (field.appliesTo && !field.appliesTo(values)) continue;
    const text = (values[field.path] ?? '').trim();
    const value = parseFieldText(field.kind, text);
    if (value !== undefined) setPath(spec, field.path, value);
  }
  return spec;
}

function parseFieldText(kind: FieldKind, text: string): unknown {
  if (text === '') return undefined;
  switch (kind) {
    case 'text':
    case 'select':
      return text;
    case 'boolean':
      return text === 'true';
    case 'number':
    case 'integer':
      return Number(text);
    case 'batchSize':
      return text.toLowerCase() === 'full' ? 'full' : Number(text);
    case 'integerList':
      return listItems(text).map(Number);
  }
}

function listItems(text: string): string[] {
  return text.split(/[\s,]+/).filter((part) => part !== '');
}

/**
 * A message about one entry of a list field, naming the entry as the user typed it:
 * "sweep.widths.2: must be a number (got NaN)" → "sweep.widths: item 3 'x' is not a number".
 * Other messages come back unchanged.
 */
export function namingListItem(message: string, field: string, text: string): string {
  const match = /^([\w.]+)\.(\d+): (.*)$/.exec(message);
  if (!match || match[1] !== field) return message;
  const index = Number(match[2]);
  const item = listItems(text)[index] ?? '';
  const problem = (match[3] as string).replace(/^must be a number \(got NaN\)$/, 'is not a number');
  return `${field}: item ${index + 1} '${item}' ${problem}`;
}

/** The form field a validation message ("train.learningRate: ...") belongs to. */
export function fieldOfError(message: string): string | undefined {
  const path = message.slice(0, message.indexOf(':'));
  return FORM_FIELDS.map((f) => f.path)
    .filter((p) => path === p || path.startsWith(`${p}.`))
    .sort((a, b) => b.length - a.length)[0];
}

/** The defaults of the spec's yes/no fields (all in the search section). */
const BOOLEAN_DEFAULTS = { search: searchSpecSchema.parse({ precision: 0, seeds: 1 }) };

function getPath(object: unknown, path: string): unknown {
  let current = object;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function setPath(object: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let current = object;
  for (const key of keys) {
    current[key] ??= {};
    current = current[key] as Record<string, unknown>;
  }
  current[last] = value;
}
