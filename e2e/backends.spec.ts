import { expect, fillTinyExperiment, runButton, runStatus, setField, test } from './fixtures.ts';

// What differs with and without a WebGPU adapter: the badge, WebGPU picked by name (it trains on
// the adapter, or falls back to WebGL and says why) and auto's measurement. Every other spec
// runs only in the webgpu project (see playwright.config.ts).
test.beforeEach(async ({ page }) => {
  await page.goto('/');
});

test('loads with the default experiment and a backend badge, without console errors', async ({
  page,
  consoleErrors,
}, testInfo) => {
  await expect(page.getByRole('heading', { name: 'EMC Lab' })).toBeVisible();
  await expect(page.getByLabel('Widths', { exact: true })).toHaveValue('4, 8');
  await expect(runButton(page)).toBeEnabled();
  const badge = page.getByTestId('backend-badge');
  if (testInfo.project.name === 'webgpu') {
    await expect(badge).toContainText('webgpu available');
  } else {
    await expect(badge).toContainText('no WebGPU');
  }
  expect(consoleErrors).toEqual([]);
});

test('runs a small sweep to completion with one EMC point per width', async ({
  page,
}, testInfo) => {
  // A software GPU (SwiftShader) trains many times slower than wasm; on a busy 2-core machine
  // this sweep takes minutes there.
  test.setTimeout(300_000);
  await fillTinyExperiment(page);
  // WebGPU asked for by name: it trains where there is an adapter and falls back without one.
  await page.getByLabel('Training backend').selectOption('webgpu');
  await runButton(page).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 280_000 });

  const chart = page.getByTestId('emc-chart');
  await expect(chart).toHaveAttribute('data-points', '2');
  await expect(page.getByTestId('results-table').locator('tbody tr')).toHaveCount(2);
  // Both points are drawn, except any with EMC 0, which log axes cannot show (and say so).
  const drawn = await chart.locator('.emc-point').count();
  const noteText = chart.getByText(/cannot be drawn on log axes/);
  const note = (await noteText.count()) > 0 ? ((await noteText.textContent()) ?? '') : '';
  const hidden = Number(/(\d+) points? with EMC 0/.exec(note)?.[1] ?? 0);
  expect(drawn + hidden).toBe(2);
  expect(
    Number(await page.getByTestId('search-trace').getAttribute('data-probes')),
  ).toBeGreaterThan(2);

  const badge = page.getByTestId('backend-badge');
  if (testInfo.project.name === 'webgpu') {
    await expect(badge).toHaveAttribute('data-backend', 'webgpu');
    await expect(badge).toContainText(
      'Training on: CPU, through a software GPU (WebGPU on SwiftShader)',
    );
  } else {
    await expect(badge).toHaveAttribute('data-backend', 'webgl');
    await expect(badge).toContainText(
      'Training on: CPU, through a software GPU (WebGL on SwiftShader)',
    );
    await expect(page.getByTestId('fallback-note')).toContainText('webgpu: no WebGPU adapter');
  }
  await page.screenshot({ path: testInfo.outputPath('finished-run.png'), fullPage: true });
});

test("auto times the CPU backends on the run's own model, not a software GPU, and remembers its choice", async ({
  page,
}, testInfo) => {
  await fillTinyExperiment(page);
  await expect(page.getByLabel('Training backend')).toHaveValue('auto');
  await runButton(page).click();
  const measurement = page.getByTestId('backend-measurement');
  await expect(measurement).toContainText('Training on', { timeout: 60_000 });
  const text = (await measurement.textContent()) as string;
  const timings = new Map<string, number>();
  for (const [, name, value, unit] of text.matchAll(
    /(webgpu|webgl|wasm|cpu) (?:over )?([\d.]+) (ms|s)\b/g,
  )) {
    timings.set(name as string, Number(value) * (unit === 's' ? 1000 : 1));
  }
  // This machine's WebGL (and, with the flag, WebGPU) is SwiftShader: the CPU drawing, never
  // worth the seconds of shader compilation it takes to time it.
  expect([...timings.keys()]).toEqual(['wasm', 'cpu']);
  const fallback = page.getByTestId('fallback-note');
  await expect(fallback).toContainText(
    'webgl: SwiftShader is a software renderer (the CPU drawing), so auto does not time it',
  );
  if (testInfo.project.name === 'webgpu') {
    await expect(fallback).toContainText('webgpu: SwiftShader is a software renderer');
  } else {
    await expect(fallback).toContainText('webgpu: no WebGPU adapter');
  }
  // The timings are shown rounded (two at 0.29 ms may differ below that): the chosen one
  // must be the smallest shown, ties included.
  const chosen = /Training on (\w+), the fastest here\./.exec(text)?.[1] as string;
  expect(timings.get(chosen)).toBe(Math.min(...timings.values()));
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', chosen);
  await expect(page.locator('.event-log')).toContainText(
    'Measured one training step of the first model',
  );
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 100_000 });

  // Run again (after a reload: the memory is this browser's, not the page's): no timing,
  // the same backend.
  await page.reload();
  await fillTinyExperiment(page);
  await runButton(page).click();
  await expect(measurement).toContainText(
    `Training on ${chosen}: auto measured it the fastest for this model family in this browser before`,
    { timeout: 60_000 },
  );
  await expect(measurement).not.toContainText('Measured one training step');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', chosen);
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'finished', { timeout: 100_000 });
});

test('with software GPUs let in, auto trains on a CPU backend at once and times them while it trains', async ({
  page,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'webgpu', 'needs the software WebGPU adapter');
  // The lab's testing switch: software adapters are timed in the background, not skipped.
  await page.evaluate(() => localStorage.setItem('emc-lab.time-software-gpu', 'true'));
  await page.reload();
  // Long enough for SwiftShader's seconds of shader compilation to end within the run.
  await setField(page, 'Widths', '8, 16, 24');
  await setField(page, 'Pool size', '400');
  await setField(page, 'Step cap per probe', '20000');
  await runButton(page).click();
  const measurement = page.getByTestId('backend-measurement');
  await expect(measurement).toContainText('timed while it trains', { timeout: 60_000 });
  const chosen = /Training on (\w+), the fastest of the CPU backends/.exec(
    (await measurement.textContent()) ?? '',
  )?.[1];
  expect(['wasm', 'cpu']).toContain(chosen);
  // Training did not wait for the GPU backends: their timing ends while the run goes on.
  const log = page.locator('.event-log');
  await expect(log).toContainText(`Timed while ${chosen} trained`, { timeout: 100_000 });
  await expect(log).toContainText(/webgpu (over )?[\d.]+ (ms|s)/);
  await expect(log).toContainText(`training stays on ${chosen}`);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(runStatus(page)).toHaveAttribute('data-phase', 'cancelled', { timeout: 15_000 });
});
