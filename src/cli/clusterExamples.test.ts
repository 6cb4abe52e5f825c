import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpec } from '../engine/index.ts';
import { shardOfJob } from '../engine/shards.ts';
import { parseShard } from './shards.ts';

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
    // The shard count is the array's size, so SBATCH_ARRAY_INX (or --array) changes both.
    expect(slurm).toMatch(/--shard "auto\/\$\{SLURM_ARRAY_TASK_COUNT\}"/);
    expect(slurm).toMatch(/--out "\$\{results\}\/part-\$\{SLURM_ARRAY_TASK_ID\}\.json"/);
    expect(text('submit-slurm.sh')).toMatch(
      /--dependency="afterok:\$\{array\}"[\s\S]*merge '\$\{results\}'\/part-\*\.json/,
    );
  });

  it("map each Kubernetes index and each Slurm array task to its own shard, and each of the sweep's jobs to one shard", () => {
    const check = readSpec(JSON.parse(text('sweep.json')));
    if (!check.ok) throw new Error(check.errors.join('\n'));
    const job = text('sweep-job.yaml');
    const number = (pattern: RegExp, source: string) => Number(pattern.exec(source)?.[1]);
    const completions = number(/completions: (\d+)\n/, job);
    const shards = number(/--shard auto\/(\d+)/, job);
    expect(shards).toBe(completions);
    // Every shard runs at once: a smaller parallelism would queue some behind others.
    expect(number(/parallelism: (\d+)\n/, job)).toBe(completions);
    const [, min, max] = /#SBATCH --array=(\d+)-(\d+)\n/.exec(text('sweep.slurm')) ?? [];
    const first = Number(min);
    const tasks = Number(max) - first + 1;
    expect(tasks).toBe(completions);

    const shardOf = (env: NodeJS.ProcessEnv, count: number) => {
      const parsed = parseShard(`auto/${count}`, env);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.value;
    };
    const each = Array.from({ length: completions }, (_, i) => ({ index: i + 1, count: shards }));
    const kubernetes = Array.from({ length: completions }, (_, i) =>
      shardOf({ JOB_COMPLETION_INDEX: String(i) }, shards),
    );
    const slurm = Array.from({ length: tasks }, (_, i) =>
      shardOf(
        {
          SLURM_ARRAY_TASK_ID: String(first + i),
          SLURM_ARRAY_TASK_MIN: String(first),
          SLURM_ARRAY_TASK_COUNT: String(tasks),
        },
        tasks,
      ),
    );
    expect(kubernetes).toEqual(each);
    expect(slurm).toEqual(each);

    // The 24 (width, seed) jobs: 4 per shard, none in two.
    const jobsPerShard = new Map<number, number>();
    check.spec.sweep.widths.forEach((_, point) => {
      for (let seed = 0; seed < check.spec.search.seeds; seed += 1) {
        const shard = shardOfJob(check.spec, point, seed, shards);
        jobsPerShard.set(shard, (jobsPerShard.get(shard) ?? 0) + 1);
      }
    });
    expect([...jobsPerShard.entries()].sort(([a], [b]) => a - b)).toEqual(
      each.map(({ index }) => [index, 4]),
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
