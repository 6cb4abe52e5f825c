import { deriveSeed } from '../random.ts';
import type { DataSpec } from '../spec/index.ts';
import { gaussianSource } from './gaussian.ts';
import { applyLabelMode } from './labels.ts';
import type { DataSource, Dataset } from './types.ts';

export type { Dataset, LabeledSamples } from './types.ts';
export { featureCount } from './types.ts';

/** Every data source by the name `data.source` uses. New datasets register here. */
const SOURCES: Record<DataSpec['source'], DataSource> = {
  gaussian: gaussianSource,
};

/**
 * Builds the run's dataset: pool and test split are drawn together (so they never overlap
 * and come from one distribution), then the label mode is applied to the pool only —
 * test labels stay true, since they measure generalization.
 */
export async function loadDataset(spec: DataSpec, seed: number): Promise<Dataset> {
  const source = SOURCES[spec.source];
  const total = spec.poolSize + spec.testSize;
  const all = await source.sample(spec, total, deriveSeed(seed, 'data'));
  const features = all.x.length / total;
  const split = spec.poolSize * features;
  const poolLabels = all.y.subarray(0, spec.poolSize);
  return {
    inputShape: [...spec.inputShape],
    classes: spec.classes,
    pool: {
      x: all.x.subarray(0, split),
      y: applyLabelMode(poolLabels, spec, deriveSeed(seed, 'labels')),
      count: spec.poolSize,
    },
    test: { x: all.x.subarray(split), y: all.y.subarray(spec.poolSize), count: spec.testSize },
    description: source.describe(spec),
  };
}
