import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpec } from '../engine/index.ts';

const text = (name: string) => readFileSync(`examples/cluster/${name}`, 'utf8');

describe('the cluster examples', () => {
  it('shard a sweep of 8 widths × 3 seeds whose jobs are independent', () => {
    const check = readSpec(JSON.parse(text('sweep.json')));
    if (!check.ok) throw new Error(check.errors.join('\n'));
    expect(check.spec.sweep.widths).toHaveLength(8);
    expect(check.spec.search.seeds).toBe(3);
    expect(check.spec.search.warmStart).toBe(false);
  });

  it('agree on 6 shards, each writing its part, and merge every part', () => {
    const job = text('sweep-job.yaml');
    expect(job).toMatch(/completionMode: Indexed/);
    expect(job).toMatch(/completions: 6\n/);
    expect(job).toMatch(/--shard auto\/6/);
    expect(job).toMatch(/--out \/results\/part-\$JOB_COMPLETION_INDEX\.json/);
    expect(text('merge-job.yaml')).toMatch(
      /merge \/results\/part-\*\.json --out \/results\/sweep\.json/,
    );
    const slurm = text('sweep.slurm');
    expect(slurm).toMatch(/#SBATCH --array=1-6\n/);
    expect(slurm).toMatch(/--shard auto\/6/);
    expect(text('submit-slurm.sh')).toMatch(
      /--dependency="afterok:\$\{array\}"[\s\S]*merge results\/part-\*\.json/,
    );
  });

  it('build an image whose CLI needs no development dependency', () => {
    // The Dockerfile installs with --omit=dev: every package the CLI's code imports must be
    // a runtime dependency.
    expect(text('Dockerfile')).toMatch(/npm ci --omit=dev/);
    const { dependencies } = JSON.parse(readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const sources = (folder: string): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? sources(join(folder, entry.name))
          : /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)
            ? [join(folder, entry.name)]
            : [],
      );
    const imported = new Set<string>();
    for (const file of ['cli', 'engine', 'share', 'presets'].flatMap((f) => sources(`src/${f}`))) {
      for (const [, name] of readFileSync(file, 'utf8').matchAll(
        /(?:from |import\()'([^.'][^']*)'/g,
      )) {
        const specifier = name as string;
        if (specifier.startsWith('node:')) continue;
        const parts = specifier.split('/');
        imported.add(
          specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string),
        );
      }
    }
    expect([...imported].filter((name) => !(name in dependencies))).toEqual([]);
    // Dynamic imports count too: the WebGPU bindings load only for --backend webgpu.
    expect(imported).toContain('webgpu');
  });
});
