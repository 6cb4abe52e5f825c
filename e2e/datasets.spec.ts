import { expect, runButton, runStatus, setField, test } from './fixtures.ts';
import type { Page } from '@playwright/test';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
});

/** A small MNIST experiment on WASM: a pool of 60 digits and a coarse search. */
async function fillTinyMnist(page: Page, widths: string): Promise<void> {
  await page.getByLabel('Dataset', { exact: true }).selectOption('mnist');
  await setField(page, 'Pool size', '60');
  await setField(page, 'Widths', widths);
  await setField(page, 'Batch size', '16');
  await setField(page, 'First budget (epochs, optional)', '40');
  await setField(page, 'Step cap per probe', '640');
  await setField(page, 'Patience (steps)', '40');
  await setField(page, 'Precision', '0.25');
  await setField(page, 'First N', '10');
  await page.getByLabel('Training backend').selectOption('wasm');
}

async function runToEnd(page: Page): Promise<void> {
  await runButton(page).click();
  // A second run starts from the first one's "finished": wait for it to leave that first.
  await expect(runStatus(page)).not.toHaveAttribute('data-phase', 'finished');
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 100_000 });
}

test('MNIST: choosing it fixes shape and classes, and MLP, CNN and ViT sweeps finish', async ({
  page,
}) => {
  await fillTinyMnist(page, '4, 8');
  await expect(page.getByLabel('Input shape', { exact: true })).toHaveValue('28, 28, 1');
  await expect(page.getByLabel('Classes', { exact: true })).toHaveValue('10');
  await runToEnd(page);
  const table = page.getByTestId('results-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table).toContainText('MLP 1×4 relu');
  await expect(table).toContainText('3,190');
  await expect(page.locator('.event-log')).toContainText('MNIST handwritten digits');

  await page.getByLabel('Family', { exact: true }).selectOption('cnn');
  await setField(page, 'Widths', '1');
  await runToEnd(page);
  await expect(table).toContainText('CNN 1×1ch relu');

  await expect(page.getByLabel('Patch size', { exact: true })).toHaveCount(0);
  await page.getByLabel('Family', { exact: true }).selectOption('vit');
  await setField(page, 'Patch size', '7');
  await setField(page, 'Widths', '4');
  await runToEnd(page);
  await expect(table).toContainText('ViT 1×4d 2h p7 mlp8 relu');
});

test('a shape that does not match the dataset is refused with the reason', async ({ page }) => {
  await page.getByLabel('Dataset', { exact: true }).selectOption('fashion-mnist');
  await setField(page, 'Input shape', '32, 32, 3');
  await expect(page.locator('#field-data-inputShape-error')).toContainText(
    'fashion-mnist images are [28, 28, 1], not [32, 32, 3]',
  );
  await expect(runButton(page)).toBeDisabled();
});

test('a true-label and a random-label run of one sweep show the label gap beside generalization', async ({
  page,
}) => {
  await fillTinyMnist(page, '8, 16, 32');
  await setField(page, 'Test samples', '100');
  await page.getByLabel('Labels', { exact: true }).selectOption('true');
  await runToEnd(page);
  await expect(page.getByTestId('label-gap')).toHaveCount(0);
  await page.getByRole('button', { name: 'Pin this run for comparison' }).click();

  await page.getByLabel('Labels', { exact: true }).selectOption('random');
  await runToEnd(page);
  const panel = page.getByTestId('label-gap');
  await expect(panel.locator('tbody tr')).toHaveCount(3);
  await expect(panel).toContainText('MLP 1×32 relu');
  // Every width's generalization is measured on the same N, the smallest EMC (true labels).
  await expect(page.getByTestId('label-gap-shared-n')).toContainText(
    /Generalization measured at N = \d+, shared by every width/,
  );
  // A pool this small may be fitted whole (a censored EMC): such rows stay in the table but
  // out of r, each with its reason.
  const leftOut = await panel.locator('tbody tr[data-excluded]').count();
  if (leftOut > 0) {
    await expect(page.getByTestId('label-gap-left-out').locator('li')).toHaveCount(leftOut);
  }
  await expect(page.getByTestId('label-gap-correlation')).toContainText(
    leftOut === 0 ? /r = -?[01]\.\d\d \(3 points\)/ : /needs at least 3 sweep points/,
  );
  await expect(page.getByTestId('label-gap-direction')).toContainText(
    /a larger EMC\(true\) − EMC\(random\) goes with a smaller generalization gap.*(agrees|does not agree at this scale|Too few points|No spread)/,
  );
});

test('a dataset that cannot be downloaded fails the run with the file named, keeping the form', async ({
  page,
  context,
  consoleErrors,
}) => {
  await context.route('**/data/mnist/manifest.json', (route) =>
    route.fulfill({ status: 404, body: 'gone' }),
  );
  await fillTinyMnist(page, '4');
  await runButton(page).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'failed', { timeout: 60_000 });
  await expect(runStatus(page)).toContainText(
    'could not download /data/mnist/manifest.json: HTTP 404',
  );
  await expect(page.getByLabel('Widths', { exact: true })).toHaveValue('4');
  // The browser reports the 404 itself; nothing else may go wrong.
  expect(consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
  consoleErrors.length = 0;
});

test('a dataset used once is cached and trains offline', async ({ page, context }) => {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await fillTinyMnist(page, '4');
  await runToEnd(page);
  await context.setOffline(true);
  await page.reload();
  await fillTinyMnist(page, '8');
  await runToEnd(page);
  await expect(page.getByTestId('results-table')).toContainText('MLP 1×8 relu');
  await context.setOffline(false);
});
