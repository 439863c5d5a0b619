import type { Diagnostic } from './types.js';

/**
 * True for V8's "Maximum call stack size exceeded": input nested deeper than a recursive parser or walker can follow.
 * No regular expression here or in locateOverflow: this runs in catch blocks near the stack's limit, where compiling
 * one aborts the whole process ("RegExpCompiler Allocation failed").
 */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.toLowerCase().includes('call stack');
}

/**
 * The diagnostic for a failure while reading or analyzing one file, so that the run goes on with the other files. A
 * stack overflow is placed at the file's deepest bracket nesting (where it most likely comes from); any other failure
 * at line 1, with its message (never the file's text).
 */
export function failureDiagnostic(e: unknown, text: string): Diagnostic {
  if (isStackOverflow(e)) return tooDeeplyNested(text);
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { line: 1, column: 1, message: `internal error while analyzing it (${message.split('\n')[0]})` };
}

/** The diagnostic for input nested deeper than a parser follows, placed at the file's deepest bracket nesting. */
export function tooDeeplyNested(text: string): Diagnostic {
  const deepest = deepestNesting(text);
  const where = deepest.depth > 1 ? ` (${deepest.depth} levels of brackets here)` : '';
  return { line: deepest.line, column: deepest.column, message: `nested too deeply to analyze${where}` };
}

/**
 * The diagnostic for input nested past `limit` levels of brackets, refused before a parser that would overflow the
 * stack on it; null within the limit.
 */
export function nestedPast(text: string, limit: number): Diagnostic | null {
  const deepest = deepestNesting(text);
  if (deepest.depth <= limit) return null;
  return { line: deepest.line, column: deepest.column, message: `nested too deeply to analyze (${deepest.depth} levels of brackets here; the limit is ${limit})` };
}

/** Replaces a parser's own "Maximum call stack size exceeded" error with the located diagnostic of failureDiagnostic. */
export function locateOverflow(d: Diagnostic, text: string): Diagnostic {
  return d.message.toLowerCase().includes('maximum call stack size exceeded') ? failureDiagnostic(new RangeError(d.message), text) : d;
}

/** Line, column and depth of the first bracket (`(`, `[`, `{`) opened at the greatest depth; one pass, strings not told apart. */
export function deepestNesting(text: string): { line: number; column: number; depth: number } {
  let depth = 0;
  let best = { line: 1, column: 1, depth: 0 };
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 40 || c === 91 || c === 123) {
      if (++depth > best.depth) best = { line, column: i - lineStart + 1, depth };
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
  }
  return best;
}

/**
 * Runs one file's work; a throw (a stack overflow on deep nesting, a bug) becomes that file's diagnostic instead of
 * ending the run.
 */
export function guarded<T>(text: string, work: () => T): { value: T } | { failure: Diagnostic } {
  try {
    return { value: work() };
  } catch (e) {
    return { failure: failureDiagnostic(e, text) };
  }
}

/** Drops repeated diagnostics (a parser may report the same overflow once per pass). */
export function distinct(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.column}:${d.message}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}
