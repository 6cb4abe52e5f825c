// The training thread's entry: worker threads do not inherit the main thread's tsx loader,
// so this one registers its own before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./trainingThread.ts');
