import { LineCounter, type Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { MAP, MapKeys, newCollection, newPair, newScalar, SEQ } from './nodes.js';
import { CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, isDigit, JsonLexer, LOWER_F, LOWER_N, LOWER_T, MAX_JSON_DEPTH, MINUS, OPEN_BRACE, OPEN_BRACKET, QUOTE } from '../json-lexer.js';
import { detachedSlice } from '../../util/strings.js';

export { MAX_JSON_DEPTH };

export type JsonParse =
  | { kind: 'parsed'; root: Node; lines: LineCounter; duplicateKeys: number[] }
  /** Not JSON as far as this parser goes (JSON.parse is the judge of the message). */
  | { kind: 'invalid' }
  /** Nested deeper than MAX_JSON_DEPTH; `root` holds what was built up to there. */
  | { kind: 'too-deep'; root: Node | null };

/**
 * Parses strict JSON (what JSON.parse accepts) into the node tree the `yaml` composer builds from the same text:
 * YAMLMap, YAMLSeq, Pair and Scalar with the same values and source ranges, and the offsets of the keys that repeat
 * an earlier key of their map, where the composer reports DUPLICATE_KEY. One pass, no recursion.
 */
export function parseJson(text: string): JsonParse {
  return new JsonParser(text).parse();
}

interface Open {
  node: YAMLMap | YAMLSeq;
  start: number;
  /** A map's keys, to find repeats; null for a sequence. */
  keys: MapKeys | null;
}

class JsonParser extends JsonLexer {
  private readonly lines: LineCounter;
  private readonly open: Open[] = [];
  private readonly duplicateKeys: number[] = [];
  private root: Node | null = null;
  /** The key whose value is read next, in the innermost open map. */
  private key: Scalar | null = null;

  constructor(text: string) {
    const lines = new LineCounter();
    lines.addNewLine(0);
    super(text, lines.lineStarts);
    this.lines = lines;
  }

  parse(): JsonParse {
    for (;;) {
      // A value is expected here.
      this.skipSpace();
      const c = this.text.charCodeAt(this.i);
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        const node = newCollection(c === OPEN_BRACE ? MAP : SEQ, true);
        this.attach(node, this.i);
        if (this.open.length >= MAX_JSON_DEPTH) return { kind: 'too-deep', root: this.root };
        this.open.push({ node, start: this.i, keys: c === OPEN_BRACE ? new MapKeys(node.items as Pair[]) : null });
        this.i++;
        this.skipSpace();
        if (this.text.charCodeAt(this.i) !== (c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) {
          if (c === OPEN_BRACE && !this.readKey()) return { kind: 'invalid' };
          continue;
        }
      } else {
        const scalar = this.scalar(c);
        if (!scalar) return { kind: 'invalid' };
        this.attach(scalar, scalar.range![0]);
      }
      // After a value: close what ends here, up to the next value.
      for (;;) {
        this.skipSpace();
        const top = this.open.at(-1);
        if (!top) return this.i === this.text.length ? { kind: 'parsed', root: this.root!, lines: this.lines, duplicateKeys: this.duplicateKeys } : { kind: 'invalid' };
        const c = this.text.charCodeAt(this.i);
        const isMap = top.node instanceof YAMLMap;
        if (c === (isMap ? CLOSE_BRACE : CLOSE_BRACKET)) {
          this.i++;
          top.node.range = [top.start, this.i, this.i];
          this.open.pop();
          continue;
        }
        if (c !== COMMA) return { kind: 'invalid' };
        this.i++;
        if (isMap) {
          this.skipSpace();
          if (!this.readKey()) return { kind: 'invalid' };
        }
        break;
      }
    }
  }

  /** Puts a node where the text has it: the root, the value of the pending key, or the next item. */
  private attach(node: Node, start: number): void {
    const top = this.open.at(-1);
    if (!top) this.root = node;
    else if (top.node instanceof YAMLSeq) top.node.items.push(node);
    else {
      const key = this.key!;
      if (top.keys!.repeats(key.value)) this.duplicateKeys.push(key.range![0]);
      top.node.items.push(newPair(key, node));
    }
    if (!(node instanceof Scalar)) node.range = [start, start, start];
  }

  /** `"key"` and the colon after it. */
  private readKey(): boolean {
    if (this.text.charCodeAt(this.i) !== QUOTE) return false;
    const key = this.stringScalar();
    if (!key) return false;
    this.skipSpace();
    if (this.text.charCodeAt(this.i) !== COLON) return false;
    this.i++;
    this.key = key;
    return true;
  }

  private scalar(c: number): Scalar | null {
    const start = this.i;
    if (c === QUOTE) return this.stringScalar();
    if (c === MINUS || isDigit(c)) return this.number() ? scalar(Number(this.text.slice(start, this.i)), start, this.i) : null;
    if (c === LOWER_T) return this.literal('true') ? scalar(true, start, this.i) : null;
    if (c === LOWER_F) return this.literal('false') ? scalar(false, start, this.i) : null;
    if (c === LOWER_N) return this.literal('null') ? scalar(null, start, this.i) : null;
    return null;
  }

  private stringScalar(): Scalar | null {
    const start = this.i;
    if (!this.string()) return null;
    const text = this.text;
    return scalar(this.escaped ? (JSON.parse(text.slice(start, this.i)) as string) : detachedSlice(text, start + 1, this.i - 1), start, this.i);
  }
}

function scalar(value: unknown, start: number, end: number): Scalar {
  return newScalar(value, [start, end, end]);
}
