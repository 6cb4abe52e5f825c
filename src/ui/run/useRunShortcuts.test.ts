import { describe, expect, it } from 'vitest';
import { shortcutAction } from './useRunShortcuts.ts';

describe('run shortcuts', () => {
  it.each([
    [' ', 'idle', true, 'run'],
    [' ', 'finished', true, 'run'],
    [' ', 'cancelled', true, 'run'],
    [' ', 'idle', false, undefined],
    [' ', 'running', true, 'pause'],
    [' ', 'paused', true, 'resume'],
    [' ', 'stopping', true, undefined],
    ['Escape', 'running', true, 'stop'],
    ['Escape', 'paused', true, 'stop'],
    ['Escape', 'idle', true, undefined],
    ['Enter', 'running', true, undefined],
  ] as const)('%j in phase %s (can run: %s) → %s', (key, phase, canRun, action) => {
    expect(shortcutAction(key, phase, canRun)).toBe(action);
  });
});
