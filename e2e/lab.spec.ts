import {
  expect,
  fillTinyExperiment,
  formField,
  runButton,
  runStatus,
  setField,
  test,
  trainingHeld,
  trainingWorker,
} from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
});

test('a point whose decisive probe ran out of steps is drawn and labelled as a lower bound', async ({
  page,
}) => {
  await fillTinyExperiment(page);
  // Six optimizer steps decide nothing near the EMC: the decisive probes stay inconclusive.
  await setField(page, 'First budget (epochs, optional)', '');
  await setField(page, 'Step cap per probe', '6');
  await runButton(page).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 100_000 });
  const chart = page.getByTestId('emc-chart');
  await expect(chart.locator('[data-budget-limited="true"]').first()).toBeAttached();
  await expect(chart).toContainText('budget-limited (lower bound)');
  await expect(page.getByTestId('budget-limited-note')).toBeVisible();
  const limitedRows = page.getByTestId('results-table').locator('tr[data-budget-limited="true"]');
  await expect(limitedRows.first()).toContainText('≥');
  await expect(limitedRows.first()).toContainText('budget-limited');
  await expect(page.locator('.event-log')).toContainText(/inconclusive \(step cap reached/);
});

test('parallel probes train each round stacked on the lab backend and report every probe', async ({
  page,
}) => {
  await fillTinyExperiment(page);
  await setField(page, 'Parallel probes', '3');
  await runButton(page).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 100_000 });
  await expect(page.locator('.event-log')).toContainText(
    /3 probes at once, stacked: N = \d+, \d+, \d+/,
  );
  await expect(page.getByTestId('results-table').locator('tbody tr')).toHaveCount(2);
  expect(
    Number(await page.getByTestId('search-trace').getAttribute('data-probes')),
  ).toBeGreaterThan(3);
  // A CNN cannot stack: the field goes away rather than offering what would be refused.
  await page.getByLabel('Family', { exact: true }).selectOption('cnn');
  await expect(page.getByLabel('Parallel probes', { exact: true })).toHaveCount(0);
});

test('Stop cancels the run between two steps and leaves the lab usable', async ({ page }) => {
  // Long enough to be stopped mid-training: the default experiment now finishes in seconds,
  // faster than a status poll can be sure to see its first point.
  await setField(page, 'Widths', '8, 16, 24');
  await setField(page, 'Pool size', '400');
  await setField(page, 'Step cap per probe', '20000');
  await runButton(page).click();
  await expect(runStatus(page)).toContainText(/Running: point \d\/3, seed 1, N = \d+/, {
    timeout: 30_000,
  });
  // Training is under way once the first epoch is drawn.
  await expect(page.getByTestId('probe-chart')).not.toHaveAttribute('data-epochs', '0', {
    timeout: 60_000,
  });
  await page.getByRole('button', { name: 'Stop' }).click();
  // How fast Stop lands is a property of the step gate (stepGate.test.ts) and of the worker
  // client's terminate fallback (workerClient.test.ts, on a fake clock); here only that it
  // does, with a bound generous enough for a busy 2-core machine.
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'cancelled', { timeout: 15_000 });
  await expect(runStatus(page)).toContainText('Stopped.');

  await expect(runButton(page)).toBeEnabled();
  await setField(page, 'Widths', '3');
  await expect(page.getByLabel('Widths', { exact: true })).toHaveValue('3');
});

test('Pause holds training and Resume continues it', async ({ page }) => {
  await page.getByLabel('Training backend').selectOption('cpu');
  await runButton(page).click();
  await expect(runStatus(page)).toContainText('Running: point', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'paused');
  // The training loop parks between two steps: nothing trains until Resume.
  await expect.poll(() => trainingWorker(page).evaluate(trainingHeld)).toBe(true);
  const probes = await page.getByTestId('search-trace').getAttribute('data-probes');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'running');
  await expect(page.getByTestId('search-trace')).not.toHaveAttribute('data-probes', probes ?? '0', {
    timeout: 30_000,
  });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'cancelled');
});

test('invalid input shows its message and blocks Run until fixed', async ({ page }) => {
  await setField(page, 'Learning rate', '-1');
  const field = await formField(page, 'Learning rate');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('must be greater than 0')).toBeVisible();
  await expect(runButton(page)).toBeDisabled();
  await expect(page.getByTestId('form-problems')).toContainText('Fix 1 problem');

  await page.getByLabel('Labels', { exact: true }).selectOption('random');
  await setField(page, 'Label noise', '0.3');
  await expect(page.getByText('has no effect on random labels')).toBeVisible();
  await expect(page.getByTestId('form-problems')).toContainText('Fix 2 problems');

  await setField(page, 'Learning rate', '0.03');
  await setField(page, 'Label noise', '0');
  await expect(runButton(page)).toBeEnabled();
});

test('an explicitly chosen backend is used and shown', async ({ page }) => {
  await fillTinyExperiment(page);
  await page.getByLabel('Training backend').selectOption('wasm');
  await runButton(page).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 60_000 });
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('emc-chart')).toHaveAttribute('data-points', '2');
});

test('the built app sends a Content-Security-Policy without unsafe-eval', async ({ page }) => {
  const response = await page.goto('/');
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).not.toContain("'unsafe-eval'");
  const meta = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(meta).toContain("default-src 'self'");
  expect(meta).not.toContain("'unsafe-eval'");
});

test('the form and the run controls work from the keyboard', async ({ page }) => {
  const widths = page.getByLabel('Widths', { exact: true });
  await widths.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('2, 6');
  // The folded Training section is one stop: Enter unfolds it, and its first field follows.
  await page.keyboard.press('Tab');
  const training = page.locator('details.form-group[data-group="Training"]');
  await expect(training.locator('summary')).toBeFocused();
  await expect(training).not.toHaveAttribute('open');
  await page.keyboard.press('Enter');
  await expect(training).toHaveAttribute('open');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Optimizer', { exact: true })).toBeFocused();
  await expect(widths).toHaveValue('2, 6');

  await page.getByLabel('Training backend').focus();
  await page.keyboard.press('Shift+Tab'); // Stop (disabled) and Pause (disabled) are skipped
  await expect(runButton(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(runStatus(page)).toHaveAttribute('data-phase', /starting|running/);
  await page.getByRole('button', { name: 'Stop' }).focus();
  await page.keyboard.press('Enter');
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'cancelled');
});

test('a CNN sweep on image-shaped inputs trains on the WASM backend', async ({ page }) => {
  await fillTinyExperiment(page);
  await setField(page, 'Input shape', '6, 6, 1');
  await page.getByLabel('Family', { exact: true }).selectOption('cnn');
  await page.getByLabel('Training backend').selectOption('wasm');
  await runButton(page).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 60_000 });
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('results-table')).toContainText('CNN 1×2ch relu');
});

test('in projector mode, Space runs, pauses and resumes, and Esc stops', async ({ page }) => {
  await page.getByRole('button', { name: /projector/i }).click();
  await expect(page.getByTestId('shortcuts')).toContainText('Space');
  await page.getByLabel('Training backend').selectOption('cpu');
  // Keys go to the lab only when no control has the focus.
  await page.locator('h1').click();
  await page.keyboard.press('Space');
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'running', { timeout: 30_000 });
  await page.keyboard.press('Space');
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'paused');
  await expect.poll(() => trainingWorker(page).evaluate(trainingHeld)).toBe(true);
  await page.keyboard.press('Space');
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'running');
  await page.keyboard.press('Escape');
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'cancelled');
});

test('projector mode at 1024×768 puts the EMC chart on the first screen, the form folded into one line', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await fillTinyExperiment(page);
  await page.getByRole('button', { name: /projector/i }).click();
  const summary = page.getByTestId('experiment-summary');
  await expect(summary).toContainText('MLP 1×{2, 6} relu on gaussian [4]');
  await expect(page.getByLabel('Widths', { exact: true })).toBeHidden();
  await page.getByLabel('Training backend').selectOption('wasm');
  await runButton(page).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 60_000 });
  const box = await page.getByTestId('emc-chart').boundingBox();
  expect(box).not.toBeNull();
  expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(768);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBe(0);
  // The form opens on demand, still editable.
  await summary.click();
  await expect(page.getByLabel('Widths', { exact: true })).toBeVisible();
});

test('a random-subspace sweep is read against its trained parameters or their bits, at the choice of the x axis', async ({
  page,
}) => {
  await fillTinyExperiment(page);
  await setField(page, 'Widths', '6');
  await setField(page, 'Subspace dimension', '4');
  await setField(page, 'Subspace dimensions', '2, 4');
  await page.getByLabel('Training backend').selectOption('wasm');
  await runButton(page).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 100_000 });
  const chart = page.getByTestId('emc-chart');
  // The axis titles: EMC's on y, and the one the x axis counts.
  const xAxisLabel = chart.locator('.recharts-label').filter({ hasNotText: 'EMC' });
  await expect(chart).toHaveAttribute('data-points', '2');
  await expect(chart).toHaveAttribute('data-axis', 'parameter');
  await expect(xAxisLabel).toHaveText('parameters');
  await chart.getByTestId('emc-axis').selectOption('trained-parameter');
  await expect(chart).toHaveAttribute('data-axis', 'trained-parameter');
  await expect(chart.locator('figcaption')).toContainText('EMC vs trained parameters');
  await expect(xAxisLabel).toHaveText('trained parameters');
  await expect(chart).toContainText('samples = trained parameters');
  await chart.getByTestId('emc-axis').selectOption('bit');
  await expect(xAxisLabel).toHaveText('bits of trained parameters');
  await expect(chart).toContainText('samples = bits');
});
