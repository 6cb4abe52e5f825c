import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExperimentResults } from '../engine/index.ts';

let dir: string;

// Each case starts the CLI (tsx compiles it, tfjs loads): seconds on an idle machine, minutes
// on one loaded many times over. The limit is for a hang, not a speed.
vi.setConfig({ testTimeout: 600_000 });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emc-hostile-'));
});

interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the process in KiB (GNU time), when measured. */
  maxRssKiB?: number;
}

/** Linux's peak resident memory is read through GNU time into a file, off stderr. */
const GNU_TIME = '/usr/bin/time';

/**
 * Runs the emc-lab executable as a user would (its own process); `whileRunning` sees it
 * and its stderr so far as lines arrive. Never throws; a process still running after
 * `limitMs` is killed (status null).
 */
function cli(
  args: string[],
  {
    env = process.env,
    limitMs = 300_000,
    measureMemory = false,
    nodeArgs = [],
    whileRunning,
  }: {
    env?: NodeJS.ProcessEnv;
    /** Options for node itself, before the executable (--import a preload). */
    nodeArgs?: string[];
    limitMs?: number;
    measureMemory?: boolean;
    whileRunning?: (child: ChildProcess, stderr: string) => void;
  } = {},
): Promise<Finished> {
  const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}.txt`);
  const command = measureMemory ? GNU_TIME : process.execPath;
  const commandArgs = measureMemory
    ? ['-o', rssFile, '-f', '%M', process.execPath, ...nodeArgs, 'bin/emc-lab.js', ...args]
    : [...nodeArgs, 'bin/emc-lab.js', ...args];
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { env });
    let stdout = '';
    let stderr = '';
    const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
      whileRunning?.(child, stderr);
    });
    child.on('close', (status) => {
      clearTimeout(limit);
      const rss = measureMemory && existsSync(rssFile) ? readFileSync(rssFile, 'utf8') : '';
      const maxRssKiB = /^\d+$/m.exec(rss)?.[0];
      resolve({ status, stdout, stderr, maxRssKiB: maxRssKiB ? Number(maxRssKiB) : undefined });
    });
  });
}

/** A message a person reads: one line, no stack frame, no source text. */
function expectOneLine(stderr: string) {
  expect(stderr.endsWith('\n'), stderr).toBe(true);
  expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |function\s*\(|=>|\{\s*var /);
  expect(stderr.length).toBeLessThan(500);
}

/** Far below what training would hold; a process that read a huge file would exceed it. */
const SANE_RSS_KIB = 1024 * 1024;

/** Seconds of training on the cpu backend: a tiny random-label MLP. */
const TINY = {
  version: 3,
  name: 'tiny',
  seed: 3,
  data: { source: 'gaussian', inputShape: [4], classes: 2, labels: 'random', poolSize: 16 },
  model: { family: 'mlp', depth: 1 },
  sweep: { widths: [2] },
  train: {
    optimizer: 'adam',
    learningRate: 0.1,
    batchSize: 'full',
    maxSteps: 60,
    patience: 10,
    minDelta: 0.001,
  },
  search: { precision: 0.5, seeds: 1, warmStart: false },
};

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('emc-lab run --out', () => {
  it('refuses a folder that does not exist before training, in one line with exit 2', async () => {
    const result = await cli(
      ['run', writeJson('tiny.json', TINY), '--backend', 'cpu', '--out', '/missing/dir/x.json'],
      { measureMemory: true },
    );
    expect(result.status).toBe(2);
    expectOneLine(result.stderr);
    expect(result.stderr).toBe(
      'emc-lab: cannot write /missing/dir/x.json: the folder /missing/dir does not exist\n',
    );
    expect(result.maxRssKiB).toBeLessThan(SANE_RSS_KIB);
  });

  it('refuses a folder as --out, and a shard part too, before training', async () => {
    const spec = writeJson('tiny.json', TINY);
    const asFolder = await cli(['run', spec, '--out', dir]);
    expect(asFolder.status).toBe(2);
    expect(asFolder.stderr).toBe(`emc-lab: cannot write ${dir}: it is a folder\n`);
    const part = join(dir, 'gone', 'part.json');
    const shard = await cli(['run', spec, '--shard', '1/2', '--out', part]);
    expect(shard.status).toBe(2);
    expectOneLine(shard.stderr);
    expect(shard.stderr).toContain(`cannot write ${part}`);
  });

  it('on a full disk (/dev/full) saves the results to a rescue file and exits 1 in one line', async () => {
    const rescueFolder = mkdtempSync(join(tmpdir(), 'emc-rescue-'));
    const result = await cli(
      ['run', writeJson('tiny.json', TINY), '--backend', 'cpu', '--quiet', '--out', '/dev/full'],
      { env: { ...process.env, TMPDIR: rescueFolder }, measureMemory: true },
    );
    expect(result.status).toBe(1);
    expectOneLine(result.stderr);
    const [rescued] = readdirSync(rescueFolder).filter((name) => name.endsWith('.json'));
    expect(result.stderr).toBe(
      `emc-lab: cannot write /dev/full (ENOSPC); the results were saved to ${join(rescueFolder, rescued as string)} instead\n`,
    );
    const results = JSON.parse(
      readFileSync(join(rescueFolder, rescued as string), 'utf8'),
    ) as ExperimentResults;
    expect(results.status).toBe('complete');
    expect(results.points).toHaveLength(1);
    expect(result.maxRssKiB).toBeLessThan(SANE_RSS_KIB);
  });
});

describe('emc-lab run --shard', () => {
  it('refuses more shards than a results file may record, before training', async () => {
    const result = await cli([
      'run',
      writeJson('tiny.json', TINY),
      '--shard',
      '1/99999',
      '--out',
      join(dir, 'part.json'),
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'emc-lab: --shard 1/99999: a sweep is split into at most 10000 shards\n',
    );
    expect(existsSync(join(dir, 'part.json'))).toBe(false);
  });
});

describe('Ctrl-C, SIGTERM or SIGHUP during a run', () => {
  /** A CNN whose every step on the cpu backend takes a minute or more. */
  const HEAVY_CNN = {
    ...TINY,
    name: 'heavy cnn',
    data: {
      source: 'gaussian',
      inputShape: [64, 64, 3],
      classes: 2,
      labels: 'random',
      poolSize: 64,
    },
    model: { family: 'cnn', depth: 3 },
    sweep: { widths: [128] },
    // Batches of 16: a full batch of 64 is refused by the memory estimate (im2col columns).
    train: { ...TINY.train, batchSize: 16, maxSteps: 100 },
    search: { precision: 0.5, seeds: 1, start: 32 },
  };

  // Ctrl-C, a scheduler's or kill's request, the terminal going away: each keeps the run.
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s stops mid-step, writes the results so far (status cancelled) and exits 130',
    async (signal) => {
      const out = join(dir, 'interrupted.json');
      let interruptedAt: number | undefined;
      const result = await cli(
        ['run', writeJson('cnn.json', HEAVY_CNN), '--backend', 'cpu', '--out', out],
        {
          // Training is under way once the run has started (the data is made, the model built).
          whileRunning: (child, stderr) => {
            if (interruptedAt === undefined && stderr.includes('"heavy cnn" on cpu')) {
              // Into the first step, a long synchronous stretch of convolutions.
              setTimeout(() => child.kill(signal), 2000);
              interruptedAt = Date.now();
            }
          },
          limitMs: 300_000,
        },
      );
      expect(interruptedAt, result.stderr).toBeDefined();
      expect(result.status, result.stderr).toBe(130);
      // Without stopping mid-step it would train on through its first step (over a minute on
      // an idle machine); stopping takes the 1 s grace and the write.
      expect(Date.now() - (interruptedAt as number)).toBeLessThan(60_000);
      expect(result.stderr).toContain(
        'interrupted: stopping the run and writing the results so far',
      );
      expect(result.stderr).toContain(`results written to ${out}`);
      const results = JSON.parse(readFileSync(out, 'utf8')) as ExperimentResults;
      expect(results.status).toBe('cancelled');
      expect(results.spec.name).toBe('heavy cnn');
    },
  );
});

describe('data.file from a spec', () => {
  const CSV_SPEC = {
    ...TINY,
    data: { source: 'csv', file: 'data.csv', poolSize: 8 },
  };
  const SECRET = 'user,password,label\nroot,hunter2,a\nbob,swordfish,b\n';

  it('refuses a file outside the spec folder without reading it, unless --allow-outside-data', async () => {
    const specFolder = join(dir, 'specs');
    mkdirSync(specFolder);
    writeFileSync(join(dir, 'secret.csv'), SECRET);
    const spec = join(specFolder, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({ ...CSV_SPEC, data: { ...CSV_SPEC.data, file: '../secret.csv' } }),
    );
    const refused = await cli(['validate', spec], { measureMemory: true });
    expect(refused.status).toBe(2);
    expectOneLine(refused.stderr);
    expect(refused.stderr).toContain(
      `data.file ../secret.csv is outside the spec's folder ${specFolder}`,
    );
    expect(refused.stderr).toContain('--allow-outside-data');
    expect(refused.stderr).not.toMatch(/password|hunter2|root/);
    expect(refused.maxRssKiB).toBeLessThan(SANE_RSS_KIB);
    // Asked for, it is read like any file: here its rows are not numbers.
    const allowed = await cli(['validate', spec, '--allow-outside-data']);
    expect(allowed.stderr).not.toContain('outside the spec');
    expect(allowed.stderr).toContain('../secret.csv: Row 2');
  });

  it('refuses a link inside the folder that leads out of it, and ../../../../etc/passwd', async () => {
    symlinkSync('/etc/passwd', join(dir, 'data.csv'));
    const linked = await cli(['validate', writeJson('spec.json', CSV_SPEC)]);
    expect(linked.status).toBe(2);
    expect(linked.stderr).toContain(`data.file data.csv is outside the spec's folder`);
    expect(linked.stderr).toContain('(it is /etc/passwd)');
    const climbing = await cli([
      'validate',
      writeJson('climb.json', {
        ...CSV_SPEC,
        data: { ...CSV_SPEC.data, file: '../../../../etc/passwd' },
      }),
    ]);
    expect(climbing.status).toBe(2);
    expect(climbing.stderr).toContain('is outside the spec');
    for (const result of [linked, climbing]) expect(result.stderr).not.toMatch(/root:|columns:/);
  });

  it('refuses a named pipe without opening it (it would hang the read)', async () => {
    execFileSync('mkfifo', [join(dir, 'data.csv')]);
    const result = await cli(['validate', writeJson('spec.json', CSV_SPEC)], { limitMs: 120_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'data.file data.csv is a named pipe (FIFO), not a file or a folder; it was not read',
    );
  });

  it('refuses a device', async () => {
    const result = await cli([
      'validate',
      writeJson('spec.json', { ...CSV_SPEC, data: { ...CSV_SPEC.data, file: '/dev/zero' } }),
      '--allow-outside-data',
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('data.file /dev/zero is a device, not a file or a folder');
  });
});

describe('an error nothing caught', () => {
  it('ends the process with one line and exit 1, even with the wasm backend loaded', () => {
    // tfjs-backend-wasm's Emscripten glue rethrows unhandled rejections from its bundle
    // (Node then printed its minified source and exited with 7).
    const script = `
      import { register } from 'tsx/esm/api';
      register();
      const { installFatalHandlers } = await import('./src/cli/fatal.ts');
      installFatalHandlers(1);
      const tf = await import('@tensorflow/tfjs');
      await import('@tensorflow/tfjs-backend-wasm');
      await tf.setBackend('wasm');
      Promise.reject(new Error('disk on fire\\nsecond line of the report'));
    `;
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      ({ status, stderr } = error as { status: number; stderr: string });
    }
    expect(status).toBe(1);
    expect(stderr).toBe('emc-lab: unexpected error: disk on fire\n');
  });

  it('through bin/emc-lab.js itself: a rejection mid-run is one line, no source, exit 1', async () => {
    // Loaded before the executable (as NODE_OPTIONS=--import would load it): once the
    // executable's fatal handler is installed, a rejection nothing catches, whose message
    // quotes source text on its later lines, as a library's internal error would.
    const preload = join(dir, 'reject.mjs');
    writeFileSync(
      preload,
      `const timer = setInterval(() => {
        if (!process.listeners('unhandledRejection').some((l) => l.name === 'fail')) return;
        clearInterval(timer);
        Promise.reject(new Error('disk on fire\\n    at x (node_modules/lib.js:1:1)\\nfunction () { var secret = 1; }'));
      }, 5);`,
    );
    const spec = writeJson('tiny.json', TINY);
    const result = await cli(['run', spec, '--backend', 'cpu', '--quiet'], {
      nodeArgs: ['--import', preload],
    });
    expect(result.status).toBe(1);
    expectOneLine(result.stderr);
    expect(result.stderr).toBe('emc-lab: unexpected error: disk on fire\n');
    expect(result.stdout).toBe('');
  });

  it('through bin/emc-lab.js itself: an exception thrown mid-run is one line, exit 1', async () => {
    const preload = join(dir, 'throw.mjs');
    writeFileSync(
      preload,
      `const timer = setInterval(() => {
        if (!process.listeners('uncaughtException').some((l) => l.name === 'fail')) return;
        clearInterval(timer);
        throw new TypeError('Cannot read properties of undefined (reading "shape")\\n' + 'x'.repeat(5000));
      }, 5);`,
    );
    const result = await cli(['validate', writeJson('tiny.json', TINY)], {
      nodeArgs: ['--import', preload],
    });
    expect(result.status).toBe(1);
    expectOneLine(result.stderr);
    expect(result.stderr).toBe(
      'emc-lab: unexpected error: Cannot read properties of undefined (reading "shape")\n',
    );
  });
});

describe('results files read by merge, gap and a shard re-run', () => {
  /** A file of `bytes` that takes no disk (sparse): a process that read it would hold it all. */
  function hugeFile(name: string, bytes: number): string {
    const path = join(dir, name);
    writeFileSync(path, '');
    truncateSync(path, bytes);
    return path;
  }

  it('refuses a shard part whose EMC was edited, in one line naming the field, exit 2', async () => {
    const spec = writeJson('two.json', { ...TINY, sweep: { widths: [1, 2] } });
    const parts = ['1/2', '2/2'].map((shard, i) => ({ shard, path: join(dir, `part-${i}.json`) }));
    for (const { shard, path } of parts) {
      const trained = await cli(['run', spec, '--backend', 'cpu', '--shard', shard, '--out', path]);
      expect(trained.status, trained.stderr).toBe(0);
    }
    const [one, two] = parts.map((part) => part.path) as [string, string];
    const honest = await cli(['merge', one, two, '--out', join(dir, 'merged.json')]);
    expect(honest.status, honest.stderr).toBe(0);
    // The second shard's EMC edited far past its pool: a merged mean it would move.
    const part = JSON.parse(readFileSync(two, 'utf8')) as ExperimentResults;
    const seed = part.points[0]?.seeds[0];
    if (!seed) throw new Error('the part has no point');
    seed.emc = 9999;
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(part));
    const result = await cli(['merge', one, tampered, '--out', join(dir, 'never.json')]);
    expect(result.status).toBe(2);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(
      new RegExp(`^emc-lab: ${tampered}: .*points\\[0\\]\\.seeds\\[0\\]\\.emc`),
    );
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });

  it('refuses a file over the size limit on its size, without reading it', async () => {
    const huge = hugeFile('huge.json', 1.5 * 1024 ** 3);
    const result = await cli(['merge', huge, huge], { measureMemory: true });
    expect(result.status).toBe(2);
    expectOneLine(result.stderr);
    expect(result.stderr).toBe(
      `emc-lab: ${huge}: This file is 1.6 GB, larger than any EMC Lab results file (at most 50 MB); it was not read.\n`,
    );
    expect(result.maxRssKiB).toBeLessThan(SANE_RSS_KIB);
  });

  it('refuses a huge part before a shard re-run trains', async () => {
    const part = hugeFile('part.json', 1.5 * 1024 ** 3);
    const result = await cli(
      ['run', writeJson('tiny.json', TINY), '--shard', '1/2', '--out', part],
      { measureMemory: true },
    );
    expect(result.status).toBe(2);
    expectOneLine(result.stderr);
    expect(result.stderr).toContain(`${part} already exists and is not a results file`);
    expect(result.stderr).toContain('at most 50 MB');
    expect(result.maxRssKiB).toBeLessThan(SANE_RSS_KIB);
  });

  it('refuses a named pipe as a part without opening it (it would hang the read)', async () => {
    const pipe = join(dir, 'part.json');
    execFileSync('mkfifo', [pipe]);
    const result = await cli(['gap', pipe, pipe], { limitMs: 120_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `emc-lab: ${pipe}: It is not a regular file, not a results file; it was not read.\n`,
    );
  });

  it('refuses a spec file over 1 MB, and a pipe as a spec, without reading them', async () => {
    const huge = hugeFile('spec.json', 1.5 * 1024 ** 3);
    const result = await cli(['validate', huge], { measureMemory: true });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'This file is 1.6 GB, larger than any EMC Lab spec (at most 1 MB)',
    );
    expect(result.maxRssKiB).toBeLessThan(SANE_RSS_KIB);
    const pipe = join(dir, 'spec-pipe.json');
    execFileSync('mkfifo', [pipe]);
    const piped = await cli(['run', pipe], { limitMs: 120_000 });
    expect(piped.status).toBe(2);
    expect(piped.stderr).toContain('It is not a regular file, not a spec; it was not read.');
  });
});
