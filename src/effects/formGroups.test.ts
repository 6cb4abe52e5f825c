import { describe, expect, it } from 'vitest';
import { formValuesFromSpec } from '../stores/formFields.ts';
import { DEFAULT_SPEC } from '../stores/defaultSpec.ts';
import { groupSummary, isGroupOpen, storedOpenGroups } from './formGroups.ts';

const storage = (text: string | null) => ({
  getItem: () => text,
  setItem: () => undefined,
  removeItem: () => undefined,
});

describe('the form sections', () => {
  it('start with Training and Search folded, the others open, until the user chooses', () => {
    expect(isGroupOpen({}, 'Data')).toBe(true);
    expect(isGroupOpen({}, 'Training')).toBe(false);
    expect(isGroupOpen({}, 'Search')).toBe(false);
    expect(isGroupOpen({ Training: true, Data: false }, 'Training')).toBe(true);
    expect(isGroupOpen({ Training: true, Data: false }, 'Data')).toBe(false);
  });

  it('read only well-formed stored choices', () => {
    expect(storedOpenGroups(storage('{"Training":true,"Model":"yes","Nope":false}'))).toEqual({
      Training: true,
    });
    expect(storedOpenGroups(storage('not json'))).toEqual({});
    expect(storedOpenGroups(storage('[true]'))).toEqual({});
    expect(storedOpenGroups(storage(null))).toEqual({});
    expect(storedOpenGroups(undefined)).toEqual({});
  });

  it('summarize what a folded section holds, leaving out what is being typed', () => {
    const values = formValuesFromSpec(DEFAULT_SPEC);
    const { train, search } = DEFAULT_SPEC as Required<typeof DEFAULT_SPEC>;
    expect(groupSummary('Training', values)).toBe(
      `${train.optimizer} ${train.learningRate} · batch ${train.batchSize} · at most ${(train.maxSteps ?? 0).toLocaleString('en-US')} steps`,
    );
    expect(groupSummary('Search', values)).toContain(`precision ${search.precision}`);
    expect(groupSummary('Search', { ...values, 'search.seeds': '3' })).toContain('3 seeds');
    expect(groupSummary('Search', { ...values, 'search.verify': 'false' })).toContain(
      'verdicts unverified',
    );
    expect(groupSummary('Training', { ...values, 'train.learningRate': '' })).toBe(
      `batch ${train.batchSize} · at most ${(train.maxSteps ?? 0).toLocaleString('en-US')} steps`,
    );
  });
});
