// The built lab served by `vite preview` for the bench's browser measurements.
import { spawn } from 'node:child_process';
import type { Page } from '@playwright/test';

/** Starts `vite preview` on `port`; `stop()` ends it and its children. */
export function startPreview(port: number): { stop(): void } {
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
    stdio: 'ignore',
    detached: true,
  });
  return {
    stop: () => {
      if (server.pid) process.kill(-server.pid);
    },
  };
}

/** Opens `url`, retrying for about ten seconds while the server starts. */
export async function gotoWhenServed(page: Page, url: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await page.goto(url);
      return;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
