import { describe, expect, it } from 'vitest';
import { parseSpec } from '../engine/experiment/index.ts';
import { pointResult, seedResult } from '../engine/testFixtures.ts';
import { resultsDocument } from '../engine/results.ts';
import {
  comparisonOf,
  comparisonSentences,
  labelByDifference,
  type PinnedRun,
} from './compareStore.ts';
import { DEFAULT_SPEC } from './defaultSpec.ts';

const spec = (train: Record<string, unknown>, name = 'x') =>
  parseSpec({ ...DEFAULT_SPEC, name, train: { ...DEFAULT_SPEC.train, ...train } });

describe('labels for overlaid runs', () => {
  it('names the field that differs', () => {
    expect(labelByDifference([spec({ batchSize: 16 }), spec({ batchSize: 'full' })])).toEqual([
      'batchSize: 16',
      'batchSize: full',
    ]);
  });

  it('ignores the name and falls back to it when nothing else differs', () => {
    expect(labelByDifference([spec({}, 'first'), spec({}, 'second')])).toEqual(['first', 'second']);
  });

  it('lists several differing fields', () => {
    const [a] = labelByDifference([spec({ optimizer: 'sgd', learningRate: 0.2 }), spec({})]);
    expect(a).toBe('optimizer: sgd, learningRate: 0.2');
  });
});

describe('comparison sentences for pinned runs', () => {
  const points = (emcs: number[]) =>
    [4, 8].map((width, index) =>
      pointResult({
        index,
        width,
        seeds: emcs.map((emc, seedIndex) => seedResult({ seedIndex, emc: emc * (index + 1) })),
      }),
    );

  it('compares every later run with the first, led by the one that fits more', () => {
    const sentences = comparisonSentences([
      { label: 'full batch', points: points([20, 21, 22]) },
      { label: 'SGD, batch 16', points: points([30, 31, 32]) },
      { label: 'sigmoid', points: points([10, 21, 12]) },
    ]);
    expect(sentences).toEqual([
      'SGD, batch 16 fits more than full batch in 6 of 6 (seed, width) pairs.',
      'full batch fits more than sigmoid in 4 of 6 (seed, width) pairs; ties in 2.',
    ]);
  });

  it('says nothing with fewer than two runs', () => {
    expect(comparisonSentences([])).toEqual([]);
    expect(comparisonSentences([{ label: 'one', points: points([1]) }])).toEqual([]);
  });
});

describe('a comparison as one object', () => {
  const run = (name: string) =>
    resultsDocument({
      status: 'complete',
      spec: spec({}, name),
      environment: {
        backend: 'cpu',
        floatPrecision: 32,
        tfjsVersion: '4.22.0',
        engineVersion: 'test',
        platform: 'test',
      },
      dataset: 'gaussian',
      startedAt: '',
      finishedAt: null,
      points: [pointResult()],
      probes: [],
    });
  const first = run('first');
  const second = run('second');
  const pinned: PinnedRun[] = [
    { id: 'a', label: 'SGD', results: first },
    { id: 'b', label: 'GD', results: second },
  ];

  it('holds each pinned run once, the current one among them not again', () => {
    expect(comparisonOf(pinned, ['SGD', 'GD'], 'Finding 3', { results: second })).toEqual({
      title: 'Finding 3',
      runs: [
        { label: 'SGD', results: first },
        { label: 'GD', results: second },
      ],
    });
  });

  it('adds a current run that is not pinned, under its label', () => {
    const third = run('third');
    const comparison = comparisonOf(pinned, ['SGD', 'GD'], undefined, {
      label: 'current (name: third)',
      results: third,
    });
    expect(comparison?.runs.map((r) => r.label)).toEqual(['SGD', 'GD', 'current (name: third)']);
    expect(comparison?.title).toBeUndefined();
  });

  it('is no comparison without pins', () => {
    expect(comparisonOf([], [], 'x', { results: first })).toBeUndefined();
  });
});
