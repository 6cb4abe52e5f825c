import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
    setupFiles: ['src/engine/testSetup.ts'],
    // Trainings on the cpu backend are slow-ish; the slowest specs set their own timeouts.
    testTimeout: 60_000,
    // Two cores: parallel files would only fight over them.
    fileParallelism: false,
  },
});
