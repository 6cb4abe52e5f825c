import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GRAD_TOLERANCE,
  DEFAULT_SADDLE_TOLERANCE,
  parseSpec,
} from '../engine/experiment/index.ts';
import { checkForm, problemCount } from './configStore.ts';
import { DEFAULT_SPEC } from './defaultSpec.ts';
import {
  fieldOfError,
  FORM_FIELDS,
  formValuesFromSpec,
  specInputFromForm,
  withFieldChange,
  withUserData,
} from './formFields.ts';

describe('the experiment form', () => {
  it("has a 'Verify verdicts' field that round-trips search.verify, on by default", () => {
    const field = FORM_FIELDS.find((f) => f.path === 'search.verify');
    expect(field).toMatchObject({ label: 'Verify verdicts', group: 'Search', kind: 'boolean' });
    const values = formValuesFromSpec(DEFAULT_SPEC);
    expect(values['search.verify']).toBe('true');
    expect(parseSpec(specInputFromForm(values)).search.verify).toBe(true);
    const off = withFieldChange(values, 'search.verify', 'false');
    const { check } = checkForm(off);
    if (!check.ok) throw new Error(check.errors.join('; '));
    expect(check.spec.search.verify).toBe(false);
    expect(formValuesFromSpec(check.spec)['search.verify']).toBe('false');
  });

  it('round-trips the default spec through the form text', () => {
    const values = formValuesFromSpec(DEFAULT_SPEC);
    expect(values['sweep.widths']).toBe('4, 8');
    expect(values['train.batchSize']).toBe('full');
    expect(parseSpec(specInputFromForm(values))).toEqual(parseSpec(DEFAULT_SPEC));
  });

  it('has a form field for every field of the spec', () => {
    const spec = parseSpec({
      ...DEFAULT_SPEC,
      data: { ...DEFAULT_SPEC.data, source: 'mnist', inputShape: undefined, classes: undefined },
      model: { family: 'vit', depth: 1, patchSize: 7, heads: 2, mlpRatio: 2 },
      train: { ...DEFAULT_SPEC.train, maxEpochs: 50 },
      search: { ...DEFAULT_SPEC.search, start: 5 },
    });
    const leaves = (object: object, prefix = ''): string[] =>
      Object.entries(object).flatMap(([key, value]) =>
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? leaves(value, `${prefix}${key}.`)
          : [`${prefix}${key}`],
      );
    // The user's data has fields of its own.
    const csv = parseSpec({
      ...DEFAULT_SPEC,
      data: {
        ...DEFAULT_SPEC.data,
        ...{ source: 'csv', file: 'a.csv', sha256: 'a'.repeat(64), rows: 400, labelColumn: 'y' },
      },
    });
    // A random subspace swept over dimensions, and low-precision weights (one or the other).
    const subspace = parseSpec({
      ...DEFAULT_SPEC,
      model: { ...DEFAULT_SPEC.model, subspace: { dimension: 5 } },
      sweep: { ...DEFAULT_SPEC.sweep, dimensions: [5, 10] },
      search: { ...DEFAULT_SPEC.search, parallel: 1 },
    });
    const bits = parseSpec({
      ...DEFAULT_SPEC,
      model: { ...DEFAULT_SPEC.model, precision: { bits: 4 } },
      search: { ...DEFAULT_SPEC.search, parallel: 1 },
    });
    const specLeaves = [
      ...new Set([...leaves(spec), ...leaves(csv), ...leaves(subspace), ...leaves(bits)]),
    ].filter((path) => path !== 'version');
    const paths = FORM_FIELDS.map((f) => f.path);
    expect(specLeaves).toEqual(expect.arrayContaining(paths));
    expect(paths).toEqual(expect.arrayContaining(specLeaves));
  });

  it('leaves an optional number out of the spec when its field is empty, and keeps it when set', () => {
    const values = { ...formValuesFromSpec(DEFAULT_SPEC), 'train.maxEpochs': ' ' };
    expect(specInputFromForm(values).train).not.toHaveProperty('maxEpochs');
    const { check } = checkForm(values);
    if (!check.ok) throw new Error(check.errors.join('; '));
    expect(check.spec.train.maxEpochs).toBeUndefined();
    expect(check.spec.train.maxSteps).toBe(DEFAULT_SPEC.train.maxSteps);

    const set = parseSpec(specInputFromForm({ ...values, 'train.maxEpochs': '60' }));
    expect(set.train.maxEpochs).toBe(60);
    expect(formValuesFromSpec(set)['train.maxEpochs']).toBe('60');
  });

  it('shows the convergence tolerances with their defaults, and checks their bounds', () => {
    const values = formValuesFromSpec(parseSpec(DEFAULT_SPEC));
    expect(values['train.gradTolerance']).toBe(String(DEFAULT_GRAD_TOLERANCE));
    expect(values['train.saddleTolerance']).toBe(String(DEFAULT_SADDLE_TOLERANCE));
    const { errorsByField } = checkForm({ ...values, 'train.gradTolerance': '0' });
    expect(errorsByField['train.gradTolerance']).toEqual([
      'train.gradTolerance: must be greater than 0',
    ]);
  });

  it('turns text that is not a number into a message on that field, not a silent fix', () => {
    const values = { ...formValuesFromSpec(DEFAULT_SPEC), 'train.learningRate': 'fast' };
    const { check, errorsByField } = checkForm(values);
    expect(check.ok).toBe(false);
    expect(errorsByField['train.learningRate']).toEqual([
      'train.learningRate: must be a number (got NaN)',
    ]);
  });

  it('reports an emptied required field as required', () => {
    const values = { ...formValuesFromSpec(DEFAULT_SPEC), 'data.poolSize': '  ' };
    expect(checkForm(values).errorsByField['data.poolSize']).toEqual([
      'data.poolSize: is required',
    ]);
  });

  it('accepts "full" in any case as the batch size and lists with spaces or commas', () => {
    const values = {
      ...formValuesFromSpec(DEFAULT_SPEC),
      'train.batchSize': 'FULL',
      'sweep.widths': '2 4,8',
    };
    const spec = parseSpec(specInputFromForm(values));
    expect(spec.train.batchSize).toBe('full');
    expect(spec.sweep.widths).toEqual([2, 4, 8]);
  });

  it('names each bad entry of a list field by its place and its text', () => {
    const values = { ...formValuesFromSpec(DEFAULT_SPEC), 'sweep.widths': '4, -8, x' };
    const messages = checkForm(values).errorsByField['sweep.widths'] ?? [];
    expect(messages.map((m) => m.slice(m.indexOf(':') + 2)).join('; ')).toBe(
      "item 2 '-8' must be at least 1; item 3 'x' is not a number",
    );
  });

  it('files messages about list entries under the list field', () => {
    expect(fieldOfError('sweep.widths.2: must be at least 1')).toBe('sweep.widths');
    expect(fieldOfError('spec: unknown field "x"')).toBeUndefined();
  });

  it('sets what a shipped dataset fixes when it is chosen, and caps the sizes at what is shipped', () => {
    const values = {
      ...formValuesFromSpec(DEFAULT_SPEC),
      'data.poolSize': '50000',
      'data.testSize': '300',
    };
    const mnist = withFieldChange(values, 'data.source', 'mnist');
    expect(mnist['data.inputShape']).toBe('28, 28, 1');
    expect(mnist['data.classes']).toBe('10');
    expect(mnist['data.inputs']).toBe('real');
    expect(mnist['data.poolSize']).toBe('20000');
    expect(mnist['data.testSize']).toBe('300');
    expect(checkForm(mnist).check.ok).toBe(true);
    const noise = withFieldChange(mnist, 'data.inputs', 'noise');
    const back = withFieldChange(noise, 'data.source', 'gaussian');
    expect(back['data.inputs']).toBe('real');
    expect(back['data.inputShape']).toBe('28, 28, 1');
    expect(checkForm(back).check.ok).toBe(true);
  });

  it('sets what a shipped table fixes, with pool and test split fitting in its rows', () => {
    const values = {
      ...formValuesFromSpec(DEFAULT_SPEC),
      'data.poolSize': '500',
      'data.testSize': '100',
    };
    const wine = withFieldChange(values, 'data.source', 'wine');
    expect(wine['data.inputShape']).toBe('13');
    expect(wine['data.classes']).toBe('3');
    expect([wine['data.poolSize'], wine['data.testSize']]).toEqual(['143', '35']);
    expect(checkForm(wine).check.ok).toBe(true);
  });

  it('fills in what a loaded file fixes, and forgets it when another source is chosen', () => {
    const values = { ...formValuesFromSpec(DEFAULT_SPEC), 'data.poolSize': '500' };
    const csv = withFieldChange(values, 'data.source', 'csv');
    // Chosen but not loaded: the form awaits the file; no field shows an error for it, and
    // nothing runs until it is loaded.
    expect(csv['data.inputShape']).toBe('');
    const awaiting = checkForm(csv);
    expect(awaiting.awaitingFile).toBe('csv');
    expect(awaiting.check.ok).toBe(false);
    expect(awaiting.errorsByField).toEqual({});
    expect(problemCount(awaiting)).toBe(0);
    // A real mistake beside it is still shown.
    const wrong = checkForm({ ...csv, 'data.poolSize': '0' });
    expect(Object.keys(wrong.errorsByField)).toEqual(['data.poolSize']);
    const loaded = withUserData(csv, {
      source: 'csv',
      file: 'iris.csv',
      sha256: 'b'.repeat(64),
      rows: 150,
      classes: 3,
      classNames: ['setosa', 'versicolor', 'virginica'],
      inputShape: [4],
      columns: ['a', 'b', 'c', 'd', 'species'],
      labelColumn: 'species',
    });
    expect(loaded).toMatchObject({
      'data.source': 'csv',
      'data.file': 'iris.csv',
      'data.rows': '150',
      'data.classes': '3',
      'data.inputShape': '4',
      'data.labelColumn': 'species',
      'data.poolSize': '150',
    });
    const spec = checkForm(loaded).check;
    expect(spec.ok && spec.spec.data).toMatchObject({
      sha256: 'b'.repeat(64),
      labelColumn: 'species',
    });
    const back = withFieldChange(loaded, 'data.source', 'gaussian');
    expect([back['data.file'], back['data.sha256'], back['data.labelColumn']]).toEqual([
      '',
      '',
      '',
    ]);
    expect(specInputFromForm(back).data).not.toHaveProperty('file');
  });

  it('leaves ViT-only fields out of the spec unless the family is vit', () => {
    const values = withFieldChange(
      { ...formValuesFromSpec(DEFAULT_SPEC), 'model.patchSize': '7', 'model.heads': '3' },
      'data.source',
      'mnist',
    );
    expect(specInputFromForm(values).model).not.toHaveProperty('patchSize');
    const vit = specInputFromForm({ ...values, 'model.family': 'vit' });
    expect(vit.model).toMatchObject({ family: 'vit', patchSize: 7, heads: 3 });
  });

  it('asks for a random subspace, its projection and swept dimensions, and low-precision weights', () => {
    const plain = formValuesFromSpec(DEFAULT_SPEC);
    expect(specInputFromForm(plain).model).not.toHaveProperty('subspace');
    expect(specInputFromForm(plain).model).not.toHaveProperty('precision');
    // Projection and dimensions mean nothing without a dimension: left out.
    const orphan = { ...plain, 'model.subspace.projection': 'dense', 'sweep.dimensions': '5' };
    expect(specInputFromForm(orphan).model).not.toHaveProperty('subspace');
    expect(specInputFromForm(orphan).sweep).not.toHaveProperty('dimensions');
    const subspace = {
      ...orphan,
      'model.subspace.dimension': '20',
      'search.parallel': '4',
      'train.optimizer': 'shampoo',
    };
    const input = specInputFromForm(subspace);
    expect(input.model).toMatchObject({ subspace: { dimension: 20, projection: 'dense' } });
    expect(input.sweep).toMatchObject({ dimensions: [5] });
    // Parallel probes are hidden (and left at 1) for what trains one probe at a time.
    expect(input.search).not.toHaveProperty('parallel');
    expect(checkForm(subspace).check.ok).toBe(true);
    expect(formValuesFromSpec(parseSpec(input))).toMatchObject({
      'model.subspace.dimension': '20',
      'model.subspace.projection': 'dense',
      'sweep.dimensions': '5',
    });
    const bits = { ...plain, 'model.precision.bits': '4' };
    expect(specInputFromForm(bits).model).toMatchObject({ precision: { bits: 4 } });
    expect(checkForm(bits).check.ok).toBe(true);
    for (const path of ['model.subspace.dimension', 'model.precision.bits', 'sweep.dimensions']) {
      expect(FORM_FIELDS.find((f) => f.path === path)?.hint).toBeTruthy();
    }
  });

  it('offers parallel probes for MLPs only, so a CNN form never asks for what it cannot do', () => {
    const mlp = { ...formValuesFromSpec(DEFAULT_SPEC), 'search.parallel': '4' };
    expect(specInputFromForm(mlp).search).toMatchObject({ parallel: 4 });
    expect(checkForm(mlp).check.ok).toBe(true);
    const cnn = withFieldChange(
      withFieldChange(mlp, 'data.source', 'mnist'),
      'model.family',
      'cnn',
    );
    expect(specInputFromForm(cnn).search).not.toHaveProperty('parallel');
    expect(checkForm(cnn).check.ok).toBe(true);
  });
});
