/**
 * A list of numbers that grows as numbers are pushed (a typed array, doubled when full): a million numbers pushed cost
 * a fraction of a million pushed to an array. It starts small enough (8 numbers) to be kept on the heap, as most
 * lists stay.
 */
export class NumberList {
  private data = new Float64Array(8);
  private count = 0;


  get length(): number {
    return this.count;
  }

  push(n: number): void {
    if (this.count === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.count++] = n;
  }

  at(i: number): number {
    return this.data[i]!;
  }

  /** The numbers pushed so far, as a view of the list (valid until the next push). */
  view(): Float64Array {
    return this.data.subarray(0, this.count);
  }
}
