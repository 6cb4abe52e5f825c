import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random.ts';
import type { DataSpec } from '../experiment/index.ts';
import type { DeviceSamples } from '../train/fitProbe.ts';
import { type DataSource, drawDependsOnSeed } from './index.ts';
import type { Dataset, LabeledSamples } from './types.ts';

/** Pool and test split on the backend. */
export interface DeviceData {
  pool: DeviceSamples;
  test?: DeviceSamples;
}

/**
 * The seed a repeat's data is drawn with. Repeat 0 uses the experiment seed itself, so a
 * one-seed run draws what it always did; later repeats draw afresh, so that the spread of
 * EMC over seeds includes the spread over data draws (random labels, noise inputs).
 */
export function dataSeedFor(experimentSeed: number, seedIndex: number): number {
  return seedIndex === 0 ? experimentSeed : deriveSeed(experimentSeed, 'data-draw', seedIndex);
}

/**
 * The data each repeat of a search trains on, uploaded to the backend. Data that does not
 * depend on the seed (real images, true labels) is uploaded once for the whole run; data
 * that does is uploaded for one repeat at a time, and real images are shared by every
 * repeat's labels.
 */
export class RepeatData {
  readonly first: Dataset;
  private readonly perSeed: boolean;
  private current: { seedIndex: number; device: DeviceData } | undefined;
  private sharedPixels: { pool: tf.Tensor; test?: tf.Tensor } | undefined;

  constructor(
    private readonly spec: DataSpec,
    private readonly experimentSeed: number,
    private readonly source: DataSource,
  ) {
    this.first = source.draw(dataSeedFor(experimentSeed, 0));
    this.perSeed = drawDependsOnSeed(spec);
  }

  device(seedIndex: number): DeviceData {
    const index = this.perSeed ? seedIndex : 0;
    if (this.current?.seedIndex === index) return this.current.device;
    this.releaseCurrent();
    const dataset =
      index === 0 ? this.first : this.source.draw(dataSeedFor(this.experimentSeed, index));
    const device = this.upload(dataset);
    this.current = { seedIndex: index, device };
    return device;
  }

  dispose(): void {
    this.releaseCurrent();
    if (this.sharedPixels) tf.dispose([this.sharedPixels.pool, this.sharedPixels.test]);
    this.sharedPixels = undefined;
  }

  private releaseCurrent(): void {
    if (!this.current) return;
    const { pool, test } = this.current.device;
    const shared = new Set([this.sharedPixels?.pool, this.sharedPixels?.test]);
    tf.dispose([pool.x, pool.y, test?.x, test?.y].filter((t) => t && !shared.has(t)));
    this.current = undefined;
  }

  private upload(dataset: Dataset): DeviceData {
    // Real images are the same in every draw (only labels change): keep one copy.
    const imagesShared = this.spec.source !== 'gaussian' && this.spec.inputs === 'real';
    if (imagesShared && !this.sharedPixels) {
      this.sharedPixels = {
        pool: uploadInputs(dataset, dataset.pool),
        ...(dataset.test.count > 0 ? { test: uploadInputs(dataset, dataset.test) } : {}),
      };
    }
    return uploadDataset(dataset, this.sharedPixels);
  }
}

/**
 * Uploads pool and test split; every probe gathers its subset on the backend. `pixels`
 * are inputs already on the backend (shared by several draws), uploaded again otherwise.
 */
export function uploadDataset(
  dataset: Dataset,
  pixels?: { pool: tf.Tensor; test?: tf.Tensor },
): DeviceData {
  const upload = (split: LabeledSamples, x: tf.Tensor | undefined): DeviceSamples => ({
    x: x ?? uploadInputs(dataset, split),
    y: tf.tensor1d(split.y, 'int32'),
  });
  const pool = upload(dataset.pool, pixels?.pool);
  return dataset.test.count === 0 ? { pool } : { pool, test: upload(dataset.test, pixels?.test) };
}

export function disposeUploaded(device: DeviceData): void {
  tf.dispose([device.pool.x, device.pool.y, device.test?.x, device.test?.y]);
}

/** Inputs as float32 on the backend; raw pixels go up as bytes and are normalized there. */
export function uploadInputs(dataset: Dataset, samples: LabeledSamples): tf.Tensor {
  return tf.tidy(() => {
    const shape = [samples.count, ...dataset.inputShape];
    if (!(samples.x instanceof Uint8Array)) return tf.tensor(samples.x, shape, 'float32');
    const { mean, std } = dataset.pixels ?? { mean: 0, std: 1 };
    return tf.tensor(samples.x, shape, 'int32').toFloat().div(255).sub(mean).div(std);
  });
}
