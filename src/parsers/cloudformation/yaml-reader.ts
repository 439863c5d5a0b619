import { LineCounter, Scalar, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { MAP, MapKeys, newCollection, newPair, newScalar, SEQ } from './nodes.js';
import { blockHeader, blockValue, doubleQuoted, foldLines, resolvePlain, singleQuoted } from './yaml-scalars.js';
import { detached } from '../../util/strings.js';

export interface FastYaml {
  root: YAMLMap;
  lines: LineCounter;
  /** Offsets and texts of every comment, in order. */
  comments: { offset: number; source: string }[];
}

/**
 * Reads the YAML that CloudFormation templates are written in — one document whose root is a block map; block maps
 * and sequences; plain, quoted and block scalars; flow collections; comments; the given short-form tags — into the
 * nodes the `yaml` composer builds from the same text (same classes, values, types, tags and source ranges; comments
 * attached to nodes are left out: nothing reads them). Anything else — anchors, aliases, merge keys, directives,
 * several documents, tabs, complex keys, any error — returns null, and the
 * caller has `yaml` read the text.
 *
 * Source ranges follow `yaml`'s parser, which hands the blank and comment lines after a node to it or to a collection
 * by rules of its own; the comments in `advance` and `close` say which.
 */
export function readYaml(text: string, tags: ReadonlySet<string>): FastYaml | null {
  if (UNHANDLED_CHARACTERS.test(text)) return null;
  const reader = new Reader(text, tags);
  try {
    const root = reader.read();
    return { root, lines: lineCounter(text), comments: reader.comments };
  } catch (e) {
    if (e === GIVE_UP) return null;
    throw e;
  }
}

/** Tabs, carriage returns, other control characters, byte order marks and Unicode line separators. */
const UNHANDLED_CHARACTERS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;
const GIVE_UP = { reason: 'not for the fast reader' };
const giveUp = (): never => {
  throw GIVE_UP;
};

/** Nesting deeper than this is left to `yaml`. */
const MAX_DEPTH = 100;

const NEWLINE = 10;
const SPACE = 32;
const BANG = 33;
const QUOTE = 34;
const HASH = 35;
const APOSTROPHE = 39;
const BACKSLASH = 92;
const COMMA = 44;
const DASH = 45;
const COLON = 58;
const GREATER = 62;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const PIPE = 124;
const CLOSE_BRACE = 125;

const isFlowIndicator = (c: number) => c === COMMA || c === OPEN_BRACKET || c === CLOSE_BRACKET || c === OPEN_BRACE || c === CLOSE_BRACE;
/** Characters that cannot start a plain scalar (or start something this reader does not read). */
const NOT_PLAIN_START = new Set([...'[]{},#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));
/** The characters of a tag after its `!`, as the `yaml` lexer reads them. */
const TAG_CHARS = new Set([..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()"].map((c) => c.charCodeAt(0)));

function lineCounter(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

class Reader {
  readonly comments: { offset: number; source: string }[] = [];
  private readonly n: number;
  private depth = 0;
  /** Where the current line starts, and its first character that is neither space nor part of a comment (n at the end). */
  private lineStart = 0;
  private pos = 0;
  /** The indentation of the current line; -1 at the end of the text. */
  private lineIndent = 0;
  /**
   * The deepest indentation among the comment lines between the last node read and the current line (-1 for none):
   * these lines end up in the range of the innermost collection that ends here and is not indented deeper than one
   * of them, as `yaml`'s parser leaves them there.
   */
  private trailIndent = -1;
  /** Where the last flow collection or scalar read ends. */
  private end = 0;

  constructor(
    private readonly text: string,
    private readonly tags: ReadonlySet<string>,
  ) {
    this.n = text.length;
  }

  read(): YAMLMap {
    let p = 0;
    let started = false;
    for (;;) {
      const i = this.skipSpaces(p);
      if (i >= this.n) giveUp();
      const c = this.code(i);
      if (c === NEWLINE) p = i + 1;
      else if (c === HASH) p = this.comment(i);
      else if (i === p && !started && this.text.startsWith('---', i) && this.blankAt(i + 3)) {
        // The one document's start marker, with nothing but a comment after it.
        started = true;
        p = this.lineEnd(i + 3);
      } else {
        if (i !== p || (this.text.startsWith('...', i) && this.blankAt(i + 3))) giveUp();
        this.atLine(p, i);
        break;
      }
    }
    const root = this.blockMap(0);
    if (this.pos < this.n) giveUp();
    return root;
  }

  // ---- lines

  private code(i: number): number {
    return this.text.charCodeAt(i);
  }

  private skipSpaces(i: number): number {
    while (this.text.charCodeAt(i) === SPACE) i++;
    return i;
  }

  /** A space, a line break or the end of the text. */
  private blankAt(i: number): boolean {
    const c = this.text.charCodeAt(i);
    return c === SPACE || c === NEWLINE || i >= this.n;
  }

  /** Records the comment at `i` (which runs to the end of its line) and returns where the next line starts. */
  private comment(i: number): number {
    const eol = this.text.indexOf('\n', i);
    const end = eol === -1 ? this.n : eol;
    this.comments.push({ offset: i, source: this.text.slice(i, end) });
    return eol === -1 ? this.n : eol + 1;
  }

  /** After a node at `i`: spaces and a comment up to the line break; returns where the next line starts. */
  private lineEnd(i: number): number {
    const j = this.skipSpaces(i);
    const c = this.code(j);
    if (c === HASH) {
      if (j === i) giveUp();
      return this.comment(j);
    }
    if (j >= this.n) return this.n;
    if (c !== NEWLINE) giveUp();
    return j + 1;
  }

  private atLine(lineStart: number, i: number): void {
    this.lineStart = lineStart;
    this.pos = i;
    this.lineIndent = i >= this.n ? -1 : i - lineStart;
  }

  /**
   * Moves from the line starting at `p` to the next line with content, over blank and comment lines. A scalar or
   * flow collection that ended at `p` takes in the comment lines indented deeper than its collection (`absorbAbove`,
   * -1 for other nodes) up to the first that is not, blank lines between them included: `yaml`'s parser adds them
   * to the node's trailing tokens. Returns where the node's range ends.
   */
  private advance(p: number, absorbAbove: number): number {
    let nodeEnd = p;
    let absorbing = absorbAbove >= 0;
    this.trailIndent = -1;
    for (;;) {
      const i = this.skipSpaces(p);
      if (i >= this.n) {
        this.atLine(p, this.n);
        return nodeEnd;
      }
      const c = this.code(i);
      if (c === NEWLINE) {
        p = i + 1;
        continue;
      }
      if (c === HASH) {
        const indent = i - p;
        p = this.comment(i);
        if (absorbing && indent > absorbAbove) nodeEnd = p;
        else {
          absorbing = false;
          this.trailIndent = Math.max(this.trailIndent, indent);
        }
        continue;
      }
      // A document marker at the start of a line: a second document, or the end of this one.
      if (i === p && (this.text.startsWith('---', i) || this.text.startsWith('...', i)) && this.blankAt(i + 3)) giveUp();
      this.atLine(p, i);
      return nodeEnd;
    }
  }

  // ---- block collections

  private enter(): void {
    if (++this.depth > MAX_DEPTH) giveUp();
  }

  private isSeqItem(i: number): boolean {
    return this.code(i) === DASH && this.blankAt(i + 1);
  }

  private blockMap(indent: number): YAMLMap {
    this.enter();
    const start = this.pos;
    const map = newCollection(MAP, false) as YAMLMap;
    const keys = new MapKeys(map.items);
    let value: Node;
    for (;;) {
      const key = this.key();
      if (keys.repeats(key.value)) giveUp();
      value = this.blockValue(indent, false, this.end);
      map.items.push(newPair(key, value));
      if (this.lineIndent !== indent) break;
      if (this.isSeqItem(this.pos)) giveUp();
    }
    return this.close(map, start, value.range![2], indent);
  }

  private blockSeq(indent: number): YAMLSeq {
    this.enter();
    const start = this.pos;
    const seq = newCollection(SEQ, false) as YAMLSeq;
    let item: Node;
    let first = true;
    do {
      // Comment lines before an item's `-` are its own (and count in its range when it is empty).
      item = this.blockValue(indent, true, this.pos + 1, !first && this.trailIndent >= 0);
      first = false;
      seq.items.push(item);
    } while (this.lineIndent === indent && this.isSeqItem(this.pos));
    return this.close(seq, start, item.range![2], indent);
  }

  /**
   * Ends a collection at `indent` whose last node ends at `end`, at a line indented less (or at the end of the text).
   * The blank and comment lines before that line stay in the collection's range if one of the comments is indented
   * at least as deep as the collection (and it is not at the left margin); otherwise they pass to its parent.
   */
  private close<T extends YAMLMap | YAMLSeq>(coll: T, start: number, end: number, indent: number): T {
    if (this.lineIndent > indent) giveUp();
    if (indent > 0 && this.trailIndent >= indent) {
      coll.range = [start, end, this.pos];
      this.trailIndent = -1;
    } else coll.range = [start, end, end];
    this.depth--;
    return coll;
  }

  /** A block map's key (a one-line plain or quoted scalar) and its colon; leaves `end` after the colon. */
  private key(): Scalar {
    const i = this.pos;
    const key = this.isQuote(this.code(i)) ? this.quoted(i, -1) : this.plainKey(i);
    const colon = this.skipSpaces(this.end);
    if (this.code(colon) !== COLON || !this.blankAt(colon + 1) || colon - i > 1024) giveUp();
    this.end = colon + 1;
    return key;
  }

  private plainKey(i: number): Scalar {
    if (!this.plainStart(i, false)) giveUp();
    return this.plain(i, this.plainEnd(i, false, -1), null);
  }

  /**
   * The node after a block map's `key:` or a sequence's `-` (ending at `from`), in a collection at `indent`; leaves
   * the reader at the next line with content. `inSeq`: a map or sequence may start on the item's line;
   * `commentedItem`: comment lines come before the item's `-`.
   */
  private blockValue(indent: number, inSeq: boolean, from: number, commentedItem = false): Node {
    const emptyAt = this.skipSpaces(from);
    let tag: string | null = null;
    let i = emptyAt;
    if (this.code(i) === BANG) {
      tag = this.tag(i);
      i = this.skipSpaces(i + tag.length);
    }
    if (!this.endsLine(i)) return this.inlineNode(i, indent, tag, inSeq && !tag ? i - this.lineStart : -1, true);
    // Nothing more on this line: a node on the next lines, or an empty value.
    const commentsBefore = this.comments.length;
    this.advance(this.lineEnd(tag ? emptyAt + tag.length : from), -1);
    if (this.lineIndent > indent || (!inSeq && this.lineIndent === indent && this.isSeqItem(this.pos))) {
      if (this.isSeqItem(this.pos)) return this.tagged(this.blockSeq(this.lineIndent), tag);
      const j = this.pos;
      if (this.code(j) !== BANG) return this.inlineNode(j, indent, tag, this.lineIndent, false);
      if (tag) giveUp();
      const own = this.tag(j);
      const k = this.skipSpaces(j + own.length);
      if (!this.endsLine(k)) return this.inlineNode(k, indent, own, -1, false);
      // A tag alone on its line (`!If` above `- HasPassword`): its collection is on the lines after it.
      this.advance(this.lineEnd(j + own.length), -1);
      if (this.lineIndent > indent && this.isSeqItem(this.pos)) return this.tagged(this.blockSeq(this.lineIndent), own);
      if (this.lineIndent > indent && this.code(this.pos) !== BANG) return this.inlineNode(this.pos, indent, own, this.lineIndent, false);
      giveUp();
    }
    // An empty value's range takes in the comments after it, by rules not followed here.
    if (tag || commentedItem || this.comments.length > commentsBefore) giveUp();
    // The blank lines went to the empty value's separator, not to the collection.
    this.trailIndent = -1;
    const empty = newScalar(null, [emptyAt, emptyAt, emptyAt]);
    empty.source = '';
    empty.type = Scalar.PLAIN;
    return empty;
  }

  private endsLine(i: number): boolean {
    const c = this.code(i);
    return i >= this.n || c === NEWLINE || c === HASH;
  }

  private tagged<T extends Node>(node: T, tag: string | null): T {
    if (tag) node.tag = tag;
    return node;
  }

  /**
   * A scalar, flow collection or block scalar starting at `i`, in a collection at `indent`. `mapIndent` >= 0: a scalar
   * followed by `:` is the first key of a block map at that indentation (on the line of a sequence's `-`, or alone
   * on the line after a key); `onKeyLine`: `i` is on the line of the `key:` or `-` the node belongs to.
   */
  private inlineNode(i: number, indent: number, tag: string | null, mapIndent: number, onKeyLine: boolean): Node {
    const c = this.code(i);
    let node: Node;
    if (c === OPEN_BRACKET || c === OPEN_BRACE) node = this.flow(i, indent);
    // A block scalar's header may stand on the key's line or on one of its own: its content is indented past the collection either way.
    else if (c === PIPE || c === GREATER) return this.blockScalar(i, indent, tag);
    else if (onKeyLine && mapIndent >= 0 && this.isSeqItem(i)) {
      // `- - item`: a sequence on the item's line.
      this.pos = i;
      return this.blockSeq(mapIndent);
    } else {
      // Continuation lines of a scalar are indented deeper than its collection.
      if (this.isQuote(c)) node = this.quoted(i, indent + 1);
      else if (this.plainStart(i, false)) node = this.plain(i, this.plainEnd(i, false, indent + 1), tag);
      else return giveUp();
      if (this.code(this.skipSpaces(this.end)) === COLON) {
        // `key: value`, the first pair of a map (its key on one line).
        const oneLine = this.text.lastIndexOf('\n', this.end - 1) < i;
        if (mapIndent < 0 || !oneLine) giveUp();
        this.pos = i;
        return this.tagged(this.blockMap(mapIndent), tag);
      }
    }
    this.tagged(node, tag);
    node.range![2] = this.advance(this.lineEnd(this.end), indent);
    return node;
  }

  private blockScalar(i: number, indent: number, tag: string | null): Scalar {
    let j = i + 1;
    while (j < this.n && !this.blankAt(j) && this.code(j) !== HASH) j++;
    const header = blockHeader(this.text.slice(i, j)) ?? giveUp();
    const contentStart = this.lineEnd(j);
    if (contentStart >= this.n) giveUp();
    // The extent of the content as `yaml`'s lexer finds it: from the first line with content (which must be indented
    // deeper than the collection), every line that is blank or indented at least as deep as the content.
    let nl = contentStart - 1;
    let firstIndent = 0;
    let k = contentStart;
    for (; k < this.n; k++) {
      const c = this.code(k);
      if (c === SPACE) firstIndent++;
      else if (c === NEWLINE) {
        nl = k;
        firstIndent = 0;
      } else break;
    }
    // No line of content (the next one belongs to the collection): the scalar is the blank lines after its header.
    const empty = k < this.n && firstIndent <= indent && !header.indent;
    if (!empty) {
      const contentIndent = header.indent ? indent + header.indent : firstIndent;
      if (k >= this.n || firstIndent <= indent || firstIndent < contentIndent) giveUp();
      for (;;) {
        const next = this.continuesBlock(nl + 1, contentIndent);
        if (next === -1) break;
        nl = this.text.indexOf('\n', next);
        if (nl === -1) {
          nl = this.n;
          break;
        }
      }
    }
    if (header.chomp !== '+') {
      // Trailing blank lines no deeper than the first line of content (or the next line) are not the scalar's.
      for (;;) {
        const last = nl - 1;
        let y = last;
        while (this.code(y) === SPACE) y--;
        if (this.code(y) === NEWLINE && y >= contentStart && y + 1 + firstIndent > last) nl = y;
        else break;
      }
    }
    if (empty) {
      // Kept only by `+`: one line break for each blank line, as `yaml` reads it.
      const end = nl + 1;
      let blank = 0;
      for (let p = this.text.indexOf('\n', contentStart); p !== -1 && p < end; p = this.text.indexOf('\n', p + 1)) blank++;
      return this.blockNode(header.chomp === '+' ? '\n'.repeat(blank) : '', [i, end, end], header, tag);
    }
    const end = Math.min(nl + 1, this.n);
    return this.blockNode(detached(blockValue(header, this.text.slice(contentStart, end), indent) ?? giveUp()), [i, end, end], header, tag);
  }

  private blockNode(value: string, range: [number, number, number], header: { folded: boolean }, tag: string | null): Scalar {
    const node = newScalar(value, range);
    node.source = value;
    node.type = header.folded ? Scalar.BLOCK_FOLDED : Scalar.BLOCK_LITERAL;
    if (tag) node.tag = tag;
    this.advance(range[1], -1);
    return node;
  }

  /** Where the line at `p` continues a block scalar indented `contentIndent`: after its indentation, or -1. */
  private continuesBlock(p: number, contentIndent: number): number {
    const i = this.skipSpaces(p);
    return this.code(i) === NEWLINE || i - p >= contentIndent ? i : -1;
  }

  // ---- flow collections

  /**
   * A flow collection starting at `open`, inside a block collection at `indent` (its lines must be indented deeper,
   * but for a closing bracket at that indentation); leaves `end` after its closing bracket.
   */
  private flow(open: number, indent: number, level = 1): YAMLMap | YAMLSeq {
    this.enter();
    const isMap = this.code(open) === OPEN_BRACE;
    const close = isMap ? CLOSE_BRACE : CLOSE_BRACKET;
    const coll = newCollection(isMap ? MAP : SEQ, true);
    const keys = isMap ? new MapKeys((coll as YAMLMap).items) : null;
    let i = this.flowSpace(open + 1, indent, level);
    if (this.code(i) !== close) {
      for (;;) {
        if (keys) {
          const key = this.flowKey(i);
          if (keys.repeats(key.value)) giveUp();
          const value = this.flowItem(this.flowSpace(this.end, indent, level), indent, level);
          i = this.flowSpace(this.end, indent, level);
          value.range![2] = this.valueTail(i);
          (coll as YAMLMap).items.push(newPair(key, value));
        } else {
          const item = this.flowItem(i, indent, level, true);
          i = this.flowSpace(this.end, indent, level);
          if (Object.getPrototypeOf(item) === MAP && this.code(item.range![0]) !== OPEN_BRACE) {
            // A pair (`[0, Fn::GetAZs: !Ref AWS::Region]`): a map of its own, which ends where its value does.
            const value = (item as YAMLMap).items[0]!.value as Node;
            value.range![2] = this.valueTail(i);
            item.range = [item.range![0], value.range![1], value.range![2]];
          } else {
            // An item of a flow sequence takes everything up to the next comma or bracket.
            item.range![2] = i;
          }
          (coll as YAMLSeq).items.push(item);
        }
        const c = this.code(i);
        if (c === close) break;
        if (c !== COMMA) giveUp();
        i = this.flowSpace(i + 1, indent, level);
        // A trailing comma (`[a, b,]`) ends the collection; two commas in a row are left to `yaml`.
        if (this.code(i) === close) break;
        if (this.code(i) === COMMA) giveUp();
      }
    }
    this.end = i + 1;
    coll.range = [open, i + 1, i + 1];
    this.depth--;
    return coll;
  }

  /** Where a value in a flow map ends, with what follows it: up to the next token at `next`, or to its first line break. */
  private valueTail(next: number): number {
    const eol = this.text.slice(this.end, next).indexOf('\n');
    return eol === -1 ? next : this.end + eol + 1;
  }

  /** From `i`, over spaces, line breaks and comments inside a flow collection, to the next token. */
  private flowSpace(i: number, indent: number, level: number): number {
    for (;;) {
      const c = this.code(i);
      if (c === SPACE) i++;
      else if (c === HASH) {
        const before = this.code(i - 1);
        if (before !== SPACE && before !== NEWLINE) giveUp();
        const next = this.comment(i);
        if (next >= this.n) giveUp();
        i = next - 1;
      } else if (c === NEWLINE) {
        const p = i + 1;
        i = this.skipSpaces(p);
        const next = this.code(i);
        if (next !== NEWLINE && next !== HASH && i - p <= indent) {
          const closesAtIndent = i - p === indent && level === 1 && (next === CLOSE_BRACKET || next === CLOSE_BRACE);
          if (!closesAtIndent) giveUp();
        }
      } else if (i >= this.n) return giveUp();
      else return i;
    }
  }

  /** A flow map's key (a one-line plain or quoted scalar, no tag) and its `: `; leaves `end` after the colon. */
  private flowKey(i: number): Scalar {
    const c = this.code(i);
    let key: Scalar;
    if (this.isQuote(c)) key = this.quoted(i, -1);
    else if (this.plainStart(i, true)) key = this.plain(i, this.plainEnd(i, true, -1), null);
    else return giveUp();
    const colon = this.skipSpaces(this.end);
    if (this.code(colon) !== COLON || !this.blankAt(colon + 1)) giveUp();
    this.end = colon + 1;
    return key;
  }

  /**
   * A value in a flow collection: a scalar or a flow collection, maybe tagged, or with `pairs` (an item of a flow
   * sequence) a pair, as a map of one pair; leaves `end` after it.
   */
  private flowItem(i: number, indent: number, level: number, pairs = false): Node {
    let tag: string | null = null;
    if (this.code(i) === BANG) {
      tag = this.tag(i);
      if (this.code(i + tag.length) !== SPACE) giveUp();
      i = this.skipSpaces(i + tag.length);
    }
    const c = this.code(i);
    let node: Node;
    if (c === OPEN_BRACKET || c === OPEN_BRACE) node = this.flow(i, indent, level + 1);
    else if (tag && (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE)) {
      // A tag and nothing else (`[0, !GetAZs ]`): an empty string where the next indicator is.
      this.end = i;
      node = newScalar('', [i, i, i]);
      node.source = '';
      node.type = Scalar.PLAIN;
    } else {
      // A scalar goes on over lines indented deeper than the block collection around the flow one.
      if (this.isQuote(c)) node = this.quoted(i, indent + 1);
      else if (this.plainStart(i, true)) node = this.plain(i, this.plainEnd(i, true, indent + 1), tag);
      else return giveUp();
      // `[a: b]`, a pair in a sequence (its key on one line and untagged); `{a: b: c}` is left to `yaml`.
      if (this.code(this.skipSpaces(this.end)) === COLON) return pairs && !tag ? this.flowPair(i, indent, level) : giveUp();
    }
    if (tag) node.tag = tag;
    return node;
  }

  private flowPair(i: number, indent: number, level: number): YAMLMap {
    const key = this.flowKey(i);
    const value = this.flowItem(this.flowSpace(this.end, indent, level), indent, level);
    const map = newCollection(MAP, true) as YAMLMap;
    map.items.push(newPair(key, value));
    map.range = [i, value.range![1], value.range![1]];
    return map;
  }

  // ---- scalars

  /** One of the template tags at `i`, followed by a space or a line break. */
  private tag(i: number): string {
    let j = i + 1;
    while (TAG_CHARS.has(this.code(j))) j++;
    const tag = this.text.slice(i, j);
    if (!this.tags.has(tag) || (this.code(j) !== SPACE && this.code(j) !== NEWLINE)) giveUp();
    return tag;
  }

  private isQuote(c: number): boolean {
    return c === QUOTE || c === APOSTROPHE;
  }

  /**
   * A quoted scalar; leaves `end` after the closing quote. It may go on over lines indented at least `minIndent`
   * (or blank), where that is not -1.
   */
  private quoted(i: number, minIndent: number): Scalar {
    const quote = this.code(i);
    let j = i + 1;
    for (;;) {
      const c = this.code(j);
      if (j >= this.n) giveUp();
      if (c === quote) {
        if (quote === APOSTROPHE && this.code(j + 1) === APOSTROPHE) j += 2;
        else break;
      } else if (c === NEWLINE) j = this.continuation(j, minIndent) ?? giveUp();
      else if (quote === QUOTE && c === BACKSLASH) j += this.code(j + 1) === NEWLINE ? 1 : 2;
      else j++;
    }
    const inner = this.text.slice(i + 1, j);
    const value = detached(quote === QUOTE ? (doubleQuoted(inner) ?? giveUp()) : singleQuoted(inner));
    this.end = j + 1;
    const node = newScalar(value, [i, j + 1, j + 1]);
    node.source = value;
    node.type = quote === QUOTE ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE;
    return node;
  }

  /**
   * For the line break at `nl` inside a scalar: where the next line's text starts if the scalar goes on there (the
   * line is blank or indented at least `minIndent`), else null.
   */
  private continuation(nl: number, minIndent: number): number | null {
    if (minIndent < 0) return null;
    const i = this.skipSpaces(nl + 1);
    return this.code(i) === NEWLINE || (i < this.n && i - nl - 1 >= minIndent) ? i : null;
  }

  /** Whether a plain scalar can start at `i` (`-`, `?` and `:` only when not an indicator). */
  private plainStart(i: number, inFlow: boolean): boolean {
    const c = this.code(i);
    if (i >= this.n || c === NEWLINE || c === SPACE || NOT_PLAIN_START.has(c)) return false;
    if (c === DASH || c === COLON || c === 63 /* ? */) {
      const next = this.code(i + 1);
      return !(this.blankAt(i + 1) || (inFlow && isFlowIndicator(next)));
    }
    return true;
  }

  /**
   * Where a plain scalar starting at `i` ends, as `yaml`'s lexer scans it: before `: `, ` #`, and in flow collections
   * before a flow indicator; at the end of its line, or where its continuation lines (indented at least `minIndent`,
   * or blank) end. Trailing spaces are not part of it.
   */
  private plainEnd(i: number, inFlow: boolean, minIndent: number): number {
    let end = i;
    for (let j = i; j < this.n; j++) {
      const c = this.code(j);
      if (c === NEWLINE) {
        const next = this.continuation(j, minIndent);
        if (next === null) break;
        // On to the space before the next line's text (where ` #` ends the scalar), or to a blank line's break.
        j = Math.max(j, next - 2);
        continue;
      }
      if (c === COLON) {
        const next = this.code(j + 1);
        if (this.blankAt(j + 1) || (inFlow && isFlowIndicator(next))) break;
      } else if (c === SPACE) {
        const next = this.code(j + 1);
        if (next === HASH || (inFlow && isFlowIndicator(next))) break;
        continue;
      } else if (inFlow && isFlowIndicator(c)) break;
      end = j + 1;
    }
    return end;
  }

  /** The plain scalar `[i, end)`: typed by the core schema unless tagged (a tag keeps it a string). */
  private plain(i: number, end: number, tag: string | null): Scalar {
    const source = detached(foldLines(this.text.slice(i, end)));
    if (source === '<<') giveUp();
    let node: Scalar;
    if (tag) node = newScalar(source, [i, end, end]);
    else {
      const resolved = resolvePlain(source);
      node = newScalar(resolved.value, [i, end, end]);
      if (resolved.minFractionDigits !== undefined) node.minFractionDigits = resolved.minFractionDigits;
      if (resolved.format) node.format = resolved.format;
    }
    node.source = source;
    node.type = Scalar.PLAIN;
    this.end = end;
    return node;
  }
}
