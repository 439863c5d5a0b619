import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Pool } from '../../src/engine/pool.js';

const WORKER = new URL('../helpers/pool-worker.mjs', import.meta.url);

interface Task {
  value: number;
  fail?: 'throw' | 'exit' | 'uncaught' | 'uncloneable' | 'memory';
  /** The worker writes this file when it takes the task. */
  mark?: string;
  /** On the main thread, the task waits for this file: the main thread stays busy until a worker has taken another. */
  waitFor?: string;
}
type Done = { value: number; by: 'main' | 'worker' };

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function markFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-pool-'));
  dirs.push(dir);
  return join(dir, 'taken');
}

async function until(file: string): Promise<void> {
  const deadline = Date.now() + 50_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function pool(lanes: number, entry = WORKER, inline = async (t: Task): Promise<Done> => ({ value: t.value, by: 'main' })) {
  return new Pool<Task, Done>({
    lanes,
    entry,
    inline: async (t) => {
      if (t.waitFor) await until(t.waitFor);
      return inline(t);
    },
  });
}

describe('the worker pool', () => {
  it('gives every outcome to its own task, whichever thread did it', async () => {
    const mark = markFile();
    const p = pool(3);
    const tasks: Task[] = Array.from({ length: 12 }, (_, i) => ({ value: i }));
    tasks[0]!.mark = mark;
    tasks[11]!.waitFor = mark;
    const handles = tasks.map((t, i) => p.submit(t, i === 11 ? 0 : 100 - i)); // task 0 is the most expensive: a worker's first
    await p.run();
    const outcomes = await Promise.all(handles.map((h) => h.outcome));
    expect(outcomes.map((o) => (o.ok ? o.value.value : -1))).toEqual(tasks.map((t) => t.value));
    expect(outcomes[0]).toEqual({ ok: true, value: { value: 0, by: 'worker' } });
  });

  it('lets the main thread claim the costliest task when asked (its answer is then not copied)', async () => {
    const mark = markFile();
    const p = new Pool<Task, Done>({ lanes: 2, entry: WORKER, mainClaims: 'costliest', inline: async (t) => (t.waitFor && (await until(t.waitFor)), { value: t.value, by: 'main' }) });
    const costly = p.submit({ value: 1, waitFor: mark }, 10); // the main thread waits until the worker has taken the other
    const cheap = p.submit({ value: 2, mark }, 1);
    await p.run();
    expect(await costly.outcome).toEqual({ ok: true, value: { value: 1, by: 'main' } });
    expect(await cheap.outcome).toEqual({ ok: true, value: { value: 2, by: 'worker' } });
  });

  it.each(['throw', 'exit', 'uncaught', 'uncloneable'] as const)('does again on the main thread a task whose worker fails (%s)', async (fail) => {
    const mark = markFile();
    const p = pool(2);
    const failing = p.submit({ value: 7, fail, mark }, 10);
    const other = p.submit({ value: 8, waitFor: mark }, 1);
    await p.run();
    expect(existsSync(mark)).toBe(true);
    expect(await failing.outcome).toEqual({ ok: true, value: { value: 7, by: 'main' } });
    expect(await other.outcome).toEqual({ ok: true, value: { value: 8, by: 'main' } });
  });

  it('gives workers their heap limit: a worker that runs out of it dies, and the main thread does its task', async () => {
    const mark = markFile();
    const p = new Pool<Task, Done>({ lanes: 2, entry: WORKER, resourceLimits: { maxOldGenerationSizeMb: 32 }, inline: async (t) => (t.waitFor && (await until(t.waitFor)), { value: t.value, by: 'main' }) });
    const failing = p.submit({ value: 7, fail: 'memory', mark }, 10);
    const other = p.submit({ value: 8, waitFor: mark }, 1);
    await p.run();
    expect(existsSync(mark)).toBe(true);
    expect(await failing.outcome).toEqual({ ok: true, value: { value: 7, by: 'main' } });
    expect(await other.outcome).toEqual({ ok: true, value: { value: 8, by: 'main' } });
  });

  it("passes a worker's answers, and only those, through `received`", async () => {
    const mark = markFile();
    const p = new Pool<Task, Done>({
      lanes: 2,
      entry: WORKER,
      received: (done) => ({ ...done, value: done.value * 10 }),
      inline: async (t) => (t.waitFor && (await until(t.waitFor)), { value: t.value, by: 'main' }),
    });
    const byWorker = p.submit({ value: 7, mark }, 10);
    const byMain = p.submit({ value: 8, waitFor: mark }, 1);
    await p.run();
    expect(await byWorker.outcome).toEqual({ ok: true, value: { value: 70, by: 'worker' } });
    expect(await byMain.outcome).toEqual({ ok: true, value: { value: 8, by: 'main' } });
  });

  it('does everything on the main thread when the worker script cannot start', async () => {
    const p = pool(3, new URL('../helpers/no-such-worker.mjs', import.meta.url));
    const handles = [1, 2, 3, 4].map((value) => p.submit({ value }, value));
    await p.run();
    expect(await Promise.all(handles.map((h) => h.outcome))).toEqual([1, 2, 3, 4].map((value) => ({ ok: true, value: { value, by: 'main' } })));
  });

  it('reports an error thrown on the main thread as the task outcome, and skips cancelled tasks', async () => {
    const seen: number[] = [];
    const p = pool(1, WORKER, async (t) => {
      seen.push(t.value);
      if (t.value === 2) throw new Error('broken input');
      return { value: t.value, by: 'main' };
    });
    const [one, two, three] = [1, 2, 3].map((value) => p.submit({ value }, value));
    three!.cancel();
    await p.run();
    expect(await one!.outcome).toEqual({ ok: true, value: { value: 1, by: 'main' } });
    expect(await two!.outcome).toMatchObject({ ok: false, error: new Error('broken input') });
    expect((await three!.outcome).ok).toBe(false);
    expect(seen.sort()).toEqual([1, 2]);
  });
});
