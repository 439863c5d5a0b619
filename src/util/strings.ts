/**
 * `text.slice(start, end)` as a string of its own. V8 makes a slice of 13 characters or more a view that keeps the
 * whole text alive: a value kept in the model would keep the file it was read from in memory to the end of the run.
 */
export function detachedSlice(text: string, start: number, end: number): string {
  const part = text.slice(start, end);
  return end - start < 13 ? part : (' ' + part).slice(1);
}
