import { describe, expect, it } from 'vitest';
import {
  cacheName,
  cachePrefix,
  isLabRequest,
  mayCache,
  type RequestFacts,
  type ResponseFacts,
} from './cachePolicy.ts';

const scope = 'https://example.org/lab/';
const get = (path: string, mode = 'cors'): RequestFacts => ({
  url: new URL(path, scope).href,
  method: 'GET',
  mode,
});
const navigate = (path: string) => get(path, 'navigate');
const ok = (contentType: string, changes: Partial<ResponseFacts> = {}): ResponseFacts => ({
  ok: true,
  type: 'basic',
  redirected: false,
  contentType,
  ...changes,
});
const html = ok('text/html; charset=utf-8');

describe('what the service worker may cache', () => {
  it('keeps the lab’s index from a navigation, with or without index.html or a query', () => {
    expect(mayCache(navigate('./'), html, scope)).toBe(true);
    expect(mayCache(navigate('./index.html'), html, scope)).toBe(true);
    expect(mayCache(navigate('./?lesson=cover'), html, scope)).toBe(true);
  });

  it('never keeps another page visited in the scope (the benchmark page) as the lab', () => {
    expect(mayCache(navigate('./bench.html'), html, scope)).toBe(false);
  });

  it('refuses an HTML fallback answered for a missing data file or script', () => {
    expect(mayCache(get('./data/mnist/train-images.bin'), html, scope)).toBe(false);
    expect(mayCache(get('./assets/lab-abc123.js'), html, scope)).toBe(false);
    expect(
      mayCache(get('./data/mnist/train-images.bin'), ok('application/octet-stream'), scope),
    ).toBe(true);
    expect(mayCache(get('./assets/lab-abc123.js'), ok('text/javascript'), scope)).toBe(true);
  });

  it('keeps only complete same-origin answers: no error, opaque or redirected response', () => {
    const data = get('./data/mnist/meta.json');
    expect(mayCache(data, ok('application/json'), scope)).toBe(true);
    expect(mayCache(data, ok('application/json', { ok: false }), scope)).toBe(false);
    expect(mayCache(data, ok('', { type: 'opaque', ok: false }), scope)).toBe(false);
    expect(mayCache(data, ok('application/json', { type: 'cors' }), scope)).toBe(false);
    expect(mayCache(data, ok('application/json', { redirected: true }), scope)).toBe(false);
  });

  it('leaves requests outside the lab’s scope and other methods to the browser', () => {
    expect(isLabRequest(get('/other-app/app.js'), scope)).toBe(false);
    expect(isLabRequest(get('https://elsewhere.org/lab/x.js'), scope)).toBe(false);
    expect(isLabRequest({ ...get('./x.js'), method: 'POST' }, scope)).toBe(false);
    expect(mayCache(get('/other-app/app.js'), ok('text/javascript'), scope)).toBe(false);
    expect(isLabRequest(get('./assets/x.js'), scope)).toBe(true);
  });

  it('names one cache per build and scope, so a new build never serves the old files', () => {
    expect(cacheName(scope, 'build-1')).not.toBe(cacheName(scope, 'build-2'));
    expect(cacheName(scope, 'build-2').startsWith(cachePrefix(scope))).toBe(true);
    expect(cacheName('https://example.org/other/', 'build-1').startsWith(cachePrefix(scope))).toBe(
      false,
    );
  });
});
