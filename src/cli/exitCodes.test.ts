import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK } from './exitCodes.ts';

/**
 * The exit codes docs/cli.md documents are the only ones the CLI's source can end with:
 * the table is read from the doc, the codes from every file under src/cli and bin.
 */

/** The codes in docs/cli.md's exit-code table (rows `| 0 | success |`). */
function documentedCodes(): number[] {
  const doc = readFileSync('docs/cli.md', 'utf8');
  const start = doc.indexOf('Exit codes,');
  expect(start, 'docs/cli.md has no exit-code table').toBeGreaterThan(0);
  const lines = doc.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const end = lines.findIndex((line, i) => i > first && !line.startsWith('|'));
  const codes = lines
    .slice(first, end)
    .map((line) => /^\|\s*(\d+)\s*\|/.exec(line)?.[1])
    .filter((code): code is string => code !== undefined)
    .map(Number);
  return codes;
}

/** Every source file of the CLI, tests aside. */
function cliSources(): { path: string; text: string }[] {
  const files = [
    ...readdirSync('src/cli', { recursive: true, encoding: 'utf8' }).map((name) =>
      join('src/cli', name),
    ),
    ...readdirSync('bin').map((name) => join('bin', name)),
  ].filter((path) => /\.(ts|js|mjs)$/.test(path) && !/\.test\.ts$/.test(path));
  return files.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

/** A source text with its comments blanked, so a comment's "exit 7" is not a use. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const NAMED: Record<string, number> = { EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_INTERRUPTED };

/**
 * What each way of ending the process is given: `process.exit(X)`, `process.exitCode = X`
 * and `installFatalHandlers(X)` (whose handler exits with X). X is a literal or one of the
 * named codes; anything else (a variable) is reported as it stands, to be looked at.
 */
function exitUses(): { path: string; use: string; code: number | string }[] {
  const uses: { path: string; use: string; code: number | string }[] = [];
  const pattern =
    /(process\.exit\s*\(\s*|process\.exitCode\s*=\s*(?:await\s+)?|installFatalHandlers\s*\(\s*)([A-Za-z_$][\w$]*|\d+)?/g;
  for (const { path, text } of cliSources()) {
    for (const match of withoutComments(text).matchAll(pattern)) {
      const [use, , argument = ''] = match;
      const code = /^\d+$/.test(argument)
        ? Number(argument)
        : argument in NAMED
          ? (NAMED[argument] as number)
          : argument;
      uses.push({ path, use: use.trim(), code });
    }
  }
  return uses;
}

describe('exit codes', () => {
  it('docs/cli.md documents 0, 1, 2 and 130, and exitCodes.ts names exactly those', () => {
    expect(documentedCodes()).toEqual([0, 1, 2, 130]);
    expect(Object.values(NAMED).sort((a, b) => a - b)).toEqual(documentedCodes());
  });

  it('every EXIT_ constant the CLI defines is a documented code', () => {
    const documented = documentedCodes();
    const defined = cliSources().flatMap(({ path, text }) =>
      [...withoutComments(text).matchAll(/\bEXIT_[A-Z_]+\s*=\s*(\d+)/g)].map((m) => ({
        path,
        code: Number(m[1]),
      })),
    );
    expect(defined.length).toBeGreaterThanOrEqual(4);
    for (const { path, code } of defined) expect(documented, path).toContain(code);
  });

  it('every process.exit, exitCode and fatal handler in src/cli and bin uses a documented code', () => {
    const documented = documentedCodes();
    const uses = exitUses();
    // bin/emc-lab.js installs the fatal handler and sets exitCode from main; fatal.ts exits.
    expect(uses.map((u) => u.path)).toEqual(
      expect.arrayContaining(['bin/emc-lab.js', 'src/cli/fatal.ts']),
    );
    for (const { path, use, code } of uses) {
      if (typeof code === 'number') {
        expect(documented, `${path}: ${use}`).toContain(code);
        continue;
      }
      // The two uses that pass a value on, each checked where the value comes from.
      const passedOn = [
        // main() returns what the next test checks; bin sets it as the exit code.
        { path: 'bin/emc-lab.js', code: 'main' },
        // installFatalHandlers(exitCode) exits with its argument, given EXIT_FAILED above.
        { path: 'src/cli/fatal.ts', code: 'exitCode' },
      ];
      expect(passedOn, `${path}: ${use}${code}`).toContainEqual({ path, code });
    }
  });

  it('main and the commands it runs return only the named codes (or a lookup of them)', () => {
    const documented = new Set(documentedCodes());
    for (const { path, text } of cliSources()) {
      const source = withoutComments(text);
      // A number returned where an exit code is (a function returning Promise<number>)
      // would be one the table does not list: the commands return the named codes only.
      for (const match of source.matchAll(/\breturn\s+(\d+)\s*;/g)) {
        const code = Number(match[1]);
        if (path === 'src/cli/main.ts' || path.startsWith('src/cli/commands/')) {
          expect(documented, `${path}: ${match[0]}`).toContain(code);
        }
      }
      for (const match of source.matchAll(/\bEXIT_[A-Z_]+\b/g)) {
        expect(Object.keys(NAMED), `${path}: ${match[0]}`).toContain(match[0]);
      }
    }
  });
});
