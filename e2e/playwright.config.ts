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

export default defineConfig({
  testDir: '.',
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
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
