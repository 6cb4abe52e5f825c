import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** An import of any module under one of `folders` (a relative path through them). */
function forbid(folders, message) {
  return { regex: `(^|/)\\.\\.?/(.*/)?(${folders})/`, message };
}

/** Any worker module but its protocol and the tfjs-free WebGPU adapter probe. */
function workerInternals(message) {
  return { regex: '(^|/)worker/(?!(protocol|webgpuAdapter)\\.ts$)', message };
}

const appDoesNotImportTools = forbid('e2e|scripts', 'the app does not import tests or scripts');

/**
 * `no-restricted-imports` for `files` (but not `ignores`). A later config's rule replaces an
 * earlier one's for the same file, so every set under src/ carries the app-wide pattern.
 */
function boundaries(files, patterns, ignores = []) {
  const all = files.every((glob) => glob.startsWith('src/'))
    ? [appDoesNotImportTools, ...patterns]
    : patterns;
  return [{ files, ignores, rules: { 'no-restricted-imports': ['error', { patterns: all }] } }];
}

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'public/data/',
      'scratch/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  // The architecture's arrows, enforced: ui → effects → stores, and both → worker protocol →
  // worker → engine. The engine is pure TypeScript over tfjs (Node, worker and tests run it
  // unchanged); stores hold state and actions only, so they import no effect (the URL,
  // IndexedDB, the workers); the page reaches the worker only through its protocol (and the
  // tfjs-free adapter probe); nothing imports the browser tests or the scripts.
  ...boundaries(['src/**'], []),
  ...boundaries(
    ['src/engine/**'],
    [
      forbid(
        'ui|stores|effects|worker|share|presets|cli|bench',
        'the engine imports none of the layers built on it',
      ),
      {
        regex: '^(react|react-dom|zustand|recharts|idb-keyval|lz-string)(/|$)',
        message: 'the engine runs without a page',
      },
    ],
    ['src/engine/**/*.test.ts'],
  ),
  ...boundaries(
    ['src/worker/**'],
    [forbid('ui|stores|effects', 'the worker does not import page code')],
  ),
  ...boundaries(
    ['src/effects/**'],
    [
      forbid('ui', 'effects do not import components'),
      workerInternals('effects talk to the worker through worker/protocol.ts only'),
    ],
  ),
  ...boundaries(
    ['src/stores/**'],
    [
      forbid('ui', 'stores do not import components'),
      forbid('effects', 'stores have no side effects: they import no effect'),
      workerInternals('stores talk to the worker through worker/protocol.ts only'),
    ],
  ),
  ...boundaries(
    ['src/ui/**', 'src/share/**', 'src/presets/**'],
    [
      workerInternals(
        'the page reaches the worker through worker/protocol.ts (and the adapter probe)',
      ),
    ],
  ),
  ...boundaries(
    ['src/sw/**'],
    [
      forbid(
        'engine|ui|stores|effects|worker|share|presets|cli|bench',
        'the service worker stands alone',
      ),
    ],
  ),
  ...boundaries(['scripts/**'], [forbid('e2e', 'scripts do not import the browser tests')]),
  // Playwright fixtures call their callback `use`, which is not a React hook.
  { files: ['e2e/**'], rules: { 'react-hooks/rules-of-hooks': 'off' } },
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: globals.node } },
);
