import { comparePos, type Pos } from '../model/location.js';
import type { Range } from '../parsers/types.js';

/**
 * Ranges of one file, for the question "which of them hold this position?" (start included, end not). They may nest or
 * overlap: sorted by start, a position is looked up by a binary search to the last range that starts at or before it,
 * then back for as long as a range that far back may still reach past it. Asked once per finding, a scan of every range
 * was quadratic in a file with thousands of suppressions.
 */
export class RangeIndex<T> {
  private readonly entries: { range: Range; value: T; order: number }[];
  /** For each entry, the furthest end among it and the entries before it. */
  private readonly reach: Pos[] = [];

  constructor(entries: Iterable<{ range: Range; value: T }>) {
    this.entries = [...entries].map((e, order) => ({ ...e, order }));
    this.entries.sort((a, b) => comparePos(a.range.start, b.range.start) || a.order - b.order);
    let furthest: Pos | undefined;
    for (const { range } of this.entries) {
      if (!furthest || comparePos(range.end, furthest) > 0) furthest = range.end;
      this.reach.push(furthest);
    }
  }

  /** The values whose ranges hold `pos`, in the order they were given. */
  holding(pos: Pos): T[] {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (comparePos(this.entries[mid]!.range.start, pos) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const found: { value: T; order: number }[] = [];
    for (let i = lo - 1; i >= 0 && comparePos(pos, this.reach[i]!) < 0; i--) {
      const entry = this.entries[i]!;
      if (comparePos(pos, entry.range.end) < 0) found.push(entry);
    }
    return found.sort((a, b) => a.order - b.order).map((e) => e.value);
  }
}
