// The online pass's verdict cache: one JSON file, keyed by provider and address, entries kept for a TTL, written
// atomically (temp file, then rename) with mode 0600. A corrupt file is rebuilt with a warning. It never holds a key.
// Concurrent runs sharing it each merge their new entries into what is on disk, one at a time (a lock directory).
import { mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Verdict } from './provider.js';

export const CACHE_FILE = 'online-cache.json';
const VERSION = 1;

interface Entry {
  /** When the verdict was fetched, epoch ms. */
  t: number;
  v: Verdict;
}

/** `$XDG_CACHE_HOME/sg-lint`, else `~/.cache/sg-lint`. */
export function defaultCacheDir(env: Record<string, string | undefined>, home = homedir()): string {
  return env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'sg-lint') : join(home, '.cache', 'sg-lint');
}

export class VerdictCache {
  readonly file: string;
  /** Set when the file could not be used or written. */
  readonly warnings: string[] = [];
  private readonly entries = new Map<string, Entry>();
  /** Keys this run set: what it adds to the file on disk when saving. */
  private readonly changed = new Set<string>();
  private dirty = false;

  constructor(
    private readonly dir: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.file = join(dir, CACHE_FILE);
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.warnings.push(`cannot read the online cache ${this.file} (${(e as NodeJS.ErrnoException).code ?? 'error'}); it will be rebuilt`);
      return;
    }
    const data = parse(text);
    if (!data) {
      this.warnings.push(`the online cache ${this.file} was corrupt and has been rebuilt`);
      this.dirty = true;
      return;
    }
    for (const [key, entry] of Object.entries(data)) this.entries.set(key, entry);
  }

  get(cacheId: string, address: string): Verdict | undefined {
    const entry = this.entries.get(`${cacheId}|${address}`);
    return entry && this.fresh(entry) ? entry.v : undefined;
  }

  set(cacheId: string, address: string, verdict: Verdict): void {
    this.entries.set(`${cacheId}|${address}`, { t: this.now(), v: verdict });
    this.changed.add(`${cacheId}|${address}`);
    this.dirty = true;
  }

  /**
   * Writes the cache if it changed, dropping expired entries: under the lock, the file as it is now (another run may
   * have saved since this one read it) with this run's entries merged in, the newer verdict winning.
   */
  save(): void {
    if (!this.dirty) return;
    const tmp = join(this.dir, `.${CACHE_FILE}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    const lock = join(this.dir, `${CACHE_FILE}.lock`);
    let locked = false;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      locked = acquire(lock);
      const merged = new Map(Object.entries(readEntries(this.file) ?? {}));
      for (const key of this.changed) {
        const ours = this.entries.get(key)!;
        const theirs = merged.get(key);
        if (!theirs || theirs.t <= ours.t) merged.set(key, ours);
      }
      const entries = Object.fromEntries([...merged].filter(([, e]) => this.fresh(e)).sort(([a], [b]) => (a < b ? -1 : 1)));
      writeFileSync(tmp, JSON.stringify({ version: VERSION, entries }), { mode: 0o600 });
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch (e) {
      rmSync(tmp, { force: true });
      this.warnings.push(`cannot write the online cache ${this.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    } finally {
      if (locked) rmdirSync(lock);
    }
  }

  private fresh(e: Entry): boolean {
    const age = this.now() - e.t;
    return age >= 0 && age < this.ttlMs;
  }
}

const LOCK_WAIT_MS = 5_000;
/** A lock older than this was left by a run that died while saving. */
const LOCK_STALE_MS = 30_000;

/** Takes the lock directory (mkdir is atomic), waiting for another run's save; false when it could not be had in time. */
function acquire(lock: string): boolean {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > until) return false;
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

function readEntries(file: string): Record<string, Entry> | null {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function parse(text: string): Record<string, Entry> | null {
  try {
    const data = JSON.parse(text) as { version?: unknown; entries?: unknown };
    if (data?.version !== VERSION || !data.entries || typeof data.entries !== 'object' || Array.isArray(data.entries)) return null;
    const entries = data.entries as Record<string, Entry>;
    for (const e of Object.values(entries)) {
      if (typeof e?.t !== 'number' || typeof e.v?.listed !== 'boolean' || typeof e.v.detectedBy !== 'number' || !Array.isArray(e.v.sources) || typeof e.v.summary !== 'string') return null;
    }
    return entries;
  } catch {
    return null;
  }
}
