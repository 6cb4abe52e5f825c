import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../engine/index.ts';
import { parseResultsFile } from '../share/resultsFile.ts';
import { earlierShardProbes, parseShard } from './shards.ts';

const shardOf = (text: string, env: NodeJS.ProcessEnv = {}) => {
  const parsed = parseShard(text, env);
  return parsed.ok ? parsed.value : parsed.error;
};

describe('--shard', () => {
  it('reads I/N', () => {
    expect(shardOf('2/3')).toEqual({ index: 2, count: 3 });
    expect(shardOf('1/1')).toEqual({ index: 1, count: 1 });
  });

  it('refuses what is not a shard, saying what it must be', () => {
    expect(shardOf('0/3')).toBe('--shard 0/3: shards are numbered 1 to 3');
    expect(shardOf('4/3')).toBe('--shard 4/3: shards are numbered 1 to 3');
    expect(shardOf('a/b')).toBe(
      '--shard must be I/N with whole numbers 1 ≤ I ≤ N, or auto/N (got "a/b")',
    );
    expect(shardOf('1/0')).toBe('--shard 1/0: a sweep is split into at least 1 shard');
    expect(shardOf('-1/3')).toMatch(/must be I\/N/);
  });

  it('takes I from a Kubernetes Indexed Job (from 0) or a Slurm array (from its minimum)', () => {
    expect(shardOf('auto/6', { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 6 });
    expect(shardOf('auto/6', { JOB_COMPLETION_INDEX: '5' })).toEqual({ index: 6, count: 6 });
    expect(shardOf('auto/6', { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({
      index: 3,
      count: 6,
    });
    expect(shardOf('auto/6', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '0' })).toEqual({
      index: 1,
      count: 6,
    });
    expect(shardOf('auto/6', { JOB_COMPLETION_INDEX: '6' })).toBe(
      '--shard auto (= 7)/6: shards are numbered 1 to 6',
    );
    expect(shardOf('auto/6')).toMatch(/auto needs JOB_COMPLETION_INDEX .* or SLURM_ARRAY_TASK_ID/);
  });
});

describe('a re-run shard', () => {
  const spec = parseSpec(JSON.parse(readFileSync('examples/cluster/sweep.json', 'utf8')));

  it('starts afresh without an --out file, and refuses to overwrite another run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emc-shard-'));
    expect(await earlierShardProbes(join(dir, 'none.json'), spec, { index: 1, count: 2 })).toEqual({
      ok: true,
      value: [],
    });
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"not": "results"}');
    const refused = await earlierShardProbes(other, spec, { index: 1, count: 2 });
    expect(!refused.ok && refused.error).toMatch(
      /other\.json already exists and is not a results file/,
    );
  });

  it('reuses the probes of its own file only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emc-shard-'));
    const path = join(dir, 'part.json');
    const document = {
      format: 'emc-lab-results',
      version: 2,
      status: 'running',
      spec,
      environment: {
        backend: 'cpu',
        floatPrecision: 32,
        tfjsVersion: '4.22.0',
        engineVersion: '0.1.0',
        platform: 'node',
      },
      dataset: 'gaussian',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: null,
      points: [],
      probes: [],
      shard: { index: 2, count: 3 },
    };
    writeFileSync(path, JSON.stringify(document));
    expect(parseResultsFile(readFileSync(path, 'utf8')).ok).toBe(true);
    expect((await earlierShardProbes(path, spec, { index: 2, count: 3 })).ok).toBe(true);
    const wrong = await earlierShardProbes(path, spec, { index: 1, count: 3 });
    expect(!wrong.ok && wrong.error).toMatch(
      /holds shard 2\/3, not shard 1\/3; remove it or choose another --out/,
    );
    const otherSpec = await earlierShardProbes(path, { ...spec, seed: 99 }, { index: 2, count: 3 });
    expect(!otherSpec.ok && otherSpec.error).toMatch(/holds results of another experiment/);
  });
});
