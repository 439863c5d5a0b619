/**
 * `s` as a string of its own. V8 makes a slice of 13 characters or more a view that keeps the whole text alive (and a
 * string built by `+` keeps its parts): a value kept in the model would keep the file it was read from in memory to
 * the end of the run.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** `text.slice(start, end)` as a string of its own (see detached). */
export function detachedSlice(text: string, start: number, end: number): string {
  return detached(text.slice(start, end));
}

/** `s`, or its first `max - 3` characters and `...` when it is longer than `max`: for messages that quote what they read. */
export function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
