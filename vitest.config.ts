import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Two projects. `fast`: the specifications, files in parallel (one worker per core). `slow`:
 * the tests that start CLI processes or train whole sweeps to check a finding; each file
 * already keeps the cores busy, so they run one file at a time. `npm test` runs both;
 * `npm run test:fast` only the first.
 */
const SLOW = [
  // CLI processes (each loads tsx, tfjs and the engine) and worker threads.
  'src/cli/findings.test.ts',
  'src/cli/hostileData.test.ts',
  'src/cli/userDataFile.test.ts',
  'src/cli/main.test.ts',
  'src/cli/outputFile.test.ts',
  'src/cli/jobs.test.ts',
  'src/cli/hostileFiles.test.ts',
  'src/cli/cluster.test.ts',
  // Trained sweeps, end-to-end EMC measurements, soak and fuzz runs, and the kernels checked
  // against tfjs by training on two backends.
  'src/engine/shards.test.ts',
  'src/engine/run.test.ts',
  'src/engine/sharedSizeGeneralization.test.ts',
  'src/engine/models/cnn.test.ts',
  'src/engine/models/vit.test.ts',
  'src/engine/experiment/memory.test.ts',
  'src/engine/train/soak.test.ts',
  'src/engine/train/fitProbe.test.ts',
  'src/engine/train/stackedProbes.test.ts',
  'src/engine/train/stepGradients.test.ts',
  'src/engine/kernels/fusedDenseStep.test.ts',
  'src/engine/kernels/fusedAdam.test.ts',
  'src/engine/kernels/wasmKernels.test.ts',
  'src/engine/data/shipped.test.ts',
  'src/engine/data/readers.fuzz.test.ts',
  'src/share/fuzz.test.ts',
  'src/share/resultsFile.test.ts',
  'src/cli/partialResults.test.ts',
  'src/bench/bench.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    // Trainings on the cpu backend are slow-ish; the slowest specs set their own timeouts.
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
          exclude: SLOW,
          setupFiles: ['src/freshModules.setup.ts', 'src/engine/testSetup.ts'],
          fileParallelism: true,
          maxWorkers: availableParallelism(),
          // A worker runs file after file without starting afresh: TensorFlow.js and the other
          // packages load once a worker, not once a file (that load was most of the suite's
          // time). Our own modules still start afresh for every file (testSetup.ts resets them).
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: SLOW,
          setupFiles: ['src/engine/testSetup.ts'],
          // Each file starts processes or threads of its own: parallel files would only
          // fight over the cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
