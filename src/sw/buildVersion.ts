import { createHash } from 'node:crypto';

/** What a build's bundle holds, as Rollup hands it to a plugin: chunks' code, assets' source. */
export type BuiltFiles = Record<string, { type: string; code?: string; source?: unknown }>;

/** A file the build serves as it is (everything under public/). */
export interface PublicFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * The build's version: a digest of everything it serves, the bundle and every file under
 * public/, each with its name and length (so moving bytes from one file's end to the next
 * file's name is a change too). The service worker names its cache with it (cacheName), so
 * a build whose content changed in any byte gets a new cache, and a rebuild of the same
 * files keeps its own (visitors do not download the lab again). Run at build time
 * (vite.config.ts), in Node.
 */
export function buildVersion(bundle: BuiltFiles, publicFiles: readonly PublicFile[]): string {
  const hash = createHash('sha256');
  const add = (kind: string, name: string, content: Uint8Array) => {
    hash.update(`${kind}\0${name}\0${content.length}\0`);
    hash.update(content);
  };
  for (const name of Object.keys(bundle).sort()) {
    const item = bundle[name];
    const content = item?.type === 'chunk' ? item.code : item?.source;
    if (typeof content === 'string') add('built', name, new TextEncoder().encode(content));
    else if (content instanceof Uint8Array) add('built', name, content);
    else add('built', name, new Uint8Array(0));
  }
  const byPath = [...publicFiles].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of byPath) add('public', file.path, file.bytes);
  return hash.digest('hex').slice(0, 16);
}
