// Lets worker threads started by the code under test (the front-end pool, src/engine/pool.ts) run the TypeScript
// sources, as vitest runs them for the tests: vitest.config.ts passes `--import` of this file to its test processes,
// and worker threads inherit it. See typescript-hooks.mjs.
import { register } from 'node:module';

register('./typescript-hooks.mjs', import.meta.url);
