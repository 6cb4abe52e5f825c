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
