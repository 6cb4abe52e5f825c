/**
 * What EMC Lab's service worker may keep (see sw.ts), as pure functions of a request and a
 * response: the rules that went wrong before are tested here, not in a browser. A cache
 * entry outlives the visit that wrote it, so one wrong entry breaks the offline lab for good:
 * a benchmark page stored as the lab's index, or the preview server's HTML fallback (200)
 * stored as a missing data file.
 */

/** The parts of a Request the rules read. */
export interface RequestFacts {
  url: string;
  method: string;
  mode: string;
}

/** The parts of a Response the rules read. */
export interface ResponseFacts {
  ok: boolean;
  /** 'basic' for a same-origin response; 'opaque', 'cors', 'error' otherwise. */
  type: string;
  redirected: boolean;
  contentType: string | null;
}

/** The cache of one build of the lab at one scope: a new build starts a new one. */
export function cacheName(scope: string, build: string): string {
  return `${cachePrefix(scope)}${build}`;
}

/** Every cache name of the lab at this scope, whatever the build (others' are not ours). */
export function cachePrefix(scope: string): string {
  return `emc-lab:${scope}:`;
}

/** Whether the service worker answers this request at all: GET, under the lab's scope. */
export function isLabRequest(request: RequestFacts, scope: string): boolean {
  return request.method === 'GET' && request.url.startsWith(scope);
}

/** The lab's page: the scope itself or its index.html, whatever the query (a lesson, say). */
export function isLabIndex(url: string, scope: string): boolean {
  const path = new URL(url).pathname;
  const scopePath = new URL(scope).pathname;
  return path === scopePath || path === `${scopePath}index.html`;
}

/**
 * Whether a response may be stored: a complete, same-origin, unredirected answer of the
 * kind asked for. A navigation is stored only for the lab's index (under the scope's own
 * key, see sw.ts); any other request never stores an HTML page unless an .html file was
 * asked for, since a server answers a missing file with its index page.
 */
export function mayCache(request: RequestFacts, response: ResponseFacts, scope: string): boolean {
  if (!isLabRequest(request, scope)) return false;
  if (!response.ok || response.type !== 'basic' || response.redirected) return false;
  const isHtml = /^text\/html\b/i.test(response.contentType ?? '');
  if (request.mode === 'navigate') return isHtml && isLabIndex(request.url, scope);
  return !isHtml || new URL(request.url).pathname.endsWith('.html');
}
