#!/usr/bin/env node
// The CLI is TypeScript like the engine it shares; tsx compiles it on the fly so there is
// no separate build step between editing the engine and running a sweep.
import { register } from 'tsx/esm/api';

register();
const { EXIT_FAILED, main } = await import('../src/cli/main.ts');
const { installFatalHandlers } = await import('../src/cli/fatal.ts');
installFatalHandlers(EXIT_FAILED);
process.exitCode = await main(process.argv.slice(2));
