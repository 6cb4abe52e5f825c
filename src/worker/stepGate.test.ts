import { describe, expect, it } from 'vitest';
import { RunCancelledError, checkpoint } from '../engine/control.ts';
import { StepGate } from './stepGate.ts';

const settled = async (promise: Promise<unknown>, ms = 60) =>
  Promise.race([promise.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);

describe('StepGate', () => {
  it('lets steps through while running', async () => {
    const gate = new StepGate();
    expect(await settled(checkpoint(gate.control))).toBe(true);
  });

  it('holds between steps while paused and releases on resume', async () => {
    const gate = new StepGate();
    gate.pause();
    expect(gate.holding).toBe(false);
    const step = checkpoint(gate.control);
    expect(await settled(step)).toBe(false);
    expect(gate.holding).toBe(true);
    gate.resume();
    expect(await settled(step)).toBe(true);
    expect(gate.holding).toBe(false);
  });

  it('turns Stop into a cancellation at the next step, also while paused', async () => {
    const gate = new StepGate();
    gate.pause();
    const step = checkpoint(gate.control);
    gate.stop();
    await expect(step).rejects.toBeInstanceOf(RunCancelledError);
    await expect(checkpoint(gate.control)).rejects.toBeInstanceOf(RunCancelledError);
  });
});
