// A strict JSON reader for exports that builds no node objects: one pass over the text checks it as JSON.parse does
// and records each value's kind and offsets in flat arrays; a value is decoded only when asked for. An export of a
// thousand groups holds some fifty thousand values: copying a node tree for them through the young generation was a
// third of the front end's time.
import { CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, isDigit, JsonLexer, LOWER_F, LOWER_N, LOWER_T, MAX_JSON_DEPTH, MINUS, OPEN_BRACE, OPEN_BRACKET, QUOTE } from '../json-lexer.js';
import type { Pos } from '../../model/location.js';

/** A value of the text: its index in document order (the root is 0), or NONE for a value that is not there. */
export type JsonValue = number;
export const NONE: JsonValue = -1;

export type JsonIndexParse =
  | { kind: 'parsed'; index: JsonIndex; duplicateKeys: number[] }
  /** Not JSON (JSON.parse is the judge of the message). */
  | { kind: 'invalid' }
  /** Nested deeper than MAX_JSON_DEPTH before the text stopped being JSON, if it does. */
  | { kind: 'too-deep' };

const OBJECT = 1;
const ARRAY = 2;
const STRING = 3;
const NUMBER = 4;
const TRUE = 5;
const FALSE = 6;
const NULL = 7;
const KIND = 7;
/** A string value with a backslash: decoded by JSON.parse rather than sliced. */
const ESCAPED = 8;
/** The same for the key a value stands under. */
const KEY_ESCAPED = 16;

/** An object with this many keys finds repeated keys with a set rather than by comparing hashes with each earlier key's. */
const KEY_SET_FROM = 32;

/**
 * Reads a JSON text into a JsonIndex, with the offsets of the keys that repeat an earlier key of their object (as the
 * CloudFormation JSON parser reports them). Accepts what JSON.parse accepts; one pass, no recursion.
 */
export function indexJson(text: string): JsonIndexParse {
  return new Scanner(text).scan();
}

/** The values of a JSON text, by index: kind, offsets, the key each member stands under, and the next sibling. */
export class JsonIndex {
  private lastLine = 1;

  constructor(
    readonly text: string,
    private readonly kinds: Uint8Array,
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    /** The index after a value's last descendant: its next sibling, if it has one. */
    private readonly nexts: Int32Array,
    /** Where the key of an object's member starts (its opening quote) and ends (after its closing quote). */
    private readonly keyStarts: Int32Array,
    private readonly keyEnds: Int32Array,
    /** The offsets at which lines start. */
    private readonly lineStarts: number[],
  ) {}

  isObject(v: JsonValue): boolean {
    return v !== NONE && (this.kinds[v]! & KIND) === OBJECT;
  }

  isArray(v: JsonValue): boolean {
    return v !== NONE && (this.kinds[v]! & KIND) === ARRAY;
  }

  /** The member of an object under `key` (NONE when absent, or when `v` is not an object). */
  field(v: JsonValue, key: string): JsonValue {
    if (!this.isObject(v)) return NONE;
    for (let m = v + 1, end = this.nexts[v]!; m < end; m = this.nexts[m]!) if (this.keyIs(m, key)) return m;
    return NONE;
  }

  /** The items of an array; an absent value or one that is not an array has none. */
  items(v: JsonValue): JsonValue[] {
    const out: JsonValue[] = [];
    if (this.isArray(v)) for (let m = v + 1, end = this.nexts[v]!; m < end; m = this.nexts[m]!) out.push(m);
    return out;
  }

  string(v: JsonValue): string | undefined {
    if (v === NONE) return undefined;
    const kind = this.kinds[v]!;
    if ((kind & KIND) !== STRING) return undefined;
    return kind & ESCAPED ? (JSON.parse(this.text.slice(this.starts[v], this.ends[v])) as string) : this.text.slice(this.starts[v]! + 1, this.ends[v]! - 1);
  }

  number(v: JsonValue): number | undefined {
    return v !== NONE && (this.kinds[v]! & KIND) === NUMBER ? Number(this.text.slice(this.starts[v], this.ends[v])) : undefined;
  }

  /** Where a value's text starts and ends (a string's includes its quotes). */
  start(v: JsonValue): number {
    return this.starts[v]!;
  }

  end(v: JsonValue): number {
    return this.ends[v]!;
  }

  /** Where the key of an object's member starts (its opening quote). */
  keyStart(member: JsonValue): number {
    return this.keyStarts[member]!;
  }

  /** The 1-based line and column of an offset. */
  pos(offset: number): Pos {
    const starts = this.lineStarts;
    // Offsets come mostly in the order of the text: the line of the last one, or the next, is most often it.
    let line = this.lastLine;
    if (!onLine(starts, line, offset)) line = onLine(starts, line + 1, offset) ? line + 1 : lineOf(starts, offset);
    this.lastLine = line;
    return { line, column: offset - starts[line - 1]! + 1 };
  }

  private keyIs(member: JsonValue, key: string): boolean {
    const start = this.keyStarts[member]!;
    if (this.kinds[member]! & KEY_ESCAPED) return JSON.parse(this.text.slice(start, this.keyEnds[member])) === key;
    return this.keyEnds[member]! - start - 2 === key.length && this.text.startsWith(key, start + 1);
  }
}

/** A hash of the characters of `s` from `from` to `to` (or its end). */
function hash(s: string, from: number, to: number): number {
  let h = 0;
  for (let i = from, end = Math.min(to, s.length); i < end; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Whether `offset` lies on the 1-based `line`. */
function onLine(starts: number[], line: number, offset: number): boolean {
  return line <= starts.length && starts[line - 1]! <= offset && (line === starts.length || offset < starts[line]!);
}

/** The 1-based line of `offset`: how many lines start at or before it. */
function lineOf(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (starts[mid]! <= offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

class Scanner extends JsonLexer {
  private count = 0;
  private kinds: Uint8Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private nexts: Int32Array;
  private keyStarts: Int32Array;
  private keyEnds: Int32Array;
  /** A hash of each member's key (of its decoded text): members whose hashes differ have different keys. */
  private keyHashes: Int32Array;
  /** The open objects and arrays, outermost first, with the keys of each open object once it has KEY_SET_FROM. */
  private readonly open = new Int32Array(MAX_JSON_DEPTH);
  private readonly keySets: (Set<string> | null)[] = [];
  private depth = 0;
  private readonly duplicateKeys: number[] = [];
  /** The key whose value is read next, in the innermost open object. */
  private keyStart = -1;
  private keyEnd = -1;
  private keyEscaped = false;
  private keyHash = 0;
  constructor(text: string) {
    super(text, [0]);
    const capacity = 64 + (text.length >> 4);
    this.kinds = new Uint8Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.nexts = new Int32Array(capacity);
    this.keyStarts = new Int32Array(capacity);
    this.keyEnds = new Int32Array(capacity);
    this.keyHashes = new Int32Array(capacity);
  }

  scan(): JsonIndexParse {
    const text = this.text;
    for (;;) {
      // A value is expected here.
      this.skipSpace();
      const c = text.charCodeAt(this.i);
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        const v = this.add(c === OPEN_BRACE ? OBJECT : ARRAY, this.i);
        if (this.depth >= MAX_JSON_DEPTH) return { kind: 'too-deep' };
        this.open[this.depth] = v;
        this.keySets[this.depth] = null;
        this.depth++;
        this.i++;
        this.skipSpace();
        if (text.charCodeAt(this.i) !== (c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) {
          if (c === OPEN_BRACE && !this.readKey()) return { kind: 'invalid' };
          continue;
        }
      } else if (!this.scalar(c)) return { kind: 'invalid' };
      // After a value: close what ends here, up to the next value.
      for (;;) {
        this.skipSpace();
        if (this.depth === 0) return this.i === text.length ? this.parsed() : { kind: 'invalid' };
        const top = this.open[this.depth - 1]!;
        const inObject = (this.kinds[top]! & KIND) === OBJECT;
        const c = text.charCodeAt(this.i);
        if (c === (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
          this.i++;
          this.ends[top] = this.i;
          this.nexts[top] = this.count;
          this.depth--;
          continue;
        }
        if (c !== COMMA) return { kind: 'invalid' };
        this.i++;
        if (inObject) {
          this.skipSpace();
          if (!this.readKey()) return { kind: 'invalid' };
        }
        break;
      }
    }
  }

  private parsed(): JsonIndexParse {
    const n = this.count;
    const index = new JsonIndex(
      this.text,
      this.kinds.subarray(0, n),
      this.starts.subarray(0, n),
      this.ends.subarray(0, n),
      this.nexts.subarray(0, n),
      this.keyStarts.subarray(0, n),
      this.keyEnds.subarray(0, n),
      this.lineStarts,
    );
    return { kind: 'parsed', index, duplicateKeys: this.duplicateKeys };
  }

  /** Records a value where the text has it: the root, the value of the pending key, or the next item. */
  private add(kind: number, start: number): JsonValue {
    if (this.count === this.kinds.length) this.grow();
    const v = this.count++;
    this.starts[v] = start;
    this.nexts[v] = v + 1;
    this.keyStarts[v] = -1;
    if (this.depth > 0 && (this.kinds[this.open[this.depth - 1]!]! & KIND) === OBJECT) {
      this.keyStarts[v] = this.keyStart;
      this.keyEnds[v] = this.keyEnd;
      this.keyHashes[v] = this.keyHash;
      if (this.keyEscaped) kind |= KEY_ESCAPED;
      this.kinds[v] = kind;
      if (this.repeatsKey(v)) this.duplicateKeys.push(this.keyStart);
    } else this.kinds[v] = kind;
    return v;
  }

  /** Whether member `v` of the innermost open object repeats the key of an earlier member. */
  private repeatsKey(v: JsonValue): boolean {
    const object = this.open[this.depth - 1]!;
    let set = this.keySets[this.depth - 1];
    if (!set) {
      let earlier = 0;
      for (let m = object + 1; m < v; m = this.nexts[m]!) {
        if (this.keyHashes[m] === this.keyHashes[v] && this.sameKey(m, v)) return true;
        earlier++;
      }
      if (earlier + 1 < KEY_SET_FROM) return false;
      set = new Set();
      for (let m = object + 1; m < v; m = this.nexts[m]!) set.add(this.keyOf(m));
      this.keySets[this.depth - 1] = set;
    }
    const key = this.keyOf(v);
    if (set.has(key)) return true;
    set.add(key);
    return false;
  }

  private sameKey(a: JsonValue, b: JsonValue): boolean {
    if ((this.kinds[a]! | this.kinds[b]!) & KEY_ESCAPED) return this.keyOf(a) === this.keyOf(b);
    const aStart = this.keyStarts[a]!;
    const bStart = this.keyStarts[b]!;
    const length = this.keyEnds[a]! - aStart;
    if (this.keyEnds[b]! - bStart !== length) return false;
    return this.text.startsWith(this.text.slice(aStart, aStart + length), bStart);
  }

  private keyOf(member: JsonValue): string {
    const start = this.keyStarts[member]!;
    const end = this.keyEnds[member]!;
    return this.kinds[member]! & KEY_ESCAPED ? (JSON.parse(this.text.slice(start, end)) as string) : this.text.slice(start + 1, end - 1);
  }

  private grow(): void {
    const size = this.kinds.length * 2;
    const grown = <T extends Uint8Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const copy = make(size);
      copy.set(old);
      return copy;
    };
    this.kinds = grown(this.kinds, (n) => new Uint8Array(n));
    this.starts = grown(this.starts, (n) => new Int32Array(n));
    this.ends = grown(this.ends, (n) => new Int32Array(n));
    this.nexts = grown(this.nexts, (n) => new Int32Array(n));
    this.keyStarts = grown(this.keyStarts, (n) => new Int32Array(n));
    this.keyEnds = grown(this.keyEnds, (n) => new Int32Array(n));
    this.keyHashes = grown(this.keyHashes, (n) => new Int32Array(n));
  }

  /** `"key"` and the colon after it. */
  private readKey(): boolean {
    const start = this.i;
    if (this.text.charCodeAt(start) !== QUOTE || !this.string()) return false;
    this.keyStart = start;
    this.keyEnd = this.i;
    this.keyEscaped = this.escaped;
    this.keyHash = this.escaped ? hash(JSON.parse(this.text.slice(start, this.i)) as string, 0, Infinity) : hash(this.text, start + 1, this.i - 1);
    this.skipSpace();
    if (this.text.charCodeAt(this.i) !== COLON) return false;
    this.i++;
    return true;
  }

  private scalar(c: number): boolean {
    const start = this.i;
    let kind: number;
    if (c === QUOTE) {
      if (!this.string()) return false;
      kind = this.escaped ? STRING | ESCAPED : STRING;
    } else if (c === MINUS || isDigit(c)) {
      if (!this.number()) return false;
      kind = NUMBER;
    } else if (c === LOWER_T && this.literal('true')) kind = TRUE;
    else if (c === LOWER_F && this.literal('false')) kind = FALSE;
    else if (c === LOWER_N && this.literal('null')) kind = NULL;
    else return false;
    this.ends[this.add(kind, start)] = this.i;
    return true;
  }
}
