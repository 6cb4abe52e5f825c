import { expect, runButton, runStatus, test } from './fixtures.ts';

// The first thing a newcomer sees: the default experiment, run as it opens, shows finding 1
// plainly (every EMC a converged, verified value below the samples = parameters line).
test('the default run draws its first point early and ends with no lower bound, below the parameter count', async ({
  page,
}, testInfo) => {
  test.setTimeout(900_000); // the whole default run, on a machine shared by many
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/');
  await page.getByLabel('Training backend').selectOption('wasm');
  await runButton(page).click();
  const chart = page.getByTestId('emc-chart');
  await expect(page.getByTestId('eta')).toBeVisible();
  // The first point arrives while the second width still trains.
  await expect(chart).toHaveAttribute('data-points', '1', { timeout: 600_000 });
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'running');
  await page.screenshot({ path: testInfo.outputPath('default-first-point.png') });
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 600_000 });
  await expect(chart).toHaveAttribute('data-points', '2');
  await expect(chart).toHaveAttribute('data-budget-limited-points', '0');
  await expect(chart).toHaveAttribute('data-unverified-points', '0');
  const rows = page.getByTestId('results-table').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  for (const row of await rows.all()) {
    await expect(row).not.toHaveAttribute('data-budget-limited', 'true');
    await expect(row).not.toContainText('≥');
    const [parameters = '', emc = ''] = await row.locator('td').allTextContents();
    expect(parseFloat(emc)).toBeLessThan(Number(parameters.replace(/\D/g, '')));
  }
  await page.screenshot({ path: testInfo.outputPath('default-finished.png') });
});
