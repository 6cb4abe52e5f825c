import { parseArgs } from 'node:util';
import { BACKENDS, type NodeBackend } from './backendSelection.ts';
import {
  type CliValues,
  type Command,
  COMMON_OPTIONS,
  type CommandInput,
  type OptionName,
  OPTIONS,
} from './commands/command.ts';
import { COMMANDS } from './commands/index.ts';

export type ParsedCommandLine =
  { kind: 'help' } | { kind: 'command'; name: string; command: Command; input: CommandInput };

/**
 * Reads the command line against the command table: the command, its positional arguments
 * (no more than it takes), and only the options it takes. Throws an Error saying what is
 * wrong (main prints it above the usage and exits 2).
 */
export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: OPTIONS,
  });
  const [name = 'help', ...args] = positionals;
  if (values.help || name === 'help') return { kind: 'help' };
  const command = COMMANDS[name];
  if (!command) throw new Error(`unknown command "${name}"`);
  if (args.length > command.maxArgs) {
    throw new Error(`unexpected argument "${args[command.maxArgs]}"`);
  }
  for (const option of Object.keys(OPTIONS) as OptionName[]) {
    const given = values[option] !== undefined && values[option] !== false;
    if (!given || COMMON_OPTIONS.includes(option) || command.options.includes(option)) continue;
    const takers = Object.entries(COMMANDS)
      .filter(([, other]) => other.options.includes(option))
      .map(([takerName]) => takerName);
    throw new Error(`--${option} goes with ${takers.join(' and ')}, not ${name}`);
  }
  if (!BACKENDS.includes(values.backend as NodeBackend)) {
    throw new Error(`--backend must be one of ${BACKENDS.join(', ')} (got "${values.backend}")`);
  }
  const checked: CliValues = { ...values, backend: values.backend as NodeBackend };
  return { kind: 'command', name, command, input: { args, values: checked, argv } };
}
