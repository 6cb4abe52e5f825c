import { readFile } from 'node:fs/promises';
import type { DatasetFiles } from '../engine/index.ts';

/** The shipped datasets as the CLI and the tests find them: public/data/ of this checkout. */
export const DATA_FOLDER = new URL('../../public/data/', import.meta.url);

export function diskDatasetFiles(folder: URL = DATA_FOLDER): DatasetFiles {
  return {
    async read(path) {
      try {
        return new Uint8Array(await readFile(new URL(path, folder)));
      } catch (error) {
        throw new Error(
          `could not read ${new URL(path, folder).pathname}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; rebuild the data with npm run build:datasets`,
        );
      }
    },
  };
}
