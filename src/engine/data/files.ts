import { sha256Hex } from './hash.ts';

/**
 * Where the shipped datasets' bytes come from. The engine never assumes a platform: the
 * browser worker reads them over HTTP (through the service worker's cache), the CLI and the
 * tests from public/data/ on disk.
 */
export interface DatasetFiles {
  /** The bytes of `path`, relative to the data folder (e.g. "mnist/manifest.json"). */
  read(path: string): Promise<Uint8Array>;
}

/** Reads dataset files over HTTP from `baseUrl` (a folder URL ending in "/"). */
export function fetchDatasetFiles(baseUrl: string | URL): DatasetFiles {
  return {
    async read(path) {
      const url = new URL(path, baseUrl);
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        throw new Error(`could not download ${url.pathname}: ${(error as Error).message}`);
      }
      if (!response.ok) {
        throw new Error(`could not download ${url.pathname}: HTTP ${response.status}`);
      }
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** A file as a dataset's manifest lists it: its size and SHA-256 once un-gzipped. */
export interface FileEntry {
  file: string;
  bytes: number;
  sha256: string;
}

/** Reads, un-gzips and checks one file against the manifest's size and SHA-256. */
export async function readChecked(
  id: string,
  entry: FileEntry,
  files: DatasetFiles,
): Promise<Uint8Array> {
  const path = `${id}/${entry.file}`;
  const stored = await files.read(path);
  const damaged = (what: string) =>
    new Error(
      `data/${path} is damaged (${what}); reload the page, or rebuild the data with npm run build:datasets`,
    );
  let bytes: Uint8Array;
  try {
    bytes = isGzip(stored) ? await gunzip(stored) : stored;
  } catch (error) {
    throw damaged(`gzip: ${(error as Error).message}`);
  }
  const digest = await sha256Hex(bytes);
  if (bytes.length !== entry.bytes || digest !== entry.sha256) {
    throw damaged(
      `${bytes.length} bytes with SHA-256 ${digest.slice(0, 12)}…, expected ${entry.bytes} bytes with ${entry.sha256.slice(0, 12)}…`,
    );
  }
  return bytes;
}

// A server may already have undone the gzip (Content-Encoding), so look at the bytes.
function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
