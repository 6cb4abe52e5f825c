import { sweepPoints } from '../../engine/index.ts';
import { EXIT_OK } from '../exitCodes.ts';
import { checkedSpec } from '../specInput.ts';
import type { Command } from './command.ts';

/** `emc-lab validate SPEC.json`: checks a spec (and the data it names), naming every problem. */
export const validateCommand: Command = {
  maxArgs: 1,
  options: ['allow-outside-data'],
  async run({ args: [specPath], values }) {
    const checked = await checkedSpec('validate', {
      specPath,
      allowOutsideData: values['allow-outside-data'],
    });
    if (typeof checked === 'number') return checked;
    const { spec } = checked.check;
    process.stdout.write(
      `${checked.origin}: valid — "${spec.name}", ${sweepPoints(spec).length} sweep point(s), ${spec.search.seeds} seed(s)\n`,
    );
    return EXIT_OK;
  },
};
