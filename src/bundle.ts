// The entry point of the single-file bundle (bundle/sg-lint.mjs, made by scripts/bundle.mjs from dist/): the CLI on
// the main thread, and a front-end worker when the bundle is started as one (front-ends.ts names the bundle itself as
// the worker script, so that the bundle stays one file).
import { isMainThread } from 'node:worker_threads';

if (isMainThread) await import('./bin.js');
else await import('./front-end-worker.js');
