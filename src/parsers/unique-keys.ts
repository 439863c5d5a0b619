/**
 * `yaml`'s own `uniqueKeys` check compares each key of a map with every key before it, so a map of 100,000 keys (a
 * 1.5 MB `.tf.json`, template or config in a pull request) takes minutes. Documents are therefore composed with
 * `uniqueKeys: false`, and addDuplicateKeyErrors adds the errors that check would have made, in linear time.
 */
import { createRequire } from 'node:module';
import type { Document, LineCounter, YAMLParseError } from 'yaml';

// `yaml` is loaded when first used, not at start: the config loader, which runs in every run that finds a config,
// reads it through this module (see config/load.ts).
const require = createRequire(import.meta.url);

/** The `yaml` composer's message for a repeated key (the CloudFormation JSON parser reports it as well). */
export const DUPLICATE_KEY_MESSAGE = 'Map keys must be unique';

/**
 * Adds to `doc.errors` a DUPLICATE_KEY error at each key that repeats an earlier key of its map (keys are equal as yaml
 * compares them: scalars of the same value), each placed before the first error that lies after it. With `lines`, the
 * errors get the line and column that `parseDocument` gives its own (`linePos`, and " at line L, column C" appended to
 * the message). Iterative, so that no nesting the composer built can overflow the stack here.
 */
export function addDuplicateKeyErrors(doc: Document, lines?: LineCounter): void {
  const { isMap, isScalar, isSeq, YAMLParseError } = require('yaml') as typeof import('yaml');
  const duplicateAt = (offset: number): YAMLParseError => {
    const error = new YAMLParseError([offset, offset + 1], 'DUPLICATE_KEY', DUPLICATE_KEY_MESSAGE);
    if (lines) {
      error.linePos = [lines.linePos(offset), lines.linePos(offset + 1)];
      // The first line of parseDocument's own message (it goes on with the line quoted, which no caller shows).
      error.message += ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}:`;
    }
    return error;
  };
  const found: YAMLParseError[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const { key, value } of node.items) {
        // NaN equals no key, as with yaml's `===`.
        if (isScalar(key) && key.range && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) found.push(duplicateAt(key.range[0]));
          else seen.add(key.value);
        }
        stack.push(key, value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  if (found.length > 0) doc.errors = mergeByOffset(doc.errors, found.sort((a, b) => a.pos[0] - b.pos[0]));
}

/** `errors` in their order, with each of `added` (sorted by offset) before the first error that starts after it. */
function mergeByOffset(errors: YAMLParseError[], added: YAMLParseError[]): YAMLParseError[] {
  const out: YAMLParseError[] = [];
  let next = 0;
  for (const error of errors) {
    while (next < added.length && added[next]!.pos[0] < error.pos[0]) out.push(added[next++]!);
    out.push(error);
  }
  while (next < added.length) out.push(added[next++]!);
  return out;
}
