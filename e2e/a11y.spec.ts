import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, fillTinyExperiment, runButton, runStatus, test } from './fixtures.ts';

/** Serious and critical accessibility violations on the page as it is, by rule and element. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')}`));
}

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
