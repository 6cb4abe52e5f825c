import { beforeEach, describe, expect, it } from 'vitest';
import { useNoticeStore } from './noticeStore.ts';
import { importResultsFile } from './openResults.ts';

beforeEach(() => {
  useNoticeStore.setState({ notices: [] });
});

describe('importing a results file', () => {
  it('refuses one larger than any results file on its size, without reading it', async () => {
    let read = false;
    const huge = {
      name: 'huge.json',
      size: 2 * 1024 ** 3,
      text: () => {
        read = true;
        return Promise.reject(new Error('a 2 GB file was read'));
      },
    };
    expect(await importResultsFile(huge)).toBe(false);
    expect(read).toBe(false);
    expect(useNoticeStore.getState().notices.map((n) => [n.level, n.text])).toEqual([
      [
        'error',
        'huge.json: This file is 2.1 GB, larger than any EMC Lab results file (at most 50 MB); it was not read.',
      ],
    ]);
  });
});
