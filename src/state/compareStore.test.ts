import { describe, expect, it } from 'vitest';
import { parseSpec } from '../engine/experiment/index.ts';
import { labelByDifference } from './compareStore.ts';
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
    const [a] = labelByDifference([spec({ optimizer: 'sgd', learningRate: 0.1 }), spec({})]);
    expect(a).toBe('optimizer: sgd, learningRate: 0.1');
  });
});
