// A worker thread of the front-end pool (src/front-ends.ts): parses (and checks) what it is handed, reading files
// through the same scan-root checks as the main thread. It runs no plugin and no scanned code.
import type { RuleSetup } from './check-model.js';
import { serveTasks } from './engine/pool.js';
import { runTask, type FrontEndTask } from './front-ends.js';
import { ScanRoot } from './util/scan-root.js';

const setups = new Map<string, RuleSetup>();
serveTasks((task: FrontEndTask) => runTask(task, ScanRoot.fromSpec(task.scope), setups));
