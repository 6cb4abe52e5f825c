import AxeBuilder from '@axe-core/playwright';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { zipDeclaring } from '../src/engine/data/zipFixtures.ts';
import { expect, runButton, runStatus, setField, test, watchLongTasks } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
});

/** Two well-separated blobs in 3-D, sorted by class as files often are. */
function blobsCsv(): string {
  const rows = ['height,weight,age,kind'];
  for (let i = 0; i < 40; i++) {
    const far = i >= 20;
    rows.push(
      `${(far ? 5 : 0) + (i % 5) * 0.1},${(far ? 5 : 0) + (i % 4) * 0.1},${i % 3},${far ? 'tall' : 'short'}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

/** A file written to a fresh folder, to be chosen from disk (see watchLongTasks). */
function onDisk(name: string, contents: string | Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'emc-hostile-')), name);
  writeFileSync(path, contents);
  return path;
}

const csvFile = (text: string, name = 'blobs.csv') => ({
  name,
  mimeType: 'text/csv',
  buffer: Buffer.from(text),
});

/** Two class folders of 6×6 gray PNGs: vertical and horizontal bars. */
function barImages(): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (let offset = 0; offset < 6; offset++) {
    for (const vertical of [true, false]) {
      const data = new Uint8Array(36);
      for (let i = 0; i < 6; i++) data[vertical ? i * 6 + offset : offset * 6 + i] = 255;
      files[`bars/${vertical ? 'vertical' : 'horizontal'}/${offset}.png`] = encodePng({
        width: 6,
        height: 6,
        channels: 1,
        depth: 8,
        data,
      });
    }
  }
  return files;
}

const barsZip = () => ({
  name: 'bars.zip',
  mimeType: 'application/zip',
  buffer: Buffer.from(zipSync(barImages())),
});

/** The same images as a folder on disk, for the folder picker. */
function barsFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'emc-bars-'));
  for (const [path, bytes] of Object.entries(barImages())) {
    mkdirSync(join(root, dirname(path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  return join(root, 'bars');
}

/** A quick search on WASM: one or two narrow MLPs, a coarse bracket. */
async function fillQuickSearch(page: Page, widths: string): Promise<void> {
  await setField(page, 'Widths', widths);
  await setField(page, 'Batch size', 'full');
  await setField(page, 'Step cap per probe', '2000');
  await setField(page, 'Patience (steps)', '20');
  await setField(page, 'Precision', '0.25');
  await page.getByLabel('Training backend').selectOption('wasm');
}

async function runToEnd(page: Page): Promise<void> {
  await runButton(page).click();
  // A second run starts from the first one's "finished": wait for it to leave that first.
  await expect(runStatus(page)).not.toHaveAttribute('data-phase', 'finished');
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 100_000 });
}

test('a CSV chosen in the lab is summarized, trains, and shows its EMC points', async ({
  page,
}) => {
  await page.getByLabel('Dataset', { exact: true }).selectOption('csv');
  await page.getByLabel('Choose a CSV file…').setInputFiles(csvFile(blobsCsv()));
  const summary = page.getByTestId('data-summary');
  await expect(summary).toContainText('blobs.csv: 40 rows, 3 features, 2 classes');
  await expect(summary).toContainText('short → 0, tall → 1');
  await expect(page.getByLabel('Pool size', { exact: true })).toHaveValue('40');
  // The data panel (pickers, summary, label column) passes the accessibility audit.
  const audit = await new AxeBuilder({ page }).include('[data-testid="user-data"]').analyze();
  expect(audit.violations.map((v) => `${v.id} (${v.impact})`)).toEqual([]);
  await fillQuickSearch(page, '2, 4');
  await runToEnd(page);
  const table = page.getByTestId('results-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(page.locator('.event-log')).toContainText('blobs.csv, your own data');
  // The label column is a choice; with "age" as the label, "kind" would be a feature, and
  // it is not numeric: refused, naming the cell, and the experiment keeps its label column.
  await page.getByLabel('Label column').selectOption('age');
  await expect(page.getByTestId('data-error')).toHaveText(
    'blobs.csv: Row 2, column "kind": "short" is not a number.',
  );
  await expect(page.getByLabel('Label column')).toHaveValue('kind');
  await expect(summary).toContainText('40 rows, 3 features, 2 classes');

  // Stored data comes back in one click, and can be forgotten.
  await page.getByLabel('Dataset', { exact: true }).selectOption('gaussian');
  await page.getByLabel('Dataset', { exact: true }).selectOption('csv');
  await expect(page.getByTestId('data-summary')).toHaveCount(0);
  await page.getByRole('button', { name: 'Use blobs.csv' }).click();
  await expect(summary).toContainText('blobs.csv: 40 rows');
  await page.getByRole('button', { name: 'Forget this data' }).click();
  await expect(page.getByTestId('data-required')).toContainText('blobs.csv');
  await expect(page.getByRole('button', { name: 'Use blobs.csv' })).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('data-required')).toContainText('blobs.csv');
});

test('a malformed CSV names the row and column at fault and keeps the form', async ({ page }) => {
  await setField(page, 'Name', 'My careful experiment');
  await page.getByLabel('Dataset', { exact: true }).selectOption('csv');
  await page
    .getByLabel('Choose a CSV file…')
    .setInputFiles(csvFile('a,b,kind\n1,2,x\n3,oops,y\n', 'broken.csv'));
  await expect(page.getByTestId('data-error')).toHaveText(
    'broken.csv: Row 3, column "b": "oops" is not a number.',
  );
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('My careful experiment');
  await expect(page.getByTestId('data-summary')).toHaveCount(0);
  await expect(runButton(page)).toBeDisabled();
  // Fixed, the same name chosen again loads.
  await page
    .getByLabel('Choose a CSV file…')
    .setInputFiles(csvFile('a,b,kind\n1,2,x\n3,4,y\n', 'broken.csv'));
  await expect(page.getByTestId('data-summary')).toContainText('broken.csv: 2 rows');
  await expect(page.getByTestId('data-error')).toHaveCount(0);
});

test('a hostile CSV is read in a worker and refused with the problem named, keeping the form', async ({
  page,
}) => {
  await setField(page, 'Name', 'My careful experiment');
  await page.getByLabel('Dataset', { exact: true }).selectOption('csv');
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  const longTasks = await watchLongTasks(page);
  // 65,535 columns named over 100,000 one-cell rows: sized from its header, it asked for 26 GB.
  const header = Array.from({ length: 65_535 }, (_, i) => `c${i}`).join(',');
  await page
    .getByLabel('Choose a CSV file…')
    .setInputFiles(onDisk('wide.csv', `${header}\n${'1\n'.repeat(100_000)}`));
  await expect(page.getByTestId('data-error')).toHaveText(
    'wide.csv: Row 2 has 1 cells where the header has 65535 columns.',
  );
  expect(workers.some((url) => /readData/.test(url))).toBe(true);
  // Read in the worker: the page's own thread never ran a task of a second or more.
  expect(Math.max(0, ...(await longTasks()))).toBeLessThan(1000);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('My careful experiment');
  await expect(page.getByTestId('data-summary')).toHaveCount(0);
  // A feature float32 cannot hold is named by row and column.
  await page
    .getByLabel('Choose a CSV file…')
    .setInputFiles(csvFile('a,b,kind\n1,2,x\n3,1e39,y\n', 'huge.csv'));
  await expect(page.getByTestId('data-error')).toHaveText(
    'huge.csv: Row 3, column "b": 1e39 is beyond the range of 32-bit floats (±3.4e38), where training computes.',
  );
});

test('a zip whose PNG inflates far past its header is refused in the worker, keeping the form and a responsive page', async ({
  page,
}) => {
  await page.getByLabel('Dataset', { exact: true }).selectOption('images');
  await page.getByLabel('Choose a .zip…').setInputFiles(barsZip());
  await expect(page.getByTestId('data-summary')).toContainText('bars.zip: 12 images');
  await setField(page, 'Name', 'My careful experiment');
  // 64 MB of pixel data (an 8000×8000 gray image, 64 KB deflated) under a header saying 4×4.
  const bomb = encodePng({
    width: 8000,
    height: 8000,
    channels: 1,
    depth: 8,
    data: new Uint8Array(8000 * 8000),
  });
  const header = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
  header.setUint32(16, 4); // IHDR width
  header.setUint32(20, 4); // IHDR height
  const images = { ...barImages(), 'bars/vertical/bomb.png': bomb };
  const longTasks = await watchLongTasks(page);
  await page
    .getByLabel('Choose a .zip…')
    .setInputFiles(onDisk('bomb.zip', zipSync(images, { level: 0 })));
  await expect(page.getByTestId('data-error')).toHaveText(
    'bomb.zip: vertical/bomb.png holds more pixel data than its 4×4 header allows (over 20 bytes inflated): it is damaged or hostile.',
  );
  expect(Math.max(0, ...(await longTasks()))).toBeLessThan(1000);
  // The form and the data read before are kept.
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('My careful experiment');
  await expect(page.getByLabel('Input shape', { exact: true })).toHaveValue('6, 6, 1');
  await expect(page.getByTestId('data-summary')).toContainText('bars.zip: 12 images');
});

test('a folder of class folders of images, or its zip, trains', async ({ page }) => {
  await page.getByLabel('Dataset', { exact: true }).selectOption('images');
  await page.getByLabel('Choose a folder…').setInputFiles(barsFolder());
  await expect(page.getByTestId('data-summary')).toContainText('bars: 12 images 6×6×1, 2 classes');
  const folderHash = await page.getByTestId('data-summary').locator('code').getAttribute('title');
  await page.getByLabel('Choose a .zip…').setInputFiles(barsZip());
  await expect(page.getByTestId('data-summary')).toContainText(
    'bars.zip: 12 images 6×6×1, 2 classes',
  );
  await expect(page.getByTestId('data-classes')).toContainText('horizontal → 0, vertical → 1');
  // The same images, so the same data: the hash does not depend on how they came.
  await expect(page.getByTestId('data-summary').locator('code')).toHaveAttribute(
    'title',
    folderHash ?? '',
  );
  await expect(page.getByLabel('Input shape', { exact: true })).toHaveValue('6, 6, 1');
  await fillQuickSearch(page, '2');
  await runToEnd(page);
  await expect(page.getByTestId('results-table').locator('tbody tr')).toHaveCount(1);
});

test('a link to an experiment on private data says which file to load, and refuses another', async ({
  page,
  browser,
}) => {
  await page.getByLabel('Dataset', { exact: true }).selectOption('csv');
  await page.getByLabel('Choose a CSV file…').setInputFiles(csvFile(blobsCsv()));
  await fillQuickSearch(page, '2');
  await runToEnd(page);
  await page.getByLabel('with results').check();
  const link = await page.getByTestId('share-link').inputValue();

  // A fresh browser: its IndexedDB does not hold blobs.csv.
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(link);
  const required = other.getByTestId('data-required');
  await expect(required).toContainText('private data that this browser does not hold');
  await expect(required).toContainText('blobs.csv (40 rows, 3 features, 2 classes; SHA-256');
  // The results embedded in the link show without the data.
  await expect(other.getByTestId('results-table').locator('tbody tr')).toHaveCount(1);
  await expect(runButton(other)).toBeDisabled();

  await other
    .getByLabel('Choose a CSV file…')
    .setInputFiles(csvFile('x,kind\n1,a\n2,b\n', 'blobs.csv'));
  await expect(other.getByTestId('data-error')).toContainText(
    'blobs.csv is not the data this experiment was made with: it has 2 rows, not 40, 1 features, not 3',
  );
  await expect(required).toBeVisible();

  await other.getByLabel('Choose a CSV file…').setInputFiles(csvFile(blobsCsv()));
  await expect(other.getByTestId('data-summary')).toContainText('blobs.csv: 40 rows');
  await expect(runButton(other)).toBeEnabled();
  // Kept in IndexedDB: a reload still has the data.
  await other.reload();
  await expect(other.getByTestId('data-summary')).toContainText('blobs.csv: 40 rows');
  await expect(runButton(other)).toBeEnabled();
  await context.close();
});

test('choosing "your CSV file…" asks for the file instead of showing errors', async ({ page }) => {
  await page.getByLabel('Dataset', { exact: true }).selectOption('csv');
  await expect(page.getByTestId('data-awaiting')).toContainText('Choose a CSV file to train on');
  await expect(page.locator('.experiment-form .field-error')).toHaveCount(0);
  await expect(page.getByTestId('form-problems')).toHaveCount(0);
  await expect(page.getByTestId('run-blocked')).toContainText('Choose your CSV file');
  await expect(runButton(page)).toBeDisabled();
});

test('a zip whose entries declare 1 GB each is refused in the worker from its directory, the page responsive', async ({
  page,
}) => {
  await page.getByLabel('Dataset', { exact: true }).selectOption('images');
  await setField(page, 'Name', 'My careful experiment');
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  // Six entries of 1 KB deflated, each declaring 1 GB: 6 GB if believed.
  const zip = zipDeclaring(
    Array.from({ length: 6 }, (_, i): [string, Uint8Array, number] => [
      `c${i % 2}/${i}.png`,
      deflateRawSync(new Uint8Array(1024)),
      1024 ** 3,
    ]),
  );
  const longTasks = await watchLongTasks(page);
  await page.getByLabel('Choose a .zip…').setInputFiles(onDisk('six.zip', zip));
  await expect(page.getByTestId('data-error')).toHaveText(
    'six.zip: c0/0.png expands to 1.0 GB; one image file may be at most 128 MB.',
  );
  expect(workers.some((url) => /readData/.test(url))).toBe(true);
  expect(Math.max(0, ...(await longTasks()))).toBeLessThan(1000);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('My careful experiment');
  await expect(page.getByTestId('data-summary')).toHaveCount(0);
});
