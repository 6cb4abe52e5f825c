import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GRAD_TOLERANCE,
  DEFAULT_LR_DECAY,
  DEFAULT_MAX_STEPS,
  DEFAULT_SADDLE_TOLERANCE,
  SPEC_VERSION,
} from './schema.ts';
import { parseSpec, readSpec } from './validate.ts';

/** The spec from the engine issue, spelled exactly as users write it. */
const issueExample = {
  version: 1,
  name: 'MLP on random labels',
  seed: 1,
  data: {
    source: 'gaussian',
    inputShape: [20],
    classes: 2,
    labels: 'random',
    labelNoise: 0,
    poolSize: 400,
    testSize: 0,
  },
  model: { family: 'mlp', depth: 2, activation: 'relu' },
  sweep: { widths: [4, 8, 16, 32] },
  train: {
    optimizer: 'adam',
    learningRate: 0.01,
    batchSize: 32,
    maxEpochs: 300,
    patience: 30,
    minDelta: 0.0001,
  },
  search: { precision: 0.02, seeds: 1 },
};

/** A copy of the example with one field (a dotted path) set to `value`, or removed. */
function withField(path: string, value: unknown): Record<string, unknown> {
  const spec = structuredClone(issueExample) as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop() as string;
  let target = spec;
  for (const key of keys) target = target[key] as Record<string, unknown>;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return spec;
}

function errorsOf(input: unknown): string[] {
  const check = readSpec(input);
  if (check.ok) throw new Error('expected the spec to be refused');
  return check.errors;
}

describe('readSpec', () => {
  it('accepts the example spec of the engine issue as written', () => {
    const check = readSpec(issueExample);
    expect(check.ok).toBe(true);
  });

  it('fills defaults for optional fields', () => {
    const spec = parseSpec(
      withField('data', { source: 'gaussian', inputShape: [5], classes: 3, poolSize: 10 }),
    );
    expect(spec.data).toMatchObject({ labels: 'true', labelNoise: 0, testSize: 0 });
    expect(spec.train.checkEvery).toBe(1);
    expect(spec.train.weightDecay).toBe(0);
  });

  it('gives adamw a default decoupled weight decay and keeps an explicit one', () => {
    expect(parseSpec(withField('train.optimizer', 'adamw')).train.weightDecay).toBe(0.01);
    const explicit = withField('train.optimizer', 'adamw');
    (explicit.train as Record<string, unknown>).weightDecay = 0.1;
    expect(parseSpec(explicit).train.weightDecay).toBe(0.1);
  });

  it('accepts "full" as the batch size (full-batch gradient descent)', () => {
    expect(parseSpec(withField('train.batchSize', 'full')).train.batchSize).toBe('full');
  });

  it.each([
    ['train.learningRate', -1, 'train.learningRate: must be greater than 0'],
    ['train.learningRate', Number.NaN, 'train.learningRate: must be a number (got NaN)'],
    ['train.learningRate', '0.1', 'train.learningRate: must be a number (got "0.1")'],
    ['train.batchSize', 'half', 'train.batchSize: must be a whole number or "full"'],
    ['train.optimizer', 'lbfgs', 'train.optimizer: must be one of'],
    ['data.poolSize', 2.5, 'data.poolSize: must be a whole number'],
    ['data.poolSize', 10_000_000, 'data.poolSize: must be at most 100000'],
    ['data.classes', 1, 'data.classes: must be at least 2'],
    ['model.depth', undefined, 'model.depth: is required'],
    ['model.activation', 'swish', 'model.activation: must be one of'],
    ['sweep.widths', [], 'sweep.widths: must have at least 1 entries'],
    ['sweep.widths', [8, 0], 'sweep.widths.1: must be at least 1'],
    ['search.precision', 0.9, 'search.precision: must be at most 0.5'],
    ['name', '   ', 'name: must not be empty'],
  ])('refuses %s = %j with a message naming the field', (path, value, message) => {
    expect(errorsOf(withField(path, value)).join('\n')).toContain(message);
  });

  it('accepts Shampoo, training one probe at a time only', () => {
    expect(parseSpec(withField('train.optimizer', 'shampoo')).train.optimizer).toBe('shampoo');
    const parallel = withField('train.optimizer', 'shampoo');
    (parallel.search as Record<string, unknown>).parallel = 2;
    expect(errorsOf(parallel).join()).toContain('search.parallel: Shampoo keeps');
  });

  it('reads random subspaces and low-precision weights, sparse projections by default', () => {
    const subspace = parseSpec(withField('model.subspace', { dimension: 50 }));
    expect(subspace.model.subspace).toEqual({ dimension: 50, projection: 'sparse' });
    const swept = withField('model.subspace', { dimension: 50, projection: 'dense' });
    (swept.sweep as Record<string, unknown>).dimensions = [10, 100];
    expect(parseSpec(swept).sweep.dimensions).toEqual([10, 100]);
    for (const bits of [2, 8, 16, 32]) {
      expect(parseSpec(withField('model.precision', { bits })).model.precision).toEqual({ bits });
    }
    // Old specs, without either, still read as before.
    expect(parseSpec(issueExample).model).not.toHaveProperty('subspace');
  });

  it.each([
    ['model.precision', { bits: 1 }, 'model.precision.bits'],
    ['model.precision', { bits: 24 }, 'model.precision.bits'],
    ['model.subspace', { dimension: 0 }, 'model.subspace.dimension: must be at least 1'],
    ['model.subspace', { dimension: 5, projection: 'fastfood' }, 'model.subspace.projection'],
    ['sweep.dimensions', [10], 'sweep.dimensions: sweeps the random subspace of model.subspace'],
  ])('refuses %s = %j, naming the field', (path, value, message) => {
    expect(errorsOf(withField(path, value)).join('\n')).toContain(message);
  });

  it('trains a subspace or low-precision weights one probe at a time, not both at once', () => {
    const both = withField('model.subspace', { dimension: 5 });
    (both.model as Record<string, unknown>).precision = { bits: 4 };
    expect(errorsOf(both).join()).toContain('model.precision: cannot be combined');
    const parallel = withField('model.precision', { bits: 4 });
    (parallel.search as Record<string, unknown>).parallel = 2;
    expect(errorsOf(parallel).join()).toContain('search.parallel: a low-precision model');
  });

  it('refuses unknown fields, naming them', () => {
    expect(errorsOf(withField('train.dropout', 0.5))).toEqual(['train: unknown field "dropout"']);
    expect(errorsOf(withField('evil', '<script>'))).toEqual(['spec: unknown field "evil"']);
  });

  it('refuses input shapes with too many features', () => {
    expect(errorsOf(withField('data.inputShape', [1024, 1024])).join()).toContain(
      'data.inputShape: has 1048576 features per sample',
    );
  });

  it('explains that label noise means nothing with random labels', () => {
    expect(errorsOf(withField('data.labelNoise', 0.2))).toEqual([
      'data.labelNoise: has no effect on random labels; set it to 0 or use labels "true"',
    ]);
  });

  it('refuses a sweep that would not fit in memory, with an estimate', () => {
    const wide = { ...withField('sweep.widths', [4096]), model: { family: 'mlp', depth: 16 } };
    const [error] = errorsOf(wide);
    expect(error).toMatch(/^sweep\.widths: this experiment would need about \d+\.\d GB of memory/);
    expect(error).toContain('narrower or fewer layers');
    const hugePool = withField('data.inputShape', [64, 64, 16]);
    (hugePool.data as Record<string, unknown>).poolSize = 100_000;
    expect(errorsOf(hugePool)[0]).toMatch(/^data\.poolSize: .* a smaller pool or input shape/);
  });

  it('puts a memory refusal on the field behind its biggest term, and names that term', () => {
    // Full-batch training on a large pool: the activations, not the data, are the cost.
    const fullBatch: Record<string, unknown> = {
      ...withField('data.poolSize', 60_000),
      model: { family: 'mlp', depth: 4 },
      sweep: { widths: [2048] },
    };
    (fullBatch.train as Record<string, unknown>).batchSize = 'full';
    const [error] = errorsOf(fullBatch);
    expect(error).toMatch(/^data\.poolSize: .* most of it activations of full batches/);
    expect(error).toContain('a smaller pool, or mini-batches');
    (fullBatch.train as Record<string, unknown>).batchSize = 30_000;
    expect(errorsOf(fullBatch)[0]).toMatch(/^train\.batchSize: .* most of it activations/);
  });

  it('refuses a spec from a newer version with a clear message', () => {
    const errors = errorsOf(withField('version', SPEC_VERSION + 1));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`spec version ${SPEC_VERSION + 1}; this one understands up to ${SPEC_VERSION}`),
    );
  });

  it('reads a version-1 spec: its epoch budget becomes the first budget under the default step cap', () => {
    const check = readSpec({ ...issueExample, version: 1 });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.spec.version).toBe(SPEC_VERSION);
    expect(check.spec.train.maxEpochs).toBe(issueExample.train.maxEpochs);
    expect(check.spec.train).toMatchObject({
      maxSteps: DEFAULT_MAX_STEPS,
      gradTolerance: DEFAULT_GRAD_TOLERANCE,
      saddleTolerance: DEFAULT_SADDLE_TOLERANCE,
      lrDecay: DEFAULT_LR_DECAY,
    });
  });

  it.each([null, 42, 'spec', [issueExample]])('refuses %j, which is not an object', (input) => {
    expect(errorsOf(input)).toEqual(['the experiment is not a JSON object']);
  });

  it('reports every problem at once', () => {
    const spec = withField('seed', -3);
    (spec.train as Record<string, unknown>).maxEpochs = 0;
    expect(errorsOf(spec)).toEqual([
      'seed: must be at least 0',
      'train.maxEpochs: must be at least 1',
    ]);
  });

  it('throws from parseSpec with every message', () => {
    expect(() => parseSpec(withField('seed', 'one'))).toThrow(/seed: must be a number/);
  });
});

describe('data sources', () => {
  const sha256 = 'a'.repeat(64);
  const userData = (data: object) => ({
    ...issueExample,
    data: { poolSize: 100, testSize: 20, ...data },
  });

  it('accepts a CSV named by file and hash, with what its loading filled in', () => {
    const check = readSpec(
      userData({
        source: 'csv',
        file: 'wine.csv',
        sha256,
        rows: 178,
        classes: 3,
        inputShape: [13],
      }),
    );
    expect(check.ok).toBe(true);
  });

  it('asks for what loading the file fills in, and refuses a pool larger than the file', () => {
    expect(errorsOf(userData({ source: 'csv' }))).toEqual([
      'data.file: is filled in when the file is loaded',
      'data.sha256: is filled in when the file is loaded',
      'data.rows: is filled in when the file is loaded',
      'data.classes: is filled in when the file is loaded',
      'data.inputShape: is filled in when the file is loaded',
    ]);
    expect(
      errorsOf(
        userData({ source: 'csv', file: 'w.csv', sha256, rows: 110, classes: 3, inputShape: [13] }),
      ),
    ).toEqual([
      'data.testSize: poolSize + testSize is 120, but w.csv has 110 rows; together they must be at most 110',
    ]);
  });

  it('checks the shape of user images and the fields that belong to one source only', () => {
    const images = { source: 'images', file: 'pets', sha256, rows: 500, classes: 2 };
    expect(errorsOf(userData({ ...images, inputShape: [256, 256, 3] }))).toEqual([
      'data.inputShape: images are resized to at most 128×128',
    ]);
    expect(errorsOf(userData({ ...images, inputShape: [28, 28, 2] }))).toEqual([
      'data.inputShape: images have 1 (gray) or 3 (RGB) channels, not 2',
    ]);
    expect(errorsOf(userData({ ...images, inputShape: [28, 28, 1], labelColumn: 'kind' }))).toEqual(
      ['data.labelColumn: applies to csv data only: image classes are their folders'],
    );
    expect(errorsOf(withField('data.file', 'x.csv'))).toEqual([
      'data.file: applies to your own data only (source "csv" or "images"), not to gaussian',
    ]);
    expect(
      errorsOf(
        userData({
          source: 'csv',
          file: 'w.csv',
          sha256: 'ABC',
          rows: 200,
          classes: 3,
          inputShape: [13],
        }),
      ),
    ).toEqual(['data.sha256: must be 64 lowercase hexadecimal digits (a SHA-256)']);
  });

  it('fills a shipped table’s shape and classes, and checks them when given', () => {
    const check = readSpec(userData({ source: 'wine' }));
    expect(check.ok && check.spec.data.inputShape).toEqual([13]);
    expect(check.ok && check.spec.data.classes).toBe(3);
    expect(errorsOf(userData({ source: 'iris', classes: 2 }))).toEqual([
      'data.classes: iris has 3 classes, not 2; set 3 or leave it out',
    ]);
  });
});
