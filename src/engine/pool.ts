// A few worker threads that do the main thread's work sooner, never differently: the main thread takes a share itself,
// and whatever a worker does not finish (it throws, dies, cannot start, or its answer cannot be read) is done again on
// the main thread, so every outcome is the one the main thread would have had.
//
// Every thread is handed the whole list of tasks, most expensive first, and claims them in a shared array: the workers
// from the front, the main thread from the back (or, when asked, from the front too). No thread waits for another to be
// handed work, and the main thread can spend a long while on a task of its own without keeping a worker idle.
import { parentPort, Worker, type ResourceLimits } from 'node:worker_threads';

export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Batch<I> {
  tasks: I[];
  /** One slot per task: 0 while nobody has it, else the claimant's number. */
  claims: Int32Array<ArrayBufferLike>;
  me: number;
}
type Reply<O> = { index: number; ok: true; value: O } | { index: number; ok: false };

export interface PoolOptions<I, O> {
  /** Threads that do tasks, the main thread included: 1 means no worker. */
  lanes: number;
  /** The worker script: it calls serveTasks() with the same work as `inline`. */
  entry: URL;
  /** The work, on the main thread. */
  inline: (input: I) => Promise<O>;
  /** What to make of a worker's answer once it is copied over (the main thread's own answers are taken as they are). */
  received?: (value: O) => O;
  /** The workers' heap limits; a worker that runs out of memory dies, and the main thread does its tasks. */
  resourceLimits?: ResourceLimits;
  /**
   * `costliest`: the main thread, too, claims the most expensive task left, whose answer is then not copied between
   * threads (when answers grow with the work, the largest one). By default it claims the cheapest.
   */
  mainClaims?: 'cheapest' | 'costliest';
}

interface Job<I, O> {
  input: I;
  cost: number;
  settled: boolean;
  settle: (outcome: Outcome<O>) => void;
}

const MAIN = 1;
const CANCELLED = -1;

export class Pool<I, O> {
  private readonly jobs: Job<I, O>[] = [];
  /** Claim slots of the jobs handed to the workers (those submitted before run()). */
  private claims: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /** Jobs only the main thread may do now: a worker failed at them, or they came after the workers started. */
  private readonly mainOnly: Job<I, O>[] = [];
  private started = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: PoolOptions<I, O>) {}

  /** Queues a task; `cost` only orders the work. The outcome never rejects; a cancelled task's says so. */
  submit(input: I, cost: number): { outcome: Promise<Outcome<O>>; cancel: () => void } {
    let resolve!: (outcome: Outcome<O>) => void;
    const outcome = new Promise<Outcome<O>>((r) => (resolve = r));
    const job: Job<I, O> = {
      input,
      cost,
      settled: false,
      settle: (o) => {
        if (job.settled) return;
        job.settled = true;
        resolve(o);
        this.signal();
      },
    };
    this.jobs.push(job);
    if (this.started) this.mainOnly.push(job);
    const cancel = () => {
      const slot = this.jobs.indexOf(job);
      if (!this.started) this.jobs.splice(slot, 1);
      else if (slot < this.claims.length ? Atomics.compareExchange(this.claims, slot, 0, CANCELLED) !== 0 : !this.mainOnly.includes(job)) return; // under way
      job.settle({ ok: false, error: new Error('cancelled') });
    };
    return { outcome, cancel };
  }

  /** Does every task submitted, and those submitted meanwhile, then stops the workers. */
  async run(): Promise<void> {
    this.jobs.sort((a, b) => b.cost - a.cost);
    this.claims = new Int32Array(new SharedArrayBuffer(4 * this.jobs.length));
    this.started = true;
    const workers = Array.from({ length: Math.min(this.options.lanes - 1, this.jobs.length - 1) }, (_, i) => this.start(MAIN + 1 + i));
    const step = this.options.mainClaims === 'costliest' ? 1 : -1;
    let next = step === 1 ? 0 : this.jobs.length - 1;
    try {
      for (;;) {
        let job = this.mainOnly.shift();
        while (!job && next >= 0 && next < this.claims.length) {
          if (Atomics.compareExchange(this.claims, next, 0, MAIN) === 0) job = this.jobs[next];
          next += step;
        }
        if (job) {
          if (!job.settled) await this.runInline(job);
          await turn(); // lets the workers' answers in
          continue;
        }
        if (this.jobs.every((j) => j.settled)) {
          await turn(); // a task may be submitted in reaction to the last outcome
          if (this.mainOnly.length === 0) break;
          continue;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }

  private start(me: number): Worker {
    const worker = new Worker(this.options.entry, this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {});
    let lost = false;
    worker.on('message', (reply: Reply<O>) => {
      const job = this.jobs[reply.index]!;
      if (reply.ok) job.settle({ ok: true, value: this.options.received ? this.options.received(reply.value) : reply.value });
      else this.redoOnMain(job);
    });
    const whenLost = () => {
      if (lost) return;
      lost = true;
      this.jobs.forEach((job, i) => {
        if (i < this.claims.length && Atomics.load(this.claims, i) === me) this.redoOnMain(job);
      });
    };
    worker.on('error', whenLost);
    worker.on('exit', whenLost);
    worker.on('messageerror', () => {
      whenLost();
      void worker.terminate();
    });
    worker.postMessage({ tasks: this.jobs.map((j) => j.input), claims: this.claims, me } satisfies Batch<I>);
    return worker;
  }

  private redoOnMain(job: Job<I, O>): void {
    if (job.settled || this.mainOnly.includes(job)) return;
    this.mainOnly.push(job);
    this.signal();
  }

  private async runInline(job: Job<I, O>): Promise<void> {
    try {
      job.settle({ ok: true, value: await this.options.inline(job.input) });
    } catch (error) {
      job.settle({ ok: false, error });
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** In a worker script: claims and does the pool's tasks with `work`, from the most expensive. */
export function serveTasks<I, O>(work: (input: I) => Promise<O>): void {
  const port = parentPort!;
  port.once('message', async ({ tasks, claims, me }: Batch<I>) => {
    for (let index = 0; index < tasks.length; index++) {
      if (Atomics.compareExchange(claims, index, 0, me) !== 0) continue;
      let reply: Reply<O>;
      try {
        reply = { index, ok: true, value: await work(tasks[index]!) };
      } catch {
        reply = { index, ok: false }; // the main thread does the task again, and meets the error itself
      }
      try {
        port.postMessage(reply);
      } catch {
        port.postMessage({ index, ok: false } satisfies Reply<O>); // a result that cannot be copied
      }
    }
  });
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
