import type { Page } from '@playwright/test';
import {
  expect,
  fillTinyExperiment,
  formField,
  runButton,
  runStatus,
  setField,
  test,
  watchTrainingWorkers,
} from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
});

/** 2 widths × 2 seeds, warm start off: four independent (width, seed) searches, 2 workers on wasm. */
async function fillPoolSweep(page: Page): Promise<void> {
  await fillTinyExperiment(page);
  await setField(page, 'Seeds', '2');
  await (await formField(page, 'Warm start')).selectOption('false');
  await page.getByLabel('Training backend').selectOption('wasm');
  await page.getByLabel('Training workers').selectOption('2');
}

const probesDrawn = async (page: Page) =>
  Number(await page.getByTestId('search-trace').getAttribute('data-probes'));

test('two workers sweep 2 widths × 2 seeds and the chart gets every point', async ({ page }) => {
  await fillPoolSweep(page);
  await expect(page.getByTestId('worker-hint')).toContainText('2 workers');
  const workers = watchTrainingWorkers(page);
  await runButton(page).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 110_000 });
  // Two workers trained its shards (this sweep is too quick to be sure they overlapped: the Stop
  // test holds them side by side), and both are gone once the run is over.
  expect(workers.started).toBe(2);
  await expect.poll(() => workers.live, { timeout: 15_000 }).toBe(0);
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
  // Long enough to be stopped with both workers at work: the tiny sweep finishes in seconds.
  await setField(page, 'Widths', '8, 16, 24');
  await setField(page, 'Pool size', '400');
  await setField(page, 'Step cap per probe', '20000');
  const workers = watchTrainingWorkers(page);
  await runButton(page).click();
  await expect.poll(() => workers.live, { timeout: 60_000 }).toBe(2);
  await expect.poll(() => probesDrawn(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  expect(workers.live).toBe(2);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'cancelled', { timeout: 15_000 });
  await expect(runStatus(page)).toContainText('Stopped.');
  await expect.poll(() => workers.live, { timeout: 15_000 }).toBe(0);
  const kept = await probesDrawn(page);
  expect(kept).toBeGreaterThanOrEqual(1);
  await expect(runButton(page)).toBeEnabled();
});

test('a reload mid-run resumes on the pool and completes', async ({ page }) => {
  await fillPoolSweep(page);
  // Long enough to still run when two probes are saved (~13 s on an idle 2-core machine):
  // the tiny sweep finishes in about a second, and CI once saw it end before the reload.
  await setField(page, 'Input shape', '16');
  await setField(page, 'Widths', '8, 16');
  await setField(page, 'Pool size', '800');
  await setField(page, 'Step cap per probe', '4000');
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
  const saved = Number(/after (\d+) probes/.exec((await banner.textContent()) ?? '')?.[1]);
  await banner.getByRole('button', { name: 'Resume' }).click();
  // The backend that trained the saved probes, not the reloaded page's auto; its probes at once.
  await expect(page.getByLabel('Training backend')).toHaveValue('wasm');
  await expect(runStatus(page)).toHaveAttribute('data-phase', /starting|running/);
  expect(await probesDrawn(page)).toBeGreaterThanOrEqual(saved);
  await expect(runStatus(page)).toContainText('on 2 workers', { timeout: 60_000 });
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 110_000 });
  await expect(page.getByTestId('emc-chart')).toHaveAttribute('data-points', '2');
  await expect(page.getByRole('log')).toContainText('replayed from the interrupted run');
  await page.getByText(/^History/).click();
  await expect(page.getByTestId('history-entry').first()).toContainText('complete');
});
