import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ExperimentResults, readSpec } from '../engine/index.ts';
import { findingLabel, type Preset, PRESETS, variantSpec } from '../presets/presets.ts';
import { EXIT_INVALID, EXIT_OK, main } from './main.ts';
import { resolveRunSpec } from './specInput.ts';
import { choosePresetVariant } from './presetChoice.ts';

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
    expect(await main(['run', 'x.json', '--backend', 'webgl'])).toBe(EXIT_INVALID);
    expect(stderr).toContain('--backend must be one of auto, wasm, cpu, webgpu');
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

  it('runs a version-2 spec, saying how it now reads its patience of epochs', async () => {
    const spec = example('linear-random-labels.json');
    spec.version = 2;
    spec.data.inputShape = [3];
    spec.data.poolSize = 20;
    spec.train.batchSize = 4;
    spec.train.patience = 200;
    const out = join(dir, 'v2.json');
    expect(await main(['run', writeSpec(spec), '--backend', 'cpu', '--out', out])).toBe(EXIT_OK);
    // 200 epochs of 5 steps at the pool of 20.
    expect(stderr).toContain('its patience of 200 epochs now reads as 1000 optimizer steps');
    const results = JSON.parse(readFileSync(out, 'utf8')) as ExperimentResults;
    expect(results.spec).toMatchObject({ version: 3, train: { patience: 1000 } });
    expect(results.points[0]?.seeds[0]?.verified).toBe(true);
    expect(stderr).toMatch(/verification: 1 of 1 seed results verified/);
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

describe('emc-lab presets', () => {
  it('lists every preset on its own line, id first, then finding, title and variants', async () => {
    expect(await main(['presets'])).toBe(EXIT_OK);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split('\t')[0])).toEqual(PRESETS.map((preset) => preset.id));
    expect(lines).toEqual(
      PRESETS.map(
        (preset) =>
          `${preset.id}\t${findingLabel(preset.finding)}: ${preset.title}\t` +
          preset.variants.map((variant, index) => `${index}=${variant.label}`).join('; '),
      ),
    );
  });
});

describe('emc-lab run --preset', () => {
  // Presets are retuned over time; the tests use whichever has two variants.
  const twoVariants = PRESETS.find((preset) => preset.variants.length === 2);

  it('runs the spec variantSpec builds for the chosen variant, checked like a spec file', async () => {
    for (const preset of PRESETS) {
      for (const [index, variant] of preset.variants.entries()) {
        const resolved = await resolveRunSpec({ preset: preset.id, variant: String(index) });
        expect(resolved).toEqual({
          ok: true,
          origin: `preset ${preset.id}, variant ${index} (${variant.label})`,
          check: readSpec(variantSpec(preset, index)),
        });
        // A preset that `requires` features this version lacks is not expected to validate.
        if (resolved.ok && !preset.requires) expect(resolved.check.ok).toBe(true);
      }
    }
  });

  it('needs no --variant for a preset with a single variant', () => {
    const preset = PRESETS[0] as Preset;
    const single = { ...preset, variants: preset.variants.slice(0, 1) };
    expect(choosePresetVariant(single.id, undefined, [single])).toEqual({
      ok: true,
      origin: `preset ${single.id}, variant 0 (${single.variants[0]?.label})`,
      spec: variantSpec(single, 0),
    });
  });

  it('exits 2 naming an unknown preset and listing the known ones', async () => {
    expect(await main(['run', '--preset', 'no-such-preset'])).toBe(EXIT_INVALID);
    expect(stderr).toContain('unknown preset "no-such-preset"');
    for (const preset of PRESETS) expect(stderr).toContain(preset.id);
  });

  /** Runs `run --preset` on a two-variant preset; resolves to the exit code. */
  async function runTwoVariantPreset(...args: string[]): Promise<number> {
    if (!twoVariants) throw new Error('no preset with two variants to test with');
    stderr = '';
    return main(['run', '--preset', twoVariants.id, ...args]);
  }
  const variantChoices = () =>
    twoVariants?.variants.map((variant, index) => `${index}=${variant.label}`).join('; ');

  it('exits 2 listing the variants for a variant out of range, not a number, or negative', async () => {
    for (const args of [['--variant', '7'], ['--variant', 'x'], ['--variant=-1']]) {
      expect(await runTwoVariantPreset(...args)).toBe(EXIT_INVALID);
      expect(stderr).toContain(variantChoices());
      expect(stderr).not.toMatch(/\n\s+at /);
    }
    expect(await runTwoVariantPreset('--variant', '7')).toBe(EXIT_INVALID);
    expect(stderr).toContain('has no variant 7');
  });

  it('exits 2 listing the variants when a preset has several and --variant is missing', async () => {
    expect(await runTwoVariantPreset()).toBe(EXIT_INVALID);
    expect(stderr).toContain('pick one with --variant K');
    expect(stderr).toContain(variantChoices());
  });

  it('exits 2 when given both a spec file and a preset', async () => {
    const preset = PRESETS[0]?.id as string;
    const args = ['run', 'examples/linear-random-labels.json', '--preset', preset];
    expect(await main(args)).toBe(EXIT_INVALID);
    expect(stderr).toContain('give a SPEC.json or --preset ID, not both');
  });

  it('exits 2 for --variant without --preset, and for --preset outside run', async () => {
    expect(await main(['run', 'examples/linear-random-labels.json', '--variant', '1'])).toBe(
      EXIT_INVALID,
    );
    expect(stderr).toContain('--variant goes with --preset ID');
    expect(await main(['validate', '--preset', PRESETS[0]?.id as string])).toBe(EXIT_INVALID);
    expect(stderr).toContain('--preset goes with run, not validate');
  });
});

describe('the emc-lab executable', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/emc-lab.js', ...args], { encoding: 'utf8' });

  it('prints the preset ids as the first tab-separated field of each line', () => {
    const result = cli('presets');
    expect(result.status).toBe(0);
    const ids = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split('\t')[0]);
    expect(ids).toEqual(PRESETS.map((preset) => preset.id));
  });

  it('exits 2 with a message and no stack trace on a wrong --variant', () => {
    const preset = PRESETS.find((candidate) => candidate.variants.length > 1)?.id as string;
    const result = cli('run', '--preset', preset, '--variant', '99');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`preset ${preset} has no variant 99`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

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
    expect(result.stderr).toContain('Run complete');
    expect(result.stderr).not.toContain('Measured');
  });

  it('measures wasm and cpu by default and trains on the faster, saying so', () => {
    const spec = example('linear-random-labels.json');
    spec.data.inputShape = [4];
    spec.data.poolSize = 30;
    const result = cli('run', writeSpec(spec));
    expect(result.status).toBe(0);
    const measured =
      /Measured one training step of the first model: (.*?)\. Training on (\w+), the fastest here\./.exec(
        result.stderr,
      );
    expect(measured, result.stderr).not.toBeNull();
    const [, timings, chosen] = measured as RegExpExecArray;
    // Read whatever unit a busy machine's timing came out in ("0.4 ms", "1.2 s", "over 5.4 s"
    // for one given up after its first step): the wording itself is tested on fixed numbers.
    const ms = new Map<string, number>();
    for (const [, name, value, unit] of (timings as string).matchAll(
      /(wasm|cpu|webgpu) (?:over )?([\d.]+) (ms|s)\b/g,
    )) {
      ms.set(name as string, Number(value) * (unit === 's' ? 1000 : 1));
    }
    expect([...ms.keys()]).toEqual(['wasm', 'cpu']);
    // Shown rounded: the choice is the smaller, or either when they print alike.
    expect(ms.get(chosen as string)).toBe(Math.min(...ms.values()));
    const results = JSON.parse(result.stdout) as ExperimentResults;
    expect(results.environment.backend).toBe(chosen);
  });
});
