import type { UserDataFile, UserDataSummary } from '../engine/index.ts';
import type { ReadDataReply, ReadDataRequest } from '../worker/protocol.ts';

export type DataRead =
  { ok: true; file: UserDataFile; summary: UserDataSummary } | { ok: false; error: string };

/**
 * Reads the user's data in a fresh worker (see worker/readData.worker.ts), reporting its
 * stages, and closes it after: the page stays responsive however large or hostile the file,
 * and a reader that runs out of memory takes only its worker down, with a message.
 */
export function readDataOffThread(
  request: Omit<ReadDataRequest, 'kind'>,
  onStage: (stage: string) => void,
): Promise<DataRead> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('../worker/readData.worker.ts', import.meta.url), {
      type: 'module',
      name: 'emc-read-data',
    });
    const finish = (read: DataRead) => {
      worker.terminate();
      resolve(read);
    };
    worker.onmessage = (event: MessageEvent<ReadDataReply>) => {
      const reply = event.data;
      if (reply.kind === 'data-progress') onStage(reply.stage);
      else if (reply.kind === 'data-read') {
        finish({ ok: true, file: reply.file, summary: reply.summary });
      } else finish({ ok: false, error: reply.error });
    };
    worker.onerror = (event) => {
      event.preventDefault();
      finish({
        ok: false,
        error: `Reading stopped: ${event.message || 'the reader failed (out of memory?)'}.`,
      });
    };
    const message: ReadDataRequest = { kind: 'read-data', ...request };
    worker.postMessage(message);
  });
}
