import type { Command } from './command.ts';
import { gapCommand } from './gap.ts';
import { mergeCommand } from './merge.ts';
import { presetsCommand } from './presets.ts';
import { runCommand } from './run.ts';
import { studyCommand } from './study.ts';
import { validateCommand } from './validate.ts';

/** The CLI's commands by name: what each accepts is checked (arguments.ts) before it runs. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  run: runCommand,
  merge: mergeCommand,
  presets: presetsCommand,
  study: studyCommand,
  validate: validateCommand,
  gap: gapCommand,
};
