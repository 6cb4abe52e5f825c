import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './arguments.ts';
import { COMMANDS } from './commands/index.ts';
import { USAGE } from './usage.ts';

describe('the command line, read against the command table', () => {
  it('lists every command of the table in the usage, and nothing the table lacks', () => {
    const listed = [...USAGE.matchAll(/^ {2}emc-lab (\w+)/gm)].map((m) => m[1]);
    expect([...new Set(listed)].sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it('hands a command its arguments and options, --backend checked and defaulted', () => {
    const parsed = parseCommandLine(['run', 'spec.json', '--jobs', '2', '-q']);
    if (parsed.kind !== 'command') throw new Error('not a command');
    expect(parsed.name).toBe('run');
    expect(parsed.command).toBe(COMMANDS.run);
    expect(parsed.input.args).toEqual(['spec.json']);
    expect(parsed.input.values).toMatchObject({ jobs: '2', quiet: true, backend: 'auto' });
    expect(parsed.input.argv).toEqual(['run', 'spec.json', '--jobs', '2', '-q']);
  });

  it('reads no command, help and --help alike as help', () => {
    for (const argv of [[], ['help'], ['run', '--help'], ['-h']]) {
      expect(parseCommandLine(argv)).toEqual({ kind: 'help' });
    }
  });

  it('refuses an option a command does not take, naming the commands that take it', () => {
    expect(() => parseCommandLine(['merge', 'a.json', '--jobs', '2'])).toThrow(
      '--jobs goes with run and study, not merge',
    );
    expect(() => parseCommandLine(['presets', '--shrink'])).toThrow(
      '--shrink goes with study, not presets',
    );
    expect(() => parseCommandLine(['gap', 'a.json', 'b.json', '--out', 'x.json'])).toThrow(
      '--out goes with run and merge and study, not gap',
    );
  });

  it('refuses more positional arguments than a command takes, an unknown command and backend', () => {
    expect(() => parseCommandLine(['gap', 'a.json', 'b.json', 'c.json'])).toThrow(
      'unexpected argument "c.json"',
    );
    expect(() => parseCommandLine(['presets', 'x'])).toThrow('unexpected argument "x"');
    expect(() => parseCommandLine(['train', 'x.json'])).toThrow('unknown command "train"');
    expect(() => parseCommandLine(['run', 'x.json', '--backend', 'webgl'])).toThrow(
      '--backend must be one of auto, wasm, cpu, webgpu (got "webgl")',
    );
    const merge = parseCommandLine(['merge', 'a.json', 'b.json', 'c.json']);
    expect(merge.kind === 'command' && merge.input.args).toEqual(['a.json', 'b.json', 'c.json']);
  });
});
