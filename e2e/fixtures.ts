import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Locator, type Page } from '@playwright/test';

/** Every test fails if the page logged an error or threw: "no console errors" is a feature. */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await use(errors);
    expect(errors, 'console errors').toEqual([]);
  },
});

export { expect };

/** The smallest experiment that still sweeps two widths: quick even on software WebGPU. */
export async function fillTinyExperiment(page: Page): Promise<void> {
  await setField(page, 'Input shape', '4');
  await setField(page, 'Classes', '2');
  await setField(page, 'Pool size', '40');
  await setField(page, 'Widths', '2, 6');
  await setField(page, 'First budget (epochs, optional)', '20');
  await setField(page, 'Step cap per probe', '160');
  await setField(page, 'Patience (steps)', '10');
  await setField(page, 'Precision', '0.25');
  await setField(page, 'Check fit every (epochs)', '4');
  // The training of the lab's earlier default, which this experiment was sized with.
  await setField(page, 'Learning rate', '0.03');
  await setField(page, 'Min delta', '0.0001');
}

/**
 * Waits until the page has run no long task for a second (start-up done), then records its
 * long tasks (PerformanceObserver 'longtask'); the returned function reads their durations
 * (ms) so far. Files for it are best set from disk: a file given as a buffer is built by
 * Playwright's script in the page, itself a long task on a busy machine.
 */
export async function watchLongTasks(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        let quietSince = performance.now();
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) {
            quietSince = Math.max(quietSince, entry.startTime + entry.duration);
          }
        });
        observer.observe({ type: 'longtask' });
        const every = 100;
        let due = performance.now() + every;
        const check = () => {
          const now = performance.now();
          // A late timer was held up by a task whose entry may not have arrived yet.
          if (now - due > 50) quietSince = now;
          if (now - quietSince >= 1000) {
            observer.disconnect();
            resolve();
            return;
          }
          due = now + every;
          setTimeout(check, every);
        };
        setTimeout(check, every);
      }),
  );
  await page.evaluate(() => {
    const tasks: number[] = [];
    (window as { __longTasks?: number[] }).__longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
  return () => page.evaluate(() => (window as { __longTasks?: number[] }).__longTasks ?? []);
}

/**
 * A form field by its label, its section unfolded first as a person would (Training and
 * Search start folded to a summary line).
 */
export async function formField(page: Page, label: string): Promise<Locator> {
  const field = page.getByLabel(label, { exact: true });
  const group = page.locator('details.form-group').filter({ has: field });
  if ((await group.count()) === 1 && !(await group.evaluate((d: HTMLDetailsElement) => d.open))) {
    await group.locator('summary').click();
  }
  return field;
}

export async function setField(page: Page, label: string, value: string): Promise<void> {
  await (await formField(page, label)).fill(value);
}

export const runButton = (page: Page) => page.getByRole('button', { name: 'Run', exact: true });
export const runStatus = (page: Page) => page.getByTestId('run-status');

/**
 * Counts the page's training workers as they start and end. Events, not page.workers() polled:
 * a small sweep on the fused step finishes in seconds, faster than a poll can be sure to see it.
 */
export function watchTrainingWorkers(page: Page) {
  const seen = { started: 0, live: 0 };
  page.on('worker', (worker) => {
    if (!worker.url().includes('emc.worker')) return;
    seen.started += 1;
    seen.live += 1;
    worker.on('close', () => (seen.live -= 1));
  });
  return seen;
}

/** The training worker (the page's only one once tfjs' own are accounted for). */
export function trainingWorker(page: Page) {
  const worker = page.workers().find((w) => w.url().includes('emc.worker'));
  if (!worker) throw new Error(`no training worker among ${page.workers().map((w) => w.url())}`);
  return worker;
}

/** Evaluated in the training worker: whether its loop is parked by Pause. */
export function trainingHeld(): boolean {
  return (
    self as unknown as { emcLabDebug: { trainingHeld(): boolean } }
  ).emcLabDebug.trainingHeld();
}

/** Serious and critical accessibility violations on the page as it is, by rule and element. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')}`));
}
