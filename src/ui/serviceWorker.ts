import { useNoticeStore } from '../stores/noticeStore.ts';

/**
 * Registers the offline service worker (src/sw/sw.ts) and offers a new build once it has
 * installed: it waits until the person reloads (a reload mid-run ends the run, which can be
 * resumed), then takes over and the page reloads on the new version. `reload` is the page's
 * (a test passes its own). Resolves once registered (or its failure reported).
 */
export function registerServiceWorker(
  container: ServiceWorkerContainer,
  reload: () => void = () => window.location.reload(),
): Promise<void> {
  let reloadAsked = false;
  const offer = (waiting: ServiceWorker) =>
    useNoticeStore.getState().push('info', 'A new version of EMC Lab is ready.', {
      label: 'Reload',
      run: () => {
        reloadAsked = true;
        waiting.postMessage({ kind: 'skip-waiting' });
      },
    });
  container.addEventListener('controllerchange', () => {
    if (reloadAsked) reload();
  });
  return container
    .register('./sw.js')
    .then((registration) => {
      // A first install has no page to replace (no controller yet): nothing to offer.
      if (registration.waiting && container.controller) offer(registration.waiting);
      registration.addEventListener('updatefound', () => {
        const installing = registration.installing;
        installing?.addEventListener('statechange', () => {
          if (installing.state === 'installed' && container.controller) offer(installing);
        });
      });
    })
    .catch((error: unknown) => {
      console.warn('EMC Lab will not work offline: the service worker failed to register.', error);
    });
}
