import { availableParallelism } from 'node:os';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS, chromiumPath, WEBGPU_FLAG } from '../src/bench/chromium.ts';

/**
 * Browser tests run the built app (vite preview) in Debian's Chromium; nothing is
 * downloaded. Headless Chromium on a machine without a GPU gets a software WebGPU adapter
 * (SwiftShader) from one flag, --enable-unsafe-webgpu; without it requestAdapter() returns
 * null, which is how the "no WebGPU" project proves the fallback.
 */
// E2E_PORT lets two checkouts (git worktrees) run their suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 4174);
const executablePath = chromiumPath;
/**
 * Tests share nothing (each has its own browser context: storage, locks and service worker;
 * files go to testInfo.outputPath or a fresh temporary folder), so files may run side by side.
 * But most tests train in the browser (the page, the training worker and Chromium's own
 * processes), which keeps at least a core busy: on 2 cores a second worker only splits the same
 * CPU and stretches every wait for a run. Two workers from 4 cores up; E2E_WORKERS overrides.
 */
const WORKERS = Number(process.env.E2E_WORKERS ?? (availableParallelism() >= 4 ? 2 : 1));

export default defineConfig({
  testDir: '.',
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: WORKERS,
  retries: 0,
  reporter: [['list']],
  outputDir: '../test-results',
  use: {
    baseURL: `http://localhost:${PORT}`,
    viewport: { width: 1400, height: 1000 },
    trace: 'off',
  },
  projects: [
    {
      // Every spec: the lab with a (software) WebGPU adapter, as most visitors have one.
      name: 'webgpu',
      testMatch: /.*\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath, args: [...CHROMIUM_FLAGS, WEBGPU_FLAG] },
      },
    },
    {
      // Only what depends on the adapter: nothing is skipped, nothing runs twice for nothing.
      name: 'no-webgpu',
      testMatch: /backends\.spec\.ts$/,
      use: { browserName: 'chromium', launchOptions: { executablePath, args: CHROMIUM_FLAGS } },
    },
  ],
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    cwd: '..',
    port: PORT,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
