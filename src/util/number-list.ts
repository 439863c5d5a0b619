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
    this.data = withRoom(this.data, this.count + 1);
    this.data[this.count++] = n;
  }

  /** The numbers pushed so far (a view of the list: valid until the next push). */
  view(): ArrayLike<number> {
    return this.short ?? this.data.subarray(0, this.count);
  }
}

const SHORT = 1024;

/** `buffer`, or a copy of it at least twice its size when it holds fewer than `size` numbers. */
export function withRoom<T extends Int32Array | Float64Array>(buffer: T, size: number): T {
  if (size <= buffer.length) return buffer;
  const grown = new (buffer.constructor as new (length: number) => T)(Math.max(size, buffer.length * 2));
  grown.set(buffer);
  return grown;
}
