#!/usr/bin/env node
import module from 'node:module';
import v8 from 'node:v8';

const HEAP_GROWING_PERCENT = 75;

// Node 22.1 and later can keep compiled code between runs; on Node 20 there is nothing to enable. The CLI is imported
// after this, so its modules are compiled with the cache on.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// V8 lets an old generation grow to four times what it held after its last full collection before collecting again:
// a run whose model holds 300 MB (a 30,000-file monorepo) reached 1.3 GB on the main thread alone. Three quarters more
// keeps the peak near what is held, for a few more collections (at half, the time of a run of 10^6 CIDRs grew by a
// tenth; at double, the 30,000 files peaked at 1.5 GB). Only the CLI sets this (the flag is the whole process's).
v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
const { main } = await import('./cli.js');

// A report that cannot be written (a full disk, a reader that closed the pipe: `sg-lint … | head -c1`) is a failed run,
// said in one line; the stream's error arrives after the write returned, so it is caught here rather than in main().
for (const [stream, name] of [
  [process.stdout, 'standard output'],
  [process.stderr, 'standard error'],
] as const) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    const why = e.code === 'EPIPE' ? 'the reader closed the pipe' : e.code === 'ENOSPC' ? 'no space left on the device' : (e.code ?? e.message);
    if (stream !== process.stderr) process.stderr.write(`sg-lint: cannot write to ${name}: ${why}\n`, () => process.exit(2));
    else process.exit(2);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`sg-lint: internal error: ${String(e)}\n`);
    process.exitCode = 2;
  },
);
