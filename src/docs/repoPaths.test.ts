import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The documentation and the code's comments name files of this repository; a file that moved
 * leaves them pointing nowhere. Every quoted path that starts at a top-level folder must exist.
 */
const ROOTS = ['src', 'bench', 'scripts', 'e2e', 'examples', 'public', 'docs', 'bin', '.ci'];
const PATH = new RegExp(
  `(?<![\\w./-])((?:${ROOTS.join('|').replace('.', '\\.')})/[\\w./-]*[\\w/])`,
  'g',
);
/** What follows a path that is a pattern, not a file: `e2e/*.spec.ts`, `part-<index>.json`. */
const PATTERN_AFTER = /^[*<{…$]/;

function files(folder: string, keep: (name: string) => boolean): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'testdata' ? [] : files(path, keep);
    return keep(entry.name) ? [path] : [];
  });
}

const documents = ['README.md', ...files('docs', (name) => name.endsWith('.md'))];
/** Source files whose comments may quote paths (tests make up paths on purpose). */
const sources = [
  ...['src', 'scripts', 'e2e', 'bin', 'examples/cluster'].flatMap((folder) =>
    files(folder, (name) => /\.(ts|tsx|js|mjs|py|sh|yaml|slurm)$|^Dockerfile$/.test(name)),
  ),
  'vite.config.ts',
  'vitest.config.ts',
  'eslint.config.js',
  '.ci/run',
].filter((file) => !/\.(test|spec)\.tsx?$/.test(file) && !file.endsWith('fixtures.ts'));

/** A source file's comments: line and block comments in code, `#` lines in scripts and manifests. */
function comments(file: string): string {
  const text = readFileSync(file, 'utf8');
  const pattern = /\.(ts|tsx|js|mjs)$/.test(file) ? /\/\*[\s\S]*?\*\/|\/\/[^\n]*/g : /#[^\n]*/g;
  return [...text.matchAll(pattern)].map((match) => match[0]).join('\n');
}

function quotedPaths(text: string): string[] {
  const paths: string[] = [];
  for (const match of text.matchAll(PATH)) {
    const path = match[1] as string;
    const after = text.slice((match.index ?? 0) + path.length);
    if (!PATTERN_AFTER.test(after)) paths.push(path.replace(/\.$/, ''));
  }
  return paths;
}

describe('repository paths quoted in the documentation and the code', () => {
  it.each(documents)(
    '%s names only files that exist, and links only to files that exist',
    (doc) => {
      const text = readFileSync(doc, 'utf8');
      const missing = quotedPaths(text).filter((path) => !existsSync(path));
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const file = (target as string).split('#')[0] as string;
        if (file === '' || /^[a-z]+:/.test(file)) continue;
        if (!existsSync(join(dirname(doc), file))) missing.push(`link ${target}`);
      }
      expect(missing).toEqual([]);
    },
  );

  it('every source comment names only repository files that exist', () => {
    const missing = sources.flatMap((file) =>
      quotedPaths(comments(file))
        .filter((path) => !existsSync(path))
        .map((path) => `${file}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('the test files vitest.config.ts sends to the slow project exist (a renamed one would run with the fast)', () => {
    const listed = [
      ...readFileSync('vitest.config.ts', 'utf8').matchAll(/'(src\/[^'*]+\.test\.tsx?)'/g),
    ];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.map((match) => match[1] as string).filter((path) => !existsSync(path))).toEqual(
      [],
    );
  });

  it('nothing points outside the repository to design notes users do not have', () => {
    const outside = [...documents, ...sources].filter((file) =>
      /\.\.\/shared\/|shared\/DESIGN\.md|\bDESIGN\.md\b/.test(readFileSync(file, 'utf8')),
    );
    expect(outside).toEqual([]);
  });
});
