import { describe, expect, it } from 'vitest';
import { comparePos, type Pos } from '../../src/model/location.js';
import type { Range } from '../../src/parsers/types.js';
import { RangeIndex } from '../../src/util/range-index.js';

const pos = (line: number, column: number): Pos => ({ line, column });
const range = (a: [number, number], b: [number, number]): Range => ({ start: pos(...a), end: pos(...b) });
const holds = (r: Range, p: Pos) => comparePos(r.start, p) <= 0 && comparePos(p, r.end) < 0;

describe('RangeIndex', () => {
  it('finds nested, overlapping and equal ranges that hold a position, in the order they were given', () => {
    const ranges = [range([1, 1], [100, 1]), range([10, 1], [20, 1]), range([5, 1], [12, 1]), range([10, 1], [20, 1]), range([30, 1], [31, 1])];
    const index = new RangeIndex(ranges.map((r, i) => ({ range: r, value: i })));
    expect(index.holding(pos(11, 5))).toEqual([0, 1, 2, 3]);
    expect(index.holding(pos(20, 1))).toEqual([0]);
    expect(index.holding(pos(30, 1))).toEqual([0, 4]);
    expect(index.holding(pos(100, 1))).toEqual([]);
    expect(new RangeIndex<number>([]).holding(pos(1, 1))).toEqual([]);
  });

  it('answers as a scan of every range does, on random ranges', () => {
    let seed = 42;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n) + 1;
    for (let round = 0; round < 50; round++) {
      const ranges = Array.from({ length: next(40) }, () => {
        const a = pos(next(50), next(5));
        const b = pos(a.line + next(20) - 1, next(5));
        return comparePos(a, b) <= 0 ? { start: a, end: b } : { start: b, end: a };
      });
      const index = new RangeIndex(ranges.map((r, i) => ({ range: r, value: i })));
      for (let line = 1; line <= 75; line++) {
        for (let column = 1; column <= 5; column++) {
          const p = pos(line, column);
          expect(index.holding(p)).toEqual(ranges.flatMap((r, i) => (holds(r, p) ? [i] : [])));
        }
      }
    }
  });
});
