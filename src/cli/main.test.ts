import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExperimentResults } from '../engine/index.ts';
import { EXIT_INVALID, EXIT_OK, main } from './main.ts';

let dir: string;
let stderr: string;
let stdout: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emc-cli-'));
  stderr = '';
  stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
});

afterEach(() => vi.restoreAllMocks());

function writeSpec(spec: unknown): string {
  const path = join(dir, 'spec.json');
  writeFileSync(path, typeof spec === 'string' ? spec : JSON.stringify(spec));
  return path;
}

const example = (name: string) => JSON.parse(readFileSync(`examples/${name}`, 'utf8'));

describe('emc-lab validate', () => {
  it('accepts every shipped example', async () => {
    for (const name of [
      'linear-random-labels.json',
      'mlp-random-labels.json',
      'mlp-true-vs-random.json',
    ]) {
      expect(await main(['validate', `examples/${name}`])).toBe(EXIT_OK);
    }
    expect(stdout).toContain('valid');
  });

  it('exits 2 and names the field of an invalid spec', async () => {
    const spec = example('linear-random-labels.json');
    spec.train.learningRate = 0;
    expect(await main(['validate', writeSpec(spec)])).toBe(EXIT_INVALID);
    expect(stderr).toContain('train.learningRate: must be greater than 0');
  });

  it('exits 2 for a file that is not JSON, or missing', async () => {
    expect(await main(['validate', writeSpec('{"version": 1,')])).toBe(EXIT_INVALID);
    expect(stderr).toContain('not valid JSON');
    expect(await main(['validate', join(dir, 'nope.json')])).toBe(EXIT_INVALID);
    expect(stderr).toContain('cannot read the file (ENOENT)');
  });

  it('exits 2 for unknown commands, options and backends', async () => {
    expect(await main(['train', 'x.json'])).toBe(EXIT_INVALID);
    expect(await main(['run', 'x.json', '--backend', 'webgpu'])).toBe(EXIT_INVALID);
    expect(stderr).toContain('--backend must be one of cpu, wasm');
    expect(await main(['run', 'x.json', '--fast'])).toBe(EXIT_INVALID);
    expect(await main(['run'])).toBe(EXIT_INVALID);
  });
});

describe('emc-lab run', () => {
  it("measures a linear classifier's EMC on random labels within Cover's bound (d = 20)", async () => {
    const out = join(dir, 'results.json');
    expect(await main(['run', 'examples/linear-random-labels.json', '--out', out])).toBe(EXIT_OK);
    const results = JSON.parse(readFileSync(out, 'utf8')) as ExperimentResults;
    const d = 20;
    const emc = results.points[0]?.emcMean as number;
    // Cover: N random points in d dimensions are linearly separable (with bias) with high
    // probability below 2(d + 1) and almost never well above it; a trained optimizer finds
    // at least d + 1 (any d + 1 points in general position are separable).
    expect(emc).toBeGreaterThanOrEqual(d + 1);
    expect(emc).toBeLessThanOrEqual(2 * (d + 1) + 4);
    expect(stderr).toMatch(/linear classifier \(20 → 2\): 42 params, EMC/);
  });

  it('writes the results JSON to stdout without --out', async () => {
    const spec = example('linear-random-labels.json');
    spec.data.inputShape = [3];
    spec.data.poolSize = 20;
    expect(await main(['run', writeSpec(spec), '--quiet'])).toBe(EXIT_OK);
    const results = JSON.parse(stdout) as ExperimentResults;
    expect(results.points).toHaveLength(1);
    expect(stderr).toBe('');
  });
});

describe('the emc-lab executable', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/emc-lab.js', ...args], { encoding: 'utf8' });

  it('exits 2 with the message on an invalid spec', () => {
    const result = cli('run', writeSpec({ version: 1, seed: 1 }));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('data: is required');
  });

  it('runs a spec on the wasm backend and prints pure JSON on stdout', () => {
    const spec = example('linear-random-labels.json');
    spec.data.inputShape = [4];
    spec.data.poolSize = 30;
    const result = cli('run', writeSpec(spec), '--backend', 'wasm');
    expect(result.status).toBe(0);
    const results = JSON.parse(result.stdout) as ExperimentResults;
    expect(results.environment.backend).toBe('wasm');
    expect(result.stderr).toContain('run complete');
  });
});
