import type { Page } from '@playwright/test';
import { expect, runButton, runStatus, setField, test, trainingWorker } from './fixtures.ts';

/** Starts a four-point sweep and waits until a few probes have finished. */
async function startAndWaitForProbes(page: Page, backend: string, probes = 2) {
  await page.goto('/');
  await setField(page, 'Widths', '2, 4, 8, 16');
  await setField(page, 'Check fit every (epochs)', '4');
  await page.getByLabel('Training backend').selectOption(backend);
  await runButton(page).click();
  await expect
    .poll(async () => Number(await page.getByTestId('search-trace').getAttribute('data-probes')), {
      timeout: 90_000,
    })
    .toBeGreaterThanOrEqual(probes);
}

test('a worker that crashes mid-run keeps every finished probe and resumes on another backend', async ({
  page,
  consoleErrors,
}) => {
  await startAndWaitForProbes(page, 'cpu');
  await trainingWorker(page).evaluate(() => {
    setTimeout(() => {
      throw new Error('simulated crash');
    }, 0);
  });
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'failed');
  await expect(runStatus(page)).toContainText('The training worker crashed');
  await expect(runStatus(page)).toContainText('simulated crash');
  const kept = Number(await page.getByTestId('search-trace').getAttribute('data-probes'));
  expect(kept).toBeGreaterThanOrEqual(2);

  const recovery = page.getByTestId('recovery');
  await expect(recovery).toContainText(`${kept} finished probes are kept`);
  await recovery.getByRole('button', { name: 'Resume on wasm' }).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 90_000 });
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('emc-chart')).toHaveAttribute('data-points', '4');
  await expect(page.getByRole('log')).toContainText('replayed from the interrupted run');

  // The crash was provoked: its own report is the only error allowed.
  expect(consoleErrors.every((e) => e.includes('simulated crash'))).toBe(true);
  consoleErrors.length = 0;
});

test('a worker that closes itself without an error is noticed and the run resumes', async ({
  page,
}) => {
  await startAndWaitForProbes(page, 'cpu');
  // No error event reaches the page: only the watchdog can tell the worker is gone.
  await trainingWorker(page).evaluate(() => {
    setTimeout(() => self.close(), 0);
  });
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'failed');
  await expect(runStatus(page)).toContainText('ended without reporting an error');
  const kept = Number(await page.getByTestId('search-trace').getAttribute('data-probes'));
  expect(kept).toBeGreaterThanOrEqual(2);
  const recovery = page.getByTestId('recovery');
  await expect(recovery).toContainText(`${kept} finished probes are kept`);
  await recovery.getByRole('button', { name: 'Resume on cpu (same)' }).click();
  await expect(page.getByRole('log')).toContainText('replayed from the interrupted run', {
    timeout: 60_000,
  });
  await page.getByRole('button', { name: 'Stop' }).click();
});

test('a lost GPU device is reported and the run resumes on another backend', async ({
  page,
  consoleErrors,
}) => {
  test.setTimeout(180_000);
  await startAndWaitForProbes(page, 'webgpu', 1);
  await trainingWorker(page).evaluate(() =>
    (self as unknown as { emcLabDebug: { loseGpuDevice(): void } }).emcLabDebug.loseGpuDevice(),
  );
  // The loss surfaces at the worker's next GPU call: give a busy machine time for it.
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'failed', { timeout: 60_000 });
  await expect(runStatus(page)).toContainText('The GPU device was lost (destroyed');
  const recovery = page.getByTestId('recovery');
  await expect(recovery.getByRole('button', { name: 'Resume on webgpu (same)' })).toBeVisible();
  await recovery.getByRole('button', { name: 'Resume on wasm' }).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 120_000 });
  await expect(page.getByRole('log')).toContainText('replayed from the interrupted run');

  // Ops queued on the destroyed device may report WebGPU errors; nothing else may.
  expect(consoleErrors.filter((e) => !/device|WebGPU|GPU/i.test(e))).toEqual([]);
  consoleErrors.length = 0;
});

test('a run goes on in one tab only: another tab says it runs elsewhere, and offers it once freed', async ({
  page,
  context,
}) => {
  await startAndWaitForProbes(page, 'cpu', 1);
  // The other tab must find the run saved, as it would after a reload.
  await page.getByText(/^History/).click();
  await expect(page.getByTestId('history-entry').first()).toContainText(/[1-9]\d* probes/);

  const other = await context.newPage();
  await other.goto('/');
  // A cold start of a second lab on a busy machine takes a while.
  await expect(other.getByTestId('notice')).toContainText('is running in another tab', {
    timeout: 60_000,
  });
  await expect(other.getByTestId('interrupted-banner')).toHaveCount(0);
  await other.getByText(/^History/).click();
  const entry = other.getByTestId('history-entry').first();
  await expect(entry).toContainText('running in another tab');
  await expect(entry.getByRole('button', { name: 'Resume' })).toHaveCount(0);

  // Closing the running tab frees the run: now it is interrupted, and this tab may resume it.
  await page.close();
  await expect(other.getByTestId('interrupted-banner')).toContainText('was interrupted after', {
    timeout: 30_000,
  });
  await expect(entry.getByRole('button', { name: 'Resume' })).toBeVisible();
});

test('the offline cache keeps the lab: not the benchmark page, not an HTML answer for a data file', async ({
  page,
  context,
}) => {
  await page.goto('/');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload(); // now the service worker controls the page
  await page.goto('/bench.html');
  // The preview server answers a missing file with the lab's index (200, text/html).
  const missing = await page.evaluate(async () => {
    const response = await fetch('data/no-such-dataset/train.bin');
    return { status: response.status, type: response.headers.get('content-type') };
  });
  expect(missing.status).toBe(200);
  expect(missing.type).toContain('text/html');
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const hit = await caches.match('data/no-such-dataset/train.bin', { ignoreVary: true });
    return { names, hit: hit !== undefined };
  });
  expect(cached.hit).toBe(false);
  expect(cached.names.every((name) => name.startsWith('emc-lab:'))).toBe(true);

  await context.setOffline(true);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'EMC Lab' })).toBeVisible();
  await context.setOffline(false);
});
