// A worker script for test/engine/pool.test.ts: echoes, or fails in the way the task asks, after leaving a mark
// (a file) that shows the worker, not the main thread, took the task.
import { writeFileSync } from 'node:fs';
import { serveTasks } from '../../src/engine/pool.ts';

serveTasks(async (task) => {
  if (task.mark) writeFileSync(task.mark, 'taken by a worker');
  switch (task.fail) {
    case 'throw':
      throw new Error('thrown in a worker');
    case 'exit':
      process.exit(3);
      break;
    case 'uncaught':
      setImmediate(() => {
        throw new Error('uncaught in a worker');
      });
      return new Promise(() => {});
    case 'memory': {
      const kept = [];
      for (;;) kept.push(new Array(100_000).fill(kept.length));
    }
    case 'uncloneable':
      return { value: task.value, by: 'worker', callback: () => task.value };
  }
  return { value: task.value, by: 'worker' };
});
