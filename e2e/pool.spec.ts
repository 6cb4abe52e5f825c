import type { Page } from '@playwright/test';
import { expect, fillTinyExperiment, runButton, runStatus, setField, test } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
});

/** 2 widths × 2 seeds, warm start off: four independent (width, seed) searches, 2 workers on wasm. */
async function fillPoolSweep(page: Page): Promise<void> {
  await fillTinyExperiment(page);
  await setField(page, 'Seeds', '2');
  await page.getByLabel('Warm start', { exact: true }).selectOption('false');
  await page.getByLabel('Training backend').selectOption('wasm');
  await page.getByLabel('Training workers').selectOption('2');
}

const trainingWorkers = (page: Page) =>
  page.workers().filter((worker) => worker.url().includes('emc.worker')).length;

const probesDrawn = async (page: Page) =>
  Number(await page.getByTestId('search-trace').getAttribute('data-probes'));

test('two workers sweep 2 widths × 2 seeds and the chart gets every point', async ({ page }) => {
  await fillPoolSweep(page);
  await expect(page.getByTestId('worker-hint')).toContainText('2 workers');
  await runButton(page).click();
  await expect(runStatus(page)).toContainText(/Running on 2 workers: point \d\/2/, {
    timeout: 60_000,
  });
  await expect.poll(() => trainingWorkers(page), { timeout: 30_000 }).toBe(2);
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 110_000 });
  await expect(page.getByTestId('emc-chart')).toHaveAttribute('data-points', '2');
  const table = page.getByTestId('results-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  expect(await probesDrawn(page)).toBeGreaterThanOrEqual(4);
  await expect(page.getByRole('log')).toContainText('Run complete');

  // The count is a setting of this browser: it survives a reload.
  await page.reload();
  await expect(page.getByLabel('Training workers')).toHaveValue('2');
});

test('Stop stops every worker and keeps their probes', async ({ page }) => {
  await fillPoolSweep(page);
  await runButton(page).click();
  await expect.poll(() => trainingWorkers(page), { timeout: 60_000 }).toBe(2);
  await expect.poll(() => probesDrawn(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'cancelled', { timeout: 15_000 });
  await expect(runStatus(page)).toContainText('Stopped.');
  await expect.poll(() => trainingWorkers(page), { timeout: 15_000 }).toBe(0);
  const kept = await probesDrawn(page);
  expect(kept).toBeGreaterThanOrEqual(1);
  await expect(runButton(page)).toBeEnabled();
});

test('a reload mid-run resumes on the pool and completes', async ({ page }) => {
  await fillPoolSweep(page);
  await runButton(page).click();
  await expect.poll(() => probesDrawn(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  // Reload once the autosave has stored two probes: the history lists what is saved.
  await expect
    .poll(async () => {
      const entry = await page.getByTestId('history-entry').first().textContent();
      return Number(/(\d+) probes/.exec(entry ?? '')?.[1] ?? 0);
    })
    .toBeGreaterThanOrEqual(2);
  await page.reload();

  const banner = page.getByTestId('interrupted-banner');
  await expect(banner).toContainText('was interrupted after');
  await banner.getByRole('button', { name: 'Resume' }).click();
  await expect(runStatus(page)).toContainText('on 2 workers', { timeout: 60_000 });
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 110_000 });
  await expect(page.getByTestId('emc-chart')).toHaveAttribute('data-points', '2');
  await expect(page.getByRole('log')).toContainText('replayed from the interrupted run');
  await page.getByText(/^History/).click();
  await expect(page.getByTestId('history-entry').first()).toContainText('complete');
});
