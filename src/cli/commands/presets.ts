import { EXIT_OK } from '../exitCodes.ts';
import { formatPresetList } from '../presetChoice.ts';
import type { Command } from './command.ts';

/** `emc-lab presets`: one line per preset (id, finding and title, variants), tab-separated. */
export const presetsCommand: Command = {
  maxArgs: 0,
  options: [],
  async run() {
    process.stdout.write(`${formatPresetList()}\n`);
    return EXIT_OK;
  },
};
