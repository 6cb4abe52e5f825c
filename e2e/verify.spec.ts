import { DEFAULT_SPEC } from '../src/stores/defaultSpec.ts';
import { expect, formField, test } from './fixtures.ts';

test('an older link says how it was read, and the form shows Verify verdicts', async ({ page }) => {
  // lz-string is CommonJS: its functions sit on the default export under Playwright's loader.
  const { default: lz } = await import('lz-string');
  const v2 = { ...DEFAULT_SPEC, version: 2, train: { ...DEFAULT_SPEC.train, patience: 40 } };
  await page.goto(`/#e=${lz.compressToEncodedURIComponent(JSON.stringify({ spec: v2 }))}`);
  const notice = page.getByTestId('notice');
  await expect(notice).toHaveCount(1);
  await expect(notice).toHaveAttribute('role', 'status');
  await expect(notice).toContainText('The link: This experiment was saved by an older EMC Lab');
  await expect(notice).toContainText('patience of 40 epochs now reads as 500 optimizer steps');
  await expect(page.getByLabel('Patience (steps)', { exact: true })).toHaveValue('500');
  const verify = await formField(page, 'Verify verdicts');
  await expect(verify).toHaveValue('true');
  const before = new URL(page.url()).hash;
  await verify.selectOption('false');
  // The link follows the form: opened again, it keeps verification off.
  await page.waitForFunction((hash) => window.location.hash !== hash, before);
  await page.reload();
  await expect(page.getByLabel('Verify verdicts', { exact: true })).toHaveValue('false');
  await expect(page.getByTestId('notice')).toHaveCount(0);
});
