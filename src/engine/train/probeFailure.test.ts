import { describe, expect, it } from 'vitest';
import { ProbeFailedError } from './probeFailure.ts';

const probe = { pointIndex: 2, width: 64, seedIndex: 0, n: 1200 };

describe('ProbeFailedError', () => {
  it('names the probe an out-of-memory error happened in, with advice', () => {
    const error = new ProbeFailedError(probe, new Error('Failed to allocate 2.1 GB buffer'));
    expect(error.outOfMemory).toBe(true);
    expect(error.message).toBe(
      'Out of memory in the probe with N = 1200 (point 3, width 64, seed 1): Failed to allocate 2.1 GB buffer. Try a smaller batch, a narrower model, a smaller pool, or another backend.',
    );
  });

  it('names the probe of any other failure, without memory advice', () => {
    const error = new ProbeFailedError(probe, 'shader compilation failed');
    expect(error.outOfMemory).toBe(false);
    expect(error.message).toBe(
      'Training failed in the probe with N = 1200 (point 3, width 64, seed 1): shader compilation failed',
    );
  });
});
