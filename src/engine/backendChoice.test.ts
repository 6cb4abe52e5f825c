import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chooseFastestBackend, describeMeasuredChoice, startTfBackend } from './backendChoice.ts';
import { specFixture } from './testFixtures.ts';
import { timeTrainingSteps } from './train/stepTiming.ts';

const spec = specFixture({
  data: { inputShape: [6], classes: 3, poolSize: 40 },
  model: { family: 'mlp', depth: 1 },
  sweep: { widths: [8, 16] },
  train: { learningRate: 0.01, batchSize: 16 },
});

describe('chooseFastestBackend', () => {
  const stepMs: Record<string, number> = { webgpu: 30, webgl: 12, wasm: 2, cpu: 5 };

  it('keeps the backend whose measured step was fastest, whatever the order', async () => {
    const started: string[] = [];
    let current = '';
    const choice = await chooseFastestBackend(
      ['webgpu', 'webgl', 'wasm', 'cpu'],
      spec,
      async (name) => {
        started.push(name);
        current = name;
        return undefined;
      },
      async () => ({ msPerStep: stepMs[current] as number, warmupMs: 900, steps: 8 }),
    );
    expect(choice.chosen).toBe('wasm');
    // The winner is started again last, so it is the one left running.
    expect(started).toEqual(['webgpu', 'webgl', 'wasm', 'cpu', 'wasm']);
    expect(describeMeasuredChoice(choice)).toBe(
      'Measured one training step of the first model: webgpu 30 ms (warm-up 900 ms), webgl 12 ms (warm-up 900 ms), wasm 2.0 ms (warm-up 900 ms), cpu 5.0 ms (warm-up 900 ms). Training on wasm, the fastest here.',
    );
  });

  it('tells each later backend when to give up: three times the fastest step so far', async () => {
    let current = '';
    const limits: number[] = [];
    await chooseFastestBackend(
      ['wasm', 'cpu', 'webgl'],
      spec,
      async (name) => {
        current = name;
        return undefined;
      },
      async (_, options) => {
        limits.push(options.giveUpAboveMs as number);
        return { msPerStep: stepMs[current] as number, warmupMs: 1, steps: 4 };
      },
    );
    expect(limits).toEqual([Number.POSITIVE_INFINITY, 6, 6]);
  });

  it('records backends that cannot start or cannot train the model, and skips them', async () => {
    let current = '';
    const choice = await chooseFastestBackend(
      ['webgl', 'wasm', 'cpu'],
      spec,
      async (name) => {
        current = name;
        return name === 'webgl' ? 'failed to initialize' : undefined;
      },
      async () => {
        if (current === 'wasm') throw new Error('no Conv2DBackpropFilter');
        return { msPerStep: 7, warmupMs: 10, steps: 20 };
      },
    );
    expect(choice.chosen).toBe('cpu');
    expect(describeMeasuredChoice(choice)).toBe(
      'Measured one training step of the first model: webgl: failed to initialize, wasm: no Conv2DBackpropFilter, cpu 7.0 ms. Training on cpu, the fastest here.',
    );
  });

  it('says why when no backend can train', async () => {
    await expect(
      chooseFastestBackend(['wasm'], spec, async () => 'not registered'),
    ).rejects.toThrow('No TensorFlow.js backend could train this model:\nwasm: not registered');
  });
});

describe('startTfBackend', () => {
  it('starts a registered backend and says why it cannot start another', async () => {
    expect(await startTfBackend('cpu')).toBeUndefined();
    expect(tf.getBackend()).toBe('cpu');
    expect(await startTfBackend('no-such-backend')).toBe('not registered');
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe('timeTrainingSteps', () => {
  it("times the probes' own step: an MLP's fused step where it runs", async () => {
    const kernels = async (parallel: number) => {
      const profile = await tf.profile(async () => {
        await timeTrainingSteps(
          { ...spec, search: { ...spec.search, parallel } },
          { targetMs: 1, maxSteps: 1 },
        );
      });
      return new Set(profile.kernels.map((k) => k.name));
    };
    // The fused step runs no tfjs kernel: neither products nor the loss kernel.
    const single = await kernels(1);
    expect(single.has('EmcSoftmaxCrossEntropy')).toBe(false);
    expect([...single].some((name) => name.includes('MatMul'))).toBe(false);
    // Stacked members train by autodiff, as fitProbesStacked trains them.
    expect([...(await kernels(3))].some((name) => name.includes('MatMul'))).toBe(true);
  });

  it('stops timing after the first chunk slower than the give-up time', async () => {
    const timing = await timeTrainingSteps(spec, { targetMs: 10_000, giveUpAboveMs: 1e-6 });
    expect(timing.steps).toBe(1);
  });

  it('ends the timing after a first step far slower than the give-up time', async () => {
    const timing = await timeTrainingSteps(spec, { giveUpAboveMs: 1e-6, warmupAllowanceMs: 0 });
    expect(timing.steps).toBe(0);
    expect(timing.msPerStep).toBe(timing.warmupMs);
  });

  it('says so when a backend was given up during its warm-up', () => {
    const text = describeMeasuredChoice({
      chosen: 'wasm',
      measurements: [
        { name: 'wasm', timing: { msPerStep: 40, warmupMs: 90, steps: 12 } },
        { name: 'webgpu', timing: { msPerStep: 5400, warmupMs: 5400, steps: 0 } },
      ],
    });
    expect(text).toBe(
      'Measured one training step of the first model: wasm 40 ms, webgpu over 5.4 s (its first step). Training on wasm, the fastest here.',
    );
  });

  it('names the GPU backends left to be timed while the chosen CPU backend trains', () => {
    const text = describeMeasuredChoice(
      {
        chosen: 'wasm',
        measurements: [{ name: 'wasm', timing: { msPerStep: 2, warmupMs: 5, steps: 64 } }],
      },
      ['webgl', 'webgpu'],
    );
    expect(text).toBe(
      'Measured one training step of the first model: wasm 2.0 ms. Training on wasm, the fastest of the CPU backends; webgl and webgpu are timed while it trains.',
    );
  });

  it.each([1, 3])(
    'times the first model (%i stacked) on the current backend and leaks nothing',
    async (parallel) => {
      const before = tf.memory().numTensors;
      const timing = await timeTrainingSteps(
        { ...spec, search: { ...spec.search, parallel } },
        { targetMs: 20, maxSteps: 5 },
      );
      expect(timing.steps).toBeGreaterThanOrEqual(1);
      expect(timing.steps).toBeLessThanOrEqual(5);
      expect(timing.msPerStep).toBeGreaterThan(0);
      expect(timing.warmupMs).toBeGreaterThan(0);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});
