import { expect, runButton, runStatus, seriousViolations, setField, test } from './fixtures.ts';

test('lesson mode steps through the five findings, each asking for a prediction first', async ({
  page,
}, testInfo) => {
  test.slow(); // five steps, each predicted and revealed: minutes on a busy machine
  await page.goto('/');
  await page.getByRole('button', { name: 'Lesson' }).click();
  const lesson = page.getByTestId('lesson');
  const findings = [
    'Fewer than 298',
    'The CNN',
    'Mini-batch SGD',
    'Yes: a larger gap goes with better generalization',
    'ReLU',
  ];
  for (const [index, prediction] of findings.entries()) {
    await expect(lesson).toHaveAttribute('data-step', String(index + 1));
    await expect(lesson).toContainText(`Finding ${index + 1} of 5`);
    expect(page.url()).toContain(`lesson=${index + 1}`);
    // The demo is the finding's preset, loaded into the form.
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue(
      new RegExp(`^Finding ${index + 1}:`),
    );
    await expect(page.getByTestId('lesson-answer')).toHaveCount(0);
    await page.getByRole('radio', { name: prediction }).check();
    // Predicting reveals nothing: the answers wait for the demo, or for an explicit Reveal.
    await expect(page.getByTestId('lesson-hidden')).toBeVisible();
    await expect(page.getByTestId('lesson-answer')).toHaveCount(0);
    await page.getByRole('button', { name: 'Reveal now' }).click();
    await expect(page.getByTestId('lesson-answer')).toContainText('The paper:');
    await expect(page.getByTestId('lesson-verdict')).toContainText(
      `Your prediction, “${prediction}”, is what the paper found.`,
    );
    if (index === 0) expect(await seriousViolations(page)).toEqual([]);
    // A step answered: the question, the prediction, what the paper and the lab found.
    if (index === 0) await page.screenshot({ path: testInfo.outputPath('lesson-answered.png') });
    if (index < 4) await page.getByRole('button', { name: 'Next →' }).click();
  }
  await expect(page.getByTestId('lesson-answer')).toContainText('does not reproduce');
  await expect(page.getByRole('button', { name: 'Next →' })).toBeDisabled();
  await page.getByRole('button', { name: '← Previous' }).click();
  await expect(lesson).toHaveAttribute('data-step', '4');
  // A prediction made before is remembered.
  await expect(page.getByRole('radio', { name: findings[3] as string })).toBeChecked();
  await page.getByRole('button', { name: 'Leave the lesson' }).click();
  await expect(lesson).toHaveCount(0);
  expect(page.url()).not.toContain('lesson=');
});

test('a link opens a given lesson step, on a projector too', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto('/#lesson=3');
  await expect(page.getByTestId('lesson')).toHaveAttribute('data-step', '3');
  await expect(page.getByTestId('lesson')).toContainText('mini-batches of 16');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(
    'Finding 3: SGD vs full-batch GD — SGD, batch 16',
  );
  // The experiment joins the step in the URL; the link still opens both.
  await expect.poll(() => page.url()).toMatch(/#lesson=3&e=/);
  await page.getByRole('button', { name: /projector/i }).click();
  expect(await seriousViolations(page)).toEqual([]);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
  );
  expect(overflow).toBe(false);
});

test('the model is drawn as the form describes it, and redrawn when it changes', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto('/');
  await page.getByRole('button', { name: /projector/i }).click();
  const diagram = page.getByTestId('model-diagram').first();
  await expect(diagram).toBeVisible();
  // Projector mode folds the form into its summary: open it to edit.
  await page.getByTestId('experiment-summary').click();
  await setField(page, 'Depth', '1');
  await expect(diagram).toHaveAttribute('data-layers', '3');
  await expect(diagram.getByRole('img')).toHaveAttribute(
    'aria-label',
    /input .* then hidden 1 4 units, then output/,
  );
  await setField(page, 'Depth', '3');
  await expect(diagram).toHaveAttribute('data-layers', '5');
  await expect(diagram).toContainText('hidden 3');
  await expect(diagram).toContainText('parameters');
});

test('the fit transition lists every probe of a point and draws Cover’s curve for a linear model', async ({
  page,
}) => {
  await page.goto('/');
  await setField(page, 'Input shape', '6');
  await setField(page, 'Classes', '2');
  await page.getByLabel('Labels', { exact: true }).selectOption('random');
  await setField(page, 'Pool size', '60');
  await setField(page, 'Depth', '0');
  await setField(page, 'Widths', '1');
  await setField(page, 'Batch size', 'full');
  await setField(page, 'Step cap per probe', '3000');
  await setField(page, 'Precision', '0');
  await setField(page, 'Seeds', '2');
  await page.getByLabel('Training backend').selectOption('wasm');
  await runButton(page).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 100_000 });
  const view = page.getByTestId('fit-transition');
  const probes = Number(await page.getByTestId('search-trace').getAttribute('data-probes'));
  expect(probes).toBeGreaterThan(2);
  await expect(view.getByTestId('fit-probe-row')).toHaveCount(probes);
  await expect(view.getByTestId('cover-curve')).toBeVisible();
  await expect(view).toContainText('Cover’s theorem');
  await expect(view).toContainText('1/2 at N = 14');
  expect(await seriousViolations(page)).toEqual([]);
  // Hovering the point on the EMC chart draws its model beside it.
  await page.getByTestId('emc-chart').locator('.recharts-scatter-symbol').last().hover();
  const tooltip = page.getByTestId('emc-tooltip');
  await expect(tooltip).toContainText('linear classifier');
  await expect(tooltip.getByTestId('model-diagram')).toHaveAttribute('data-layers', '2');
});
