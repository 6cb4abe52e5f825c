import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The arrows of the architecture (ui → state → worker client → worker → engine) are lint
 * rules (eslint.config.js); these probes hold them to it: each wrong import must fail
 * `npm run lint`, each allowed one must pass.
 */
const eslint = new ESLint();

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['src/engine/probe.ts', "import { App } from '../ui/App.tsx';", 'the engine imports none'],
    [
      'src/engine/train/probe.ts',
      "import { x } from '../../state/runStore.ts';",
      'the engine imports none',
    ],
    [
      'src/engine/probe.ts',
      "import { x } from '../worker/protocol.ts';",
      'the engine imports none',
    ],
    ['src/engine/probe.ts', "import { create } from 'zustand';", 'the engine runs without a page'],
    [
      'src/ui/run/probe.ts',
      "import { startBackend } from '../../worker/backends.ts';",
      'through worker/protocol.ts',
    ],
    [
      'src/state/probe.ts',
      "import { StepGate } from '../worker/stepGate.ts';",
      'through worker/protocol.ts only',
    ],
    [
      'src/worker/probe.ts',
      "import { useRunStore } from '../state/runStore.ts';",
      'does not import page code',
    ],
    [
      'src/cli/probe.ts',
      "import { test } from '../../e2e/fixtures.ts';",
      'does not import tests or scripts',
    ],
    [
      'scripts/probe.ts',
      "import { test } from '../e2e/fixtures.ts';",
      'do not import the browser tests',
    ],
  ])('%s: %s fails lint', async (file, code, reason) => {
    const messages = await restricted(file, `${code}\nexport {};\n`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(reason);
  });

  it.each([
    ['src/ui/run/probe.ts', "import { BACKEND_ORDER } from '../../worker/protocol.ts';"],
    ['src/ui/run/probe.ts', "import { probeWebGpu } from '../../worker/webgpuAdapter.ts';"],
    ['src/state/probe.ts', "import { parseSpec } from '../engine/index.ts';"],
    ['src/worker/probe.ts', "import { runExperiment } from '../engine/index.ts';"],
    ['src/engine/probe.ts', "import * as tf from '@tensorflow/tfjs';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await restricted(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});
