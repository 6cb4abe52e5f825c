import type { NodeBackend } from '../backendSelection.ts';

/** Every option of the CLI, as node:util's parseArgs reads them; each command names its own. */
export const OPTIONS = {
  out: { type: 'string', short: 'o' },
  backend: { type: 'string', default: 'auto' },
  quiet: { type: 'boolean', short: 'q', default: false },
  preset: { type: 'string' },
  variant: { type: 'string' },
  shard: { type: 'string' },
  jobs: { type: 'string' },
  shrink: { type: 'boolean', default: false },
  'allow-outside-data': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** The options every command takes. */
export const COMMON_OPTIONS: readonly OptionName[] = ['backend', 'quiet', 'help'];

/** The options as parsed, --backend checked. */
export interface CliValues {
  out?: string;
  backend: NodeBackend;
  quiet: boolean;
  preset?: string;
  variant?: string;
  shard?: string;
  jobs?: string;
  shrink: boolean;
  'allow-outside-data': boolean;
  help: boolean;
}

export interface CommandInput {
  /** The positional arguments after the command's name. */
  args: string[];
  values: CliValues;
  /** The command line after `emc-lab`, as typed (a study's report quotes it). */
  argv: string[];
}

/** One command of the CLI: what it accepts, checked before it runs, and what it does. */
export interface Command {
  /** Positional arguments it takes at most (Infinity: a list of files). */
  maxArgs: number;
  /** Options it takes besides COMMON_OPTIONS. */
  options: readonly OptionName[];
  /** Resolves to the exit code (exitCodes.ts). */
  run(input: CommandInput): Promise<number>;
}
