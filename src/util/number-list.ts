/**
 * A list of numbers that grows as numbers are pushed: an array while short, then a typed array that doubles when full
 * (a million numbers pushed to an array cost several times more; a typed array costs more to make than a short list).
 */
export class NumberList {
  private short: number[] | null = [];
  private data = new Float64Array(0);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(n: number): void {
    if (this.short) {
      this.short.push(n);
      this.count++;
      if (this.count === SHORT) {
        this.data = new Float64Array(2 * SHORT);
        this.data.set(this.short);
        this.short = null;
      }
      return;
    }
    if (this.count === this.data.length) {
      const bigger = new Float64Array(2 * this.data.length);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.count++] = n;
  }

  at(i: number): number {
    return this.short ? this.short[i]! : this.data[i]!;
  }

  /** The numbers pushed so far (a view of the list: valid until the next push). */
  view(): ArrayLike<number> {
    return this.short ?? this.data.subarray(0, this.count);
  }
}

const SHORT = 1024;
