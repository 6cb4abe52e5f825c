import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useNoticeStore } from '../stores/noticeStore.ts';
import { registerServiceWorker } from './serviceWorker.ts';

/** A service worker as the page sees it: a state, and messages posted to it. */
class FakeWorker extends EventTarget {
  posted: unknown[] = [];
  constructor(public state: ServiceWorkerState) {
    super();
  }
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  become(state: ServiceWorkerState) {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

class FakeRegistration extends EventTarget {
  waiting: FakeWorker | null = null;
  installing: FakeWorker | null = null;
}

/** navigator.serviceWorker: a controller when the page is already served by a worker. */
class FakeContainer extends EventTarget {
  registered: string[] = [];
  constructor(
    public registration: FakeRegistration,
    public controller: FakeWorker | null,
  ) {
    super();
  }
  register(url: string) {
    this.registered.push(url);
    return Promise.resolve(this.registration);
  }
}

function setUp({ controlled = true, waiting = false } = {}) {
  const registration = new FakeRegistration();
  if (waiting) registration.waiting = new FakeWorker('installed');
  const container = new FakeContainer(
    registration,
    controlled ? new FakeWorker('activated') : null,
  );
  const reload = vi.fn();
  const registered = registerServiceWorker(container as unknown as ServiceWorkerContainer, reload);
  return { registration, container, reload, registered };
}

const offers = () =>
  useNoticeStore.getState().notices.filter((n) => n.text === 'A new version of EMC Lab is ready.');

beforeEach(() => useNoticeStore.setState({ notices: [] }));

describe('the reload prompt for a new build', () => {
  it('offers a worker already waiting; accepting posts skip-waiting, then reloads on takeover', async () => {
    const { container, registration, reload, registered } = setUp({ waiting: true });
    await registered;
    expect(container.registered).toEqual(['./sw.js']);
    const [offer] = offers();
    expect(offer?.level).toBe('info');
    expect(offer?.action?.label).toBe('Reload');
    // Nothing happens until the person accepts: a reload mid-run would end the run.
    expect(registration.waiting?.posted).toEqual([]);
    container.dispatchEvent(new Event('controllerchange'));
    expect(reload).not.toHaveBeenCalled();
    offer?.action?.run();
    expect(registration.waiting?.posted).toEqual([{ kind: 'skip-waiting' }]);
    expect(reload).not.toHaveBeenCalled();
    // The new worker takes over: then, and only then, the page reloads on it.
    container.dispatchEvent(new Event('controllerchange'));
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('offers a worker that finishes installing while the page is open', async () => {
    const { registration, reload, registered, container } = setUp();
    await registered;
    expect(offers()).toHaveLength(0);
    const installing = new FakeWorker('installing');
    registration.installing = installing;
    registration.dispatchEvent(new Event('updatefound'));
    expect(offers()).toHaveLength(0);
    installing.become('installed');
    const [offer] = offers();
    expect(offer).toBeDefined();
    offer?.action?.run();
    expect(installing.posted).toEqual([{ kind: 'skip-waiting' }]);
    container.dispatchEvent(new Event('controllerchange'));
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('offers nothing on a first install (no page to replace), and never reloads unasked', async () => {
    const { registration, reload, registered, container } = setUp({
      controlled: false,
      waiting: true,
    });
    await registered;
    const installing = new FakeWorker('installing');
    registration.installing = installing;
    registration.dispatchEvent(new Event('updatefound'));
    installing.become('installed');
    expect(offers()).toHaveLength(0);
    // The first worker claims the page: no reload, the page is already this build.
    container.dispatchEvent(new Event('controllerchange'));
    expect(reload).not.toHaveBeenCalled();
  });

  it('says the lab will not work offline when registering fails, without throwing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const container = new FakeContainer(new FakeRegistration(), null);
    container.register = () => Promise.reject(new Error('insecure origin'));
    await registerServiceWorker(container as unknown as ServiceWorkerContainer, vi.fn());
    expect(warn).toHaveBeenCalledWith(
      'EMC Lab will not work offline: the service worker failed to register.',
      expect.any(Error),
    );
    warn.mockRestore();
  });
});
