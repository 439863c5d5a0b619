// A worker thread of the front-end pool (src/front-ends.ts): parses what it is handed, reading files through the same
// scan-root checks as the main thread. It runs no plugin and no scanned code.
import { serveTasks } from './engine/pool.js';
import { runFrontEnd, type FrontEndTask } from './front-ends.js';
import { ScanRoot } from './util/scan-root.js';

serveTasks((task: FrontEndTask) => runFrontEnd(task, ScanRoot.fromSpec(task.scope)));
