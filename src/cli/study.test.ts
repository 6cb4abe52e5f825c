import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../engine/index.ts';
import { STUDIES } from '../presets/studies.ts';

/** `emc-lab study`, as a person types it (a process of its own: training runs in threads). */
function emcLab(...args: string[]) {
  return spawnSync(process.execPath, ['bin/emc-lab.js', ...args], { encoding: 'utf8' });
}

describe('emc-lab study', () => {
  it('lists the seven studies, one per line: id, finding and title, variants', () => {
    const listed = emcLab('study');
    expect(listed.status).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines.map((line) => line.split('\t')[0])).toEqual([
      'finding-1',
      'finding-2',
      'finding-3',
      'finding-4',
      'finding-5',
      'tabular',
      'parameter-wasteful',
    ]);
    expect(lines[1]).toContain('finding 2: CNNs fit more samples per parameter');
    expect(lines[6]).toContain('beyond the five findings (reparameterization): Networks are');
    expect(lines[1]?.split('\t')[2]).toBe('CNN; MLP; ViT');
  });

  it('runs a study shrunk into --out DIR: every run’s results JSON, report.md and chart.svg', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'emc-study-')), 'tabular');
    const study = STUDIES.find((s) => s.id === 'tabular');
    const ran = emcLab(
      'study',
      'tabular',
      '--out',
      out,
      '--shrink',
      '--backend',
      'wasm',
      '--quiet',
    );
    expect(ran.stderr).toContain(`emc-lab: report written to ${join(out, 'report.md')}`);
    expect(ran.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'breast-cancer-tabular.json',
      'chart.svg',
      'mnist-images.json',
      'report.md',
    ]);
    const results = JSON.parse(
      readFileSync(join(out, 'mnist-images.json'), 'utf8'),
    ) as ExperimentResults;
    expect(results.status).toBe('complete');
    expect(results.spec.data.source).toBe('mnist');
    expect(results.environment.backend).toBe('wasm');
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain(`# ${study?.title}`);
    expect(report).toContain(
      `Command: \`emc-lab study tabular --out ${out} --shrink --backend wasm --quiet\``,
    );
    expect(report).toContain('backend wasm');
    expect(report).toContain(
      'More samples per parameter with breast-cancer (tabular) than with MNIST (images): inconclusive',
    );
    expect(readFileSync(join(out, 'chart.svg'), 'utf8')).toContain('</svg>');

    // Run again into the same folder, one run's file removed and another's spec changed: the
    // untouched run is reused, the other two train.
    rmSync(join(out, 'breast-cancer-tabular.json'));
    const edited = { ...results, spec: { ...results.spec, seed: 99 } };
    writeFileSync(join(out, 'mnist-images.json'), JSON.stringify(edited));
    const again = emcLab('study', 'tabular', '--out', out, '--shrink', '--backend', 'wasm');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('reusing');
    const third = emcLab('study', 'tabular', '--out', out, '--shrink', '--backend', 'wasm');
    expect(third.status, third.stderr).toBe(0);
    expect(third.stderr).toContain(
      'breast-cancer-tabular.json: reusing the complete run already in',
    );
    expect(third.stderr).toContain('mnist-images.json: reusing the complete run already in');
    expect(third.stderr).not.toMatch(/^Started /m);
  }, 180_000);

  it('exits 2, naming the studies, for an unknown id; and without --out', () => {
    const unknown = emcLab('study', 'finding-9', '--out', tmpdir());
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown study "finding-9"; the studies are: finding-1');
    const noOut = emcLab('study', 'tabular');
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toContain('needs --out DIR');
  });

  it('exits 2 when --out is a file, not a folder', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'emc-study-')), 'taken');
    writeFileSync(file, '');
    const ran = emcLab('study', 'tabular', '--out', file, '--shrink');
    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain(`cannot create the folder ${file}`);
  });

  it('refuses --shrink with another command', () => {
    const ran = emcLab('presets', '--shrink');
    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain('--shrink goes with study, not presets');
  });
});
