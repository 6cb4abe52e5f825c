import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../engine/index.ts';

const run = promisify(execFile);

/** Runs the emc-lab executable; resolves with its exit code and output, never throws. */
async function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/emc-lab.js', ...args], { env });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let dir: string;
let specPath: string;

/** Three widths × two seeds with a test split: six jobs, and generalization for the merge. */
const SWEEP = {
  version: 3,
  name: 'sharded sweep',
  seed: 3,
  data: {
    source: 'gaussian',
    inputShape: [6],
    classes: 2,
    labels: 'random',
    poolSize: 80,
    testSize: 20,
  },
  model: { family: 'mlp', depth: 1 },
  sweep: { widths: [1, 2, 4] },
  train: {
    optimizer: 'adam',
    learningRate: 0.1,
    batchSize: 'full',
    maxSteps: 600,
    patience: 20,
    minDelta: 0.001,
  },
  search: { precision: 0.2, seeds: 2, warmStart: false },
};

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ExperimentResults;

/** What two runs must share: everything but the clock (and whether a probe was replayed). */
function science(results: ExperimentResults) {
  return {
    points: results.points.map(({ wallMs: _, ...point }) => point),
    probes: results.probes.map(({ wallMs: _, replayed: __, ...probe }) => probe),
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'emc-cluster-'));
  specPath = join(dir, 'sweep.json');
  writeFileSync(specPath, JSON.stringify(SWEEP));
});

describe('a sweep spread over shard processes', () => {
  it('3 shard processes and merge give the results of one run (cpu: EMC and probes bit for bit)', async () => {
    const single = join(dir, 'single.json');
    const parts = [1, 2, 3].map((i) => join(dir, `part-${i}.json`));
    const [whole, ...shards] = await Promise.all([
      cli(['run', specPath, '--backend', 'cpu', '--quiet', '--out', single]),
      ...parts.map((part, i) =>
        cli([
          'run',
          specPath,
          '--backend',
          'cpu',
          '--quiet',
          '--shard',
          `${i + 1}/3`,
          '--out',
          part,
        ]),
      ),
    ]);
    expect(whole?.status).toBe(0);
    for (const shard of shards) expect(shard.status).toBe(0);
    const merged = join(dir, 'merged.json');
    const merge = await cli([
      'merge',
      parts[2] as string,
      parts[0] as string,
      parts[1] as string,
      '--backend',
      'cpu',
      '--quiet',
      '--out',
      merged,
    ]);
    expect(merge.stderr).toContain(`3 shards merged into ${merged}`);
    expect(merge.status).toBe(0);
    expect(science(read(merged))).toEqual(science(read(single)));
    expect(read(merged).points.every((p) => p.generalization !== null)).toBe(true);
  });

  it('a re-run shard reuses the probes it had finished', async () => {
    const part = join(dir, 'resumed.json');
    expect(
      (await cli(['run', specPath, '--backend', 'cpu', '--quiet', '--shard', '1/2', '--out', part]))
        .status,
    ).toBe(0);
    const full = read(part);
    // As if the task had been killed after its first two probes.
    writeFileSync(
      part,
      JSON.stringify({ ...full, status: 'running', points: [], probes: full.probes.slice(0, 2) }),
    );
    const again = await cli(['run', specPath, '--backend', 'cpu', '--shard', '1/2', '--out', part]);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain(
      `continuing shard 1/2: 2 probes of ${part} are reused, not retrained`,
    );
    const resumed = read(part);
    expect(resumed.probes.filter((p) => p.replayed)).toHaveLength(2);
    expect(science(resumed)).toEqual(science(full));
  });

  it('exits 2 with the reason for bad shard arguments', async () => {
    for (const [shard, reason] of [
      ['0/3', '--shard 0/3: shards are numbered 1 to 3'],
      ['4/3', '--shard 4/3: shards are numbered 1 to 3'],
      ['a/b', '--shard must be I/N with whole numbers 1 ≤ I ≤ N, or auto/N (got "a/b")'],
    ] as const) {
      const result = await cli(['run', specPath, '--shard', shard, '--out', join(dir, 'x.json')]);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(reason);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await cli(['run', specPath, '--shard', '1/3'])).stderr).toContain(
      '--shard needs --out',
    );
    const warm = join(dir, 'warm.json');
    writeFileSync(warm, JSON.stringify({ ...SWEEP, search: { ...SWEEP.search, warmStart: true } }));
    const refused = await cli(['run', warm, '--shard', '1/3', '--out', join(dir, 'y.json')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('set "warmStart": false');
  });

  it('exits 2 with the reason for bad merges', async () => {
    const parts = [1, 2, 3].map((i) => join(dir, `part-${i}.json`));
    const [one, two] = parts as [string, string];
    const missing = await cli(['merge', one, two]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot merge: shard 3/3 is missing');
    const twice = await cli(['merge', one, one, two]);
    expect(twice.stderr).toContain(`shard 1/3 is given twice: ${one} and ${one}`);
    const other = join(dir, 'other-spec.json');
    writeFileSync(other, JSON.stringify({ ...read(two), spec: { ...read(two).spec, seed: 4 } }));
    const different = await cli(['merge', one, other, parts[2] as string]);
    expect(different.stderr).toContain(
      'are shards of different experiments (their specs differ at seed)',
    );
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"format": "emc-lab-results"');
    const unreadable = await cli(['merge', one, broken]);
    expect(unreadable.status).toBe(2);
    expect(unreadable.stderr).toContain(`${broken}:`);
    for (const result of [missing, twice, different, unreadable]) {
      expect(result.status).toBe(2);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('emc-lab run --backend webgpu (Dawn in Node)', () => {
  // The software Vulkan driver Debian's chromium ships, and the loader beside it.
  const CHROMIUM = '/usr/lib/chromium';
  const tiny = () => {
    const path = join(dir, 'tiny.json');
    writeFileSync(
      path,
      JSON.stringify({
        ...SWEEP,
        data: { source: 'gaussian', inputShape: [4], classes: 2, labels: 'random', poolSize: 16 },
        sweep: { widths: [2] },
        train: { ...SWEEP.train, maxSteps: 60, patience: 10 },
        search: { precision: 0.5, seeds: 1 },
      }),
    );
    return path;
  };

  it('trains on the software adapter', async () => {
    expect(existsSync(`${CHROMIUM}/vk_swiftshader_icd.json`), 'Debian chromium is installed').toBe(
      true,
    );
    const out = join(dir, 'gpu.json');
    const result = await cli(['run', tiny(), '--backend', 'webgpu', '--quiet', '--out', out], {
      ...process.env,
      VK_ICD_FILENAMES: `${CHROMIUM}/vk_swiftshader_icd.json`,
      LD_LIBRARY_PATH: CHROMIUM,
    });
    expect(result.stderr).toContain('results written');
    expect(result.status).toBe(0);
    const results = read(out);
    expect(results.environment.backend).toBe('webgpu');
    expect(results.environment.adapter).toMatch(/swiftshader/i);
    expect(results.points[0]?.emcMean).toBeGreaterThan(0);
  }, 600_000);

  it('is timed by auto beside wasm and cpu where a Vulkan driver is installed, and skipped where none is', async () => {
    const withDriver = await cli(['run', tiny(), '--out', join(dir, 'auto.json')], {
      ...process.env,
      VK_ICD_FILENAMES: `${CHROMIUM}/vk_swiftshader_icd.json`,
      LD_LIBRARY_PATH: CHROMIUM,
    });
    expect(withDriver.status).toBe(0);
    // Every backend was timed ("name: why" would say it was not); how long each took, and
    // so how its time is worded, depends on how busy the machine is.
    const measured = /Measured one training step of the first model: (.*?)\. Training on/.exec(
      withDriver.stderr,
    )?.[1];
    const parts = (measured ?? '').split(', ');
    expect(
      parts.map((part) => /^\w+/.exec(part)?.[0]),
      withDriver.stderr,
    ).toEqual(['wasm', 'cpu', 'webgpu']);
    for (const part of parts) expect(part).not.toMatch(/^\w+:/);
    const { VK_ICD_FILENAMES: _, VK_DRIVER_FILES: __, ...noDriver } = process.env;
    const without = await cli(['run', tiny(), '--out', join(dir, 'auto.json')], noDriver);
    expect(without.stderr).toContain('webgpu: no Vulkan driver installed');
  }, 600_000);

  it('says what to install or set when there is no adapter, without a stack trace', async () => {
    const {
      VK_ICD_FILENAMES: _,
      VK_DRIVER_FILES: __,
      LD_LIBRARY_PATH: ___,
      ...hidden
    } = process.env;
    const result = await cli(['run', tiny(), '--backend', 'webgpu', '--quiet'], hidden);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('emc-lab: the webgpu backend cannot start: no WebGPU adapter');
    expect(result.stderr).toContain('apt-get install libvulkan1 mesa-vulkan-drivers');
    expect(result.stderr).toContain('VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json');
    expect(result.stderr).not.toMatch(/\n\s+at [^(]*\(file:/);
    expect(result.stdout).toBe('');
  });
});
