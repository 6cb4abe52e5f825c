/**
 * Seeded randomness for everything the engine draws on the JS side (data, labels,
 * permutations, shuffles). Same seed, same numbers, on every platform: reproducibility
 * of probes depends on it.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
}

/** mulberry32: tiny, fast, and good enough for sampling (not for cryptography). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  let spareNormal: number | undefined;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      // Box–Muller; 1 - next() keeps the logarithm away from 0.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      const angle = 2 * Math.PI * next();
      spareNormal = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
  };
}

/**
 * Derives an independent seed for one purpose ("data", "init" of seed k, ...) from the
 * experiment seed, so that changing one stream never shifts another.
 */
export function deriveSeed(seed: number, ...tags: (string | number)[]): number {
  let hash = (seed ^ 0x9e3779b9) >>> 0;
  for (const char of tags.join('/')) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  return hash >>> 0;
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return order;
}
