// The fast project (vitest.config.ts) runs file after file in one worker, so that packages
// such as TensorFlow.js load once a worker instead of once a file. Each file still gets fresh
// copies of the project's own modules (stores, queues, caches, and the mocks its vi.mock
// calls ask for), as if it ran alone.
import { vi } from 'vitest';

vi.resetModules();
