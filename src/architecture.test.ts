import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The arrows of the architecture (ui → effects → stores, both → worker protocol → worker →
 * engine; stores import no effect) are lint rules (eslint.config.js); these probes hold them
 * to it: each wrong import must fail `npm run lint`, each allowed one must pass.
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
      "import { x } from '../../stores/runStore.ts';",
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
      'src/engine/probe.ts',
      "import { startUrlSync } from '../effects/urlSync.ts';",
      'the engine imports none',
    ],
    [
      'src/stores/probe.ts',
      "import { StepGate } from '../worker/stepGate.ts';",
      'through worker/protocol.ts only',
    ],
    [
      'src/effects/probe.ts',
      "import { StepGate } from '../worker/stepGate.ts';",
      'through worker/protocol.ts only',
    ],
    [
      'src/stores/probe.ts',
      "import { saveRun } from '../effects/persistence.ts';",
      'stores have no side effects',
    ],
    [
      'src/stores/probe.ts',
      "import type { WorkerLike } from '../effects/workerClient.ts';",
      'stores have no side effects',
    ],
    [
      'src/stores/probe.ts',
      "import { App } from '../ui/App.tsx';",
      'stores do not import components',
    ],
    [
      'src/effects/probe.ts',
      "import { App } from '../ui/App.tsx';",
      'effects do not import components',
    ],
    [
      'src/worker/probe.ts',
      "import { useRunStore } from '../stores/runStore.ts';",
      'does not import page code',
    ],
    [
      'src/worker/probe.ts',
      "import { startRun } from '../effects/runner.ts';",
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
    ['src/stores/probe.ts', "import { parseSpec } from '../engine/index.ts';"],
    ['src/effects/probe.ts', "import { useRunStore } from '../stores/runStore.ts';"],
    ['src/ui/run/probe.ts', "import { startRun } from '../../effects/runner.ts';"],
    ['src/worker/probe.ts', "import { runExperiment } from '../engine/index.ts';"],
    ['src/engine/probe.ts', "import * as tf from '@tensorflow/tfjs';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await restricted(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});

/** Every module's relative imports of code (type-only imports leave nothing at run time). */
function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
    (file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file),
  );
  for (const file of files) {
    const path = join(root, file);
    const source = readFileSync(path, 'utf8');
    const targets = [...source.matchAll(/^import (?!type\b)[^;]*?from '(\.[^']+)';/gms)].map(
      (match) => join(dirname(path), match[1] as string),
    );
    graph.set(path, targets);
  }
  return graph;
}

/** The import cycles of `graph`, each as the chain of modules that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (module: string, chain: string[]) => {
    const at = chain.indexOf(module);
    if (at >= 0) return void found.push([...chain.slice(at), module]);
    if (done.has(module)) return;
    for (const target of graph.get(module) ?? []) visit(target, [...chain, module]);
    done.add(module);
  };
  for (const module of graph.keys()) visit(module, []);
  return found;
}

describe('module graph', () => {
  it('has no import cycle: each module can be read knowing only what it imports', () => {
    expect(cycles(importGraph('src'))).toEqual([]);
  });

  it('stores import no effect, not even a type: state and actions only, no side effects', () => {
    const stores = readdirSync('src/stores').filter((file) => /\.tsx?$/.test(file));
    expect(stores.length).toBeGreaterThan(0);
    const effectImports = stores.flatMap((file) =>
      [...readFileSync(join('src/stores', file), 'utf8').matchAll(/from '(\.[^']+)'/g)]
        .map((match) => match[1] as string)
        .filter((target) => join('src/stores', target).startsWith(join('src', 'effects')))
        .map((target) => `${file}: ${target}`),
    );
    expect(effectImports).toEqual([]);
  });

  it('only effects touch the URL, IndexedDB, localStorage, Web Locks and workers', () => {
    const sideEffect =
      /window\.history|location\.hash|idb-keyval|indexedDB|localStorage|navigator\.locks|new Worker\(/;
    const stores = readdirSync('src/stores').filter(
      (file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file),
    );
    const touching = stores.filter((file) =>
      sideEffect.test(readFileSync(join('src/stores', file), 'utf8')),
    );
    expect(touching).toEqual([]);
  });

  it('the cycle check sees a cycle', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });
});
