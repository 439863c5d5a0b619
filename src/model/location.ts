/** 1-based line and column. */
export interface Pos {
  line: number;
  column: number;
}

/**
 * A source range: 1-based, start inclusive, end exclusive (the position just after the last character).
 * `path` is the stable logical address of the thing (e.g. `resource.aws_security_group.web[0].ingress[1].cidr_blocks[0]`).
 * `via` is the chain of call sites (module calls, nested stacks) through which this value was reached, outermost first.
 * `defined` is where a value reached through a reference was first written (a Terraform variable default, a module
 * argument, an entry of a map of named rules), when that is somewhere else.
 */
export interface Span {
  file: string;
  start: Pos;
  end: Pos;
  path: string;
  via?: Span[];
  defined?: Span;
}

export function comparePos(a: Pos, b: Pos): number {
  return a.line - b.line || a.column - b.column;
}

export function compareSpans(a: Span, b: Span): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return comparePos(a.start, b.start) || comparePos(a.end, b.end);
}

/** True when `inner` lies within `outer` (same file). */
export function spanContains(outer: Span, inner: Span): boolean {
  return outer.file === inner.file && comparePos(outer.start, inner.start) <= 0 && comparePos(inner.end, outer.end) <= 0;
}

export function withPath(span: Span, path: string): Span {
  return { ...span, path };
}
