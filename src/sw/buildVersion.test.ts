import { describe, expect, it } from 'vitest';
import { type BuiltFiles, buildVersion, type PublicFile } from './buildVersion.ts';
import { cacheName } from './cachePolicy.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

const BUNDLE: BuiltFiles = {
  'index.html': { type: 'asset', source: '<!doctype html><script src="assets/index.js">' },
  'assets/index.js': { type: 'chunk', code: 'console.log("lab")' },
  'assets/tfjs-backend-wasm.wasm': { type: 'asset', source: Uint8Array.from([0, 97, 115, 109]) },
};
const PUBLIC: PublicFile[] = [
  { path: 'public/data/iris.csv', bytes: bytes('a,b,label\n1,2,x\n') },
  { path: 'public/icon.svg', bytes: bytes('<svg/>') },
];

const scope = 'https://example.org/lab/';
const cacheOf = (bundle: BuiltFiles, files: PublicFile[]) =>
  cacheName(scope, buildVersion(bundle, files));

describe('the build version naming the service worker cache', () => {
  it('is the same for the same files, whatever order they are listed in', () => {
    const reordered = Object.fromEntries(Object.entries(BUNDLE).reverse());
    expect(cacheOf(reordered, [...PUBLIC].reverse())).toBe(cacheOf(BUNDLE, PUBLIC));
    expect(buildVersion(BUNDLE, PUBLIC)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes when any byte the build serves changes: code, an asset or a public file', () => {
    const base = cacheOf(BUNDLE, PUBLIC);
    const code = { ...BUNDLE, 'assets/index.js': { type: 'chunk', code: 'console.log("lab!")' } };
    const wasm = {
      ...BUNDLE,
      'assets/tfjs-backend-wasm.wasm': {
        type: 'asset',
        source: Uint8Array.from([0, 97, 115, 110]),
      },
    };
    const data = [{ ...(PUBLIC[0] as PublicFile), bytes: bytes('a,b,label\n1,3,x\n') }, PUBLIC[1]];
    const names = new Set([
      base,
      cacheOf(code, PUBLIC),
      cacheOf(wasm, PUBLIC),
      cacheOf(BUNDLE, data as PublicFile[]),
      // A file added, one removed, one renamed.
      cacheOf(BUNDLE, [...PUBLIC, { path: 'public/new.txt', bytes: bytes('') }]),
      cacheOf(BUNDLE, PUBLIC.slice(1)),
      cacheOf(BUNDLE, [
        { ...(PUBLIC[0] as PublicFile), path: 'public/data/iris2.csv' },
        PUBLIC[1] as PublicFile,
      ]),
    ]);
    expect(names.size).toBe(7);
    for (const name of names) expect(name.startsWith(`emc-lab:${scope}:`)).toBe(true);
  });

  it('tells apart files whose names and contents run together alike', () => {
    // "ab" + "c" and "a" + "bc" hash alike when names and contents are simply concatenated.
    const one = buildVersion({}, [{ path: 'ab', bytes: bytes('c') }]);
    const two = buildVersion({}, [{ path: 'a', bytes: bytes('bc') }]);
    expect(one).not.toBe(two);
    const split = buildVersion({}, [
      { path: 'x', bytes: bytes('12') },
      { path: 'y', bytes: bytes('3') },
    ]);
    const moved = buildVersion({}, [
      { path: 'x', bytes: bytes('1') },
      { path: 'y', bytes: bytes('23') },
    ]);
    expect(split).not.toBe(moved);
  });
});
