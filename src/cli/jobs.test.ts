import { availableParallelism } from 'node:os';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ExperimentResults, parseSpec, specMemory } from '../engine/index.ts';
import { parseJobs, threadsFor } from './jobs.ts';
import { EXIT_INVALID, main } from './main.ts';

// Each case starts the CLI (tsx compiles it, tfjs loads, in every thread): seconds on an idle
// machine, minutes on a loaded one. The limit is for a hang, not a speed.
vi.setConfig({ testTimeout: 600_000 });

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emc-jobs-'));
});

afterEach(() => vi.restoreAllMocks());

/** Two MLP widths × two seeds on random labels, with a test split: four independent jobs. */
const SWEEP = {
  version: 3,
  name: 'tiny sweep',
  seed: 3,
  data: {
    source: 'gaussian',
    inputShape: [4],
    classes: 2,
    labels: 'random',
    poolSize: 24,
    testSize: 8,
  },
  model: { family: 'mlp', depth: 1 },
  sweep: { widths: [1, 2] },
  train: { optimizer: 'adam', learningRate: 0.05, batchSize: 'full', maxSteps: 80, patience: 10 },
  search: { precision: 0.5, seeds: 2, warmStart: false },
};

function writeSpec(spec: unknown, name = 'spec.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

interface Finished {
  status: number | null;
  stderr: string;
}

/** The emc-lab executable in its own process; `whileRunning` sees its stderr as it arrives. */
function cli(
  args: string[],
  whileRunning?: (stderr: string, interrupt: () => void) => void,
): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/emc-lab.js', ...args]);
    let stderr = '';
    const limit = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
      whileRunning?.(stderr, () => child.kill('SIGINT'));
    });
    child.on('close', (status) => {
      clearTimeout(limit);
      resolve({ status, stderr });
    });
  });
}

/** What two runs must share: everything but the clock. */
function science(results: ExperimentResults) {
  const { startedAt: _, finishedAt: __, ...rest } = results;
  return {
    ...rest,
    points: results.points.map(({ wallMs: _, ...point }) => point),
    probes: results.probes.map(({ wallMs: _, ...probe }) => probe),
  };
}

describe('--jobs N', () => {
  it('reads a whole number of at least 1, refusing anything else', () => {
    expect(parseJobs('3')).toEqual({ ok: true, value: 3 });
    expect(parseJobs(undefined)).toEqual({ ok: true, value: availableParallelism() });
    for (const text of ['0', '-1', 'x', '1.5', '']) {
      expect(parseJobs(text)).toMatchObject({ ok: false, error: expect.stringContaining(text) });
    }
  });

  it('uses no more threads than the sweep has (width, seed) jobs', () => {
    const spec = parseSpec(SWEEP);
    expect(threadsFor(spec, 2, true)).toEqual({ threads: 2 });
    expect(threadsFor(spec, 16, false)).toEqual({ threads: 4 });
    expect(threadsFor(spec, 1, true)).toEqual({ threads: 1 });
  });

  it('uses no more threads than free memory holds, saying so when asked for more', () => {
    const spec = parseSpec(SWEEP);
    const perThread = specMemory(spec).total;
    expect(threadsFor(spec, 4, true, perThread * 2.5)).toEqual({
      threads: 2,
      note: expect.stringMatching(/^--jobs 4: each thread needs about .* free, so 2 threads/),
    });
    expect(threadsFor(spec, 4, false, perThread * 2.5)).toEqual({ threads: 2 });
    expect(threadsFor(spec, 4, false, perThread / 2)).toEqual({ threads: 1 });
  });

  it('runs a warm-started sweep of several widths in one thread, saying why when asked for more', () => {
    const spec = parseSpec({ ...SWEEP, search: { ...SWEEP.search, warmStart: true } });
    expect(threadsFor(spec, 2, true)).toEqual({
      threads: 1,
      note: expect.stringMatching(
        /not independent; running them in one thread.*"warmStart": false/,
      ),
    });
    // The default (the number of cores) goes quietly.
    expect(threadsFor(spec, 2, false)).toEqual({ threads: 1 });
    // One width: its seeds are independent even with warm start.
    const oneWidth = parseSpec({
      ...SWEEP,
      sweep: { widths: [2] },
      search: { ...SWEEP.search, warmStart: true },
    });
    expect(threadsFor(oneWidth, 2, true).threads).toBe(2);
  });

  it('exits 2 with one line for a count that is not a whole number ≥ 1, or beside --shard', async () => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    const spec = writeSpec(SWEEP);
    const out = join(dir, 'part.json');
    for (const args of [
      ['--jobs', '0'],
      ['--jobs=-1'],
      ['--jobs', 'x'],
      ['--jobs', '2', '--shard', '1/2', '--out', out],
    ]) {
      stderr = '';
      expect(await main(['run', spec, '--backend', 'cpu', ...args])).toBe(EXIT_INVALID);
      expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
      expect(stderr).toMatch(/^emc-lab: --jobs/);
    }
  });

  it('writes, in 2 threads, the results of 1, probe for probe, generalization included (cpu)', async () => {
    const spec = writeSpec(SWEEP);
    const outs = [join(dir, 'one.json'), join(dir, 'two.json')];
    const [one, two] = await Promise.all(
      ['1', '2'].map((jobs, i) =>
        cli(['run', spec, '--backend', 'cpu', '--jobs', jobs, '--out', outs[i] as string]),
      ),
    );
    expect(one?.status, one?.stderr).toBe(0);
    expect(two?.status, two?.stderr).toBe(0);
    const [single, threaded] = outs.map(
      (out) => JSON.parse(readFileSync(out, 'utf8')) as ExperimentResults,
    );
    expect(single?.points[0]?.generalization).not.toBeNull();
    expect(science(threaded as ExperimentResults)).toEqual(science(single as ExperimentResults));
    // Each thread's progress lines say which thread; the merged points are reported once.
    expect(two?.stderr).toMatch(/^\[1\/2\] point 1\/2 .* seed 1: N = /m);
    expect(two?.stderr).toMatch(/^\[2\/2\] point 1\/2 .* seed 2: N = /m);
    expect(two?.stderr.match(/^MLP 1×2 relu: 16 params, EMC/gm)).toHaveLength(1);
    expect(one?.stderr).not.toMatch(/^\[\d\/\d\]/m);
  });

  it('runs a warm-started sweep of several widths in one thread, saying why', async () => {
    const warm = {
      ...SWEEP,
      data: { ...SWEEP.data, testSize: 0 },
      search: { ...SWEEP.search, seeds: 1, warmStart: true },
    };
    const result = await cli([
      'run',
      writeSpec(warm),
      '--backend',
      'cpu',
      '--jobs',
      '2',
      '--quiet',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      "emc-lab: --jobs 2: this sweep warm-starts each width at the previous width's EMC",
    );
    expect(result.stderr).not.toMatch(/^\[\d\/\d\]/m);
  });

  it('writes on Ctrl-C the probes every thread had finished', async () => {
    /** Two seeds of one width: small N fit in a few steps, then N past EMC trains on for hours. */
    const slow = {
      ...SWEEP,
      data: { ...SWEEP.data, inputShape: [8], poolSize: 200, testSize: 0 },
      sweep: { widths: [8] },
      train: { ...SWEEP.train, maxSteps: 2_000_000, patience: 2_000_000 },
      search: { precision: 0.1, seeds: 2, warmStart: false },
    };
    const out = join(dir, 'interrupted.json');
    const finished = (thread: number, stderr: string) =>
      new RegExp(`^\\[${thread}/2\\] .* N = \\d+: fits`, 'm').test(stderr);
    let interrupted = false;
    const result = await cli(
      ['run', writeSpec(slow), '--backend', 'cpu', '--jobs', '2', '--out', out],
      (stderr, interrupt) => {
        if (!interrupted && finished(1, stderr) && finished(2, stderr)) {
          interrupted = true;
          interrupt();
        }
      },
    );
    expect(result.status, result.stderr).toBe(130);
    const results = JSON.parse(readFileSync(out, 'utf8')) as ExperimentResults;
    expect(results.status).toBe('cancelled');
    // No point had both seeds finished; each seed's finished probes are there, seed 1's first.
    expect(results.points).toEqual([]);
    const seeds = results.probes.map((probe) => probe.seedIndex);
    expect(seeds).toContain(0);
    expect(seeds).toContain(1);
    expect(seeds).toEqual([...seeds].sort());
  });

  it('stops every thread on Ctrl-C, even mid-step, and writes the results so far (exit 130)', async () => {
    /** Two seeds of a CNN whose every step on the cpu backend takes seconds. */
    const heavy = {
      ...SWEEP,
      name: 'heavy cnn',
      data: {
        source: 'gaussian',
        inputShape: [64, 64, 3],
        classes: 2,
        labels: 'random',
        poolSize: 64,
      },
      model: { family: 'cnn', depth: 3 },
      sweep: { widths: [64] },
      train: { ...SWEEP.train, batchSize: 32, maxSteps: 100 },
      search: { precision: 0.5, seeds: 2, start: 32, warmStart: false },
    };
    const out = join(dir, 'interrupted.json');
    let interruptedAt: number | undefined;
    const result = await cli(
      ['run', writeSpec(heavy), '--backend', 'cpu', '--jobs', '2', '--out', out],
      (stderr, interrupt) => {
        if (interruptedAt === undefined && stderr.includes('"heavy cnn" on cpu')) {
          // Into the first steps, long synchronous stretches of convolutions.
          setTimeout(interrupt, 2000);
          interruptedAt = Date.now();
        }
      },
    );
    expect(interruptedAt, result.stderr).toBeDefined();
    expect(result.status, result.stderr).toBe(130);
    // A hang's limit, not a timing of the stop: the threads would otherwise train on.
    expect(Date.now() - (interruptedAt as number)).toBeLessThan(60_000);
    expect(result.stderr.match(/interrupted: stopping every thread/g)).toHaveLength(1);
    const results = JSON.parse(readFileSync(out, 'utf8')) as ExperimentResults;
    expect(results.status).toBe('cancelled');
    expect(results.shard).toBeUndefined();
  });
});
