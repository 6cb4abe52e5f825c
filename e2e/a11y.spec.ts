import {
  expect,
  fillTinyExperiment,
  runButton,
  runStatus,
  seriousViolations,
  test,
} from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
});

for (const projector of [false, true]) {
  test(`no serious accessibility violation before and after a run${projector ? ', in projector mode' : ''}`, async ({
    page,
  }) => {
    await fillTinyExperiment(page);
    await page.getByLabel('Training backend').selectOption('wasm');
    // Projector mode folds the form away: fill it first.
    if (projector) await page.getByRole('button', { name: /projector/i }).click();
    expect(await seriousViolations(page)).toEqual([]);
    await runButton(page).click();
    await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 60_000 });
    expect(await seriousViolations(page)).toEqual([]);
  });
}
