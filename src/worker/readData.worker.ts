/// <reference lib="webworker" />
import { readUserData } from '../engine/data/userData.ts';
import { userDataFromFiles } from './chosenFiles.ts';
import type { ReadDataReply, ReadDataRequest } from './protocol.ts';

/**
 * Reads the user's data off the page's thread: the page stays responsive while a large or
 * hostile file is unzipped, decoded and checked, and sees how far reading has come.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (reply: ReadDataReply) => scope.postMessage(reply);

scope.onmessage = async (event: MessageEvent<ReadDataRequest>) => {
  const { source, chosen, stored, options } = event.data;
  try {
    let file = stored;
    if (!file) {
      post({ kind: 'data-progress', stage: 'Reading the files…' });
      const picked = await userDataFromFiles(source, chosen?.files ?? [], chosen?.paths);
      if (!picked.ok) return post({ kind: 'data-refused', error: picked.error });
      file = picked.file;
    }
    const read = await readUserData(file, {
      ...options,
      onProgress: (stage) => post({ kind: 'data-progress', stage }),
    });
    if (!read.ok) return post({ kind: 'data-refused', error: read.error });
    post({ kind: 'data-read', file, summary: read.value.summary });
  } catch (error) {
    // The readers answer with messages; an exception here is a fault worth naming as such.
    post({
      kind: 'data-refused',
      error: `Reading stopped: ${error instanceof Error ? error.message : String(error)}.`,
    });
  }
};
