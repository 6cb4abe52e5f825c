import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, runButton, test } from './fixtures.ts';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function boxOf(page: Page, testId: string): Promise<Box> {
  const box = await page.getByTestId(testId).boundingBox();
  if (!box) throw new Error(`${testId} is not drawn`);
  return box;
}

/** The drawn width of each EMC marker, in chart order (strokes aside: the shape's own box). */
const markerSizes = (page: Page) =>
  page
    .getByTestId('emc-chart')
    .locator('.emc-point')
    .evaluateAll((elements) => elements.map((e) => (e as SVGGraphicsElement).getBBox().width));

const inside = (box: Box, width: number, height: number) =>
  box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;

const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Whether an input or menu shows its whole text: its text's drawn width against its own. */
async function showsWholeText(page: Page, label: string): Promise<boolean> {
  return page.getByLabel(label, { exact: true }).evaluate((element) => {
    const field = element as HTMLInputElement | HTMLSelectElement;
    const texts =
      field instanceof HTMLSelectElement
        ? [...field.options].map((option) => option.text)
        : [field.value];
    const context = document.createElement('canvas').getContext('2d');
    if (!context) throw new Error('no canvas');
    const style = getComputedStyle(field);
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    // A menu's arrow takes about 1.5 em of its width.
    const arrow = field instanceof HTMLSelectElement ? 1.5 * parseFloat(style.fontSize) : 0;
    const widest = Math.max(...texts.map((text) => context.measureText(text).width));
    return widest <= field.clientWidth - padding - arrow;
  });
}

for (const [width, height] of [
  [1366, 768],
  [1024, 768],
] as const) {
  test(`at ${width}×${height} Run, the EMC chart and the probe chart share the first screen`, async ({
    page,
  }, testInfo) => {
    await page.setViewportSize({ width, height });
    await page.goto('/');
    await expect(page.getByTestId('emc-chart').locator('.recharts-surface').first()).toBeVisible();

    const run = await runButton(page).boundingBox();
    if (!run) throw new Error('Run is not drawn');
    const controls = await page.locator('.run-controls').boundingBox();
    const emc = await boxOf(page, 'emc-chart');
    const probe = await boxOf(page, 'probe-chart');
    for (const [name, box] of Object.entries({ run, emc, probe })) {
      expect(inside(box, width, height), `${name} ${JSON.stringify(box)} in the viewport`).toBe(
        true,
      );
    }
    expect(overlap(emc, probe)).toBe(false);
    if (controls) {
      expect(overlap(controls, emc)).toBe(false);
      expect(overlap(controls, probe)).toBe(false);
    }
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);

    // The form's name and the dataset menu are never cut.
    expect(await showsWholeText(page, 'Name')).toBe(true);
    expect(await showsWholeText(page, 'Dataset')).toBe(true);
    // The model beside the form, on the first screen, at least at its own size.
    const diagram = page.getByTestId('model-diagram');
    await expect(diagram).toBeInViewport();
    const scale = await diagram.locator('svg').evaluate((svg) => {
      const viewBox = (svg as SVGSVGElement).viewBox.baseVal;
      return svg.getBoundingClientRect().width / viewBox.width;
    });
    expect(scale).toBeGreaterThanOrEqual(1);
    const diagramBox = await boxOf(page, 'model-diagram');
    expect(overlap(diagramBox, emc)).toBe(false);

    // Every axis says what it measures.
    await expect(page.getByTestId('probe-chart')).toContainText('training loss');
    await expect(page.getByTestId('probe-chart')).toContainText('accuracy');
    await expect(page.getByTestId('search-trace')).toContainText('N (training samples)');
    // The probe chart's legend has its own band: it covers neither axis title nor a tick.
    const probeChart = page.getByTestId('probe-chart');
    const legend = await probeChart.locator('.recharts-legend-wrapper').boundingBox();
    if (!legend) throw new Error('the probe chart has no legend');
    for (const text of await probeChart
      .locator('.recharts-label, .recharts-cartesian-axis-tick')
      .all()) {
      const box = await text.boundingBox();
      if (box) expect(overlap(legend, box), `legend over ${await text.textContent()}`).toBe(false);
    }
    await page.screenshot({ path: testInfo.outputPath(`first-screen-${width}x${height}.png`) });
  });
}

test('the form folds Training and Search to a summary, keeps a section with a problem open, and remembers', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/');
  const training = page.locator('details.form-group[data-group="Training"]');
  await expect(training).not.toHaveAttribute('open');
  await expect(training.locator('summary')).toContainText(
    'adam 0.1 · batch full · at most 8,000 steps',
  );
  await expect(page.locator('details.form-group[data-group="Data"]')).toHaveAttribute('open');

  // A bad value keeps its section open: folding it would hide the message.
  await training.locator('summary').click();
  await page.getByLabel('Learning rate', { exact: true }).fill('-1');
  await expect(training.locator('summary')).toContainText('has a problem');
  await training.locator('summary').click();
  await expect(training).toHaveAttribute('open');
  await expect(training.getByRole('alert').first()).toBeVisible();
  await page.getByLabel('Learning rate', { exact: true }).fill('0.05');
  await training.locator('summary').click();
  await expect(training).not.toHaveAttribute('open');
  await expect(training.locator('summary')).toContainText('adam 0.05');

  // The choice is this browser's: a reload keeps Data folded and Training as left.
  await page.locator('details.form-group[data-group="Data"] > summary').click();
  // The fold is saved on the toggle event, a task after the click: on a busy machine a reload
  // straight after it can come first.
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem('emc-lab.form-groups-open') ?? ''))
    .toContain('"Data":false');
  await page.reload();
  await expect(page.locator('details.form-group[data-group="Data"]')).not.toHaveAttribute('open');
  await expect(training).not.toHaveAttribute('open');
});

test('at 1366×768 a lesson shows its question, what the demo runs and the EMC chart on the first screen', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/');
  await page.getByRole('button', { name: 'Lesson' }).click();
  await expect(page.getByTestId('lesson')).toHaveAttribute('data-step', '1');
  await expect(page.getByTestId('emc-chart').locator('.recharts-surface').first()).toBeVisible();
  const question = await page.locator('#lesson-question').boundingBox();
  if (!question) throw new Error('the question is not drawn');
  const summary = await boxOf(page, 'lesson-experiment');
  const emc = await boxOf(page, 'emc-chart');
  for (const [name, box] of Object.entries({ question, summary, emc })) {
    expect(inside(box, 1366, 768), `${name} ${JSON.stringify(box)} in the viewport`).toBe(true);
  }
  await expect(page.getByTestId('lesson-experiment')).toContainText('The demo:');
  await page.screenshot({ path: testInfo.outputPath('lesson-1366x768.png') });
});

test('in projector mode the EMC chart takes at least half the screen height', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/');
  // Results on the chart, to measure its markers: a results file, imported.
  await page
    .getByLabel('Import a results JSON file')
    .setInputFiles(
      fileURLToPath(new URL('../src/share/testdata/results-v1.json', import.meta.url)),
    );
  const chart = page.getByTestId('emc-chart');
  const markers = chart.locator('.emc-point');
  await expect(markers.first()).toBeVisible();
  const count = await markers.count();
  const normal = await markerSizes(page);
  expect(normal).toHaveLength(count);

  await page.getByRole('button', { name: 'Projector mode' }).click();
  const plot = chart.locator('.recharts-wrapper');
  await expect(plot).toBeVisible();
  const box = await plot.boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(768 / 2);
  // Markers for the back of a room: every one at least twice its normal size.
  await expect(chart).toHaveAttribute('data-marker-scale', '2');
  await expect(markers).toHaveCount(count);
  const large = await markerSizes(page);
  large.forEach((size, i) => expect(size).toBeGreaterThanOrEqual(2 * (normal[i] ?? Infinity) - 1));
  await page.screenshot({ path: testInfo.outputPath('projector-1366x768.png') });
});
