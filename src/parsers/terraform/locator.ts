/**
 * Source locator for Terraform HCL. `@cdktf/hcl2json` yields values without positions; this indexes every
 * block, attribute, tuple element and object key of the original text under the same path the JSON uses
 * (`resource.aws_security_group.web[0].ingress[1].cidr_blocks[0]`), so a JSON value maps back to a span.
 * It is a tolerant single-pass scanner: linear time, never throws, returns whatever it indexed on bad input.
 */
import { comparePos, type Pos } from '../../model/location.js';
import { withRoom } from '../../util/number-list.js';

/** `end` is the position just after the last character (exclusive). Spans share `Pos` objects: treat them as read-only. */
export interface Located {
  start: Pos;
  end: Pos;
}

export interface BlockInfo {
  path: string;
  type: string;
  labels: string[];
  /** Block type keyword through the last label (not the brace). */
  header: Located;
  /** The whole block: type keyword through the closing brace inclusive. */
  body: Located;
  typeAt: Located;
  /** Each label's token, quotes included. */
  labelAt: Located[];
}

export interface AttrInfo {
  path: string;
  /** Attribute name or object key. */
  name: string;
  /** The name or key token. */
  nameAt: Located;
  /** The expression's span. */
  value: Located;
  /** Name through the end of the expression. */
  whole: Located;
}

export interface CommentInfo {
  /** Inner text without markers, trimmed. */
  text: string;
  marker: '#' | '//' | '/*';
  at: Located;
  /** Nothing but whitespace before it on its line. */
  ownLine: boolean;
  /** False for a block comment spanning lines. */
  singleLine: boolean;
}

export interface HclIndex {
  /** Every block in source order, nested ones included. */
  blocks: BlockInfo[];
  /** An attribute or object key by path. */
  attr(path: string): AttrInfo | undefined;
  comments: CommentInfo[];
  /** Value span for an attribute/element/key path, whole-block span for a block path. */
  find(path: string): Located | undefined;
  /** The span of the element `index` of the tuple at path `list`: `find` without the element's path. */
  element(list: string, index: number): Located | undefined;
  /** What a directive on the line above may cover: every block, attribute (name through value), key and tuple element. */
  constructs(): Located[];
  blockAt(path: string): BlockInfo | undefined;
  /** Offset of each line start (in the text after a leading BOM is dropped). */
  lineStarts: number[];
}

// What ends an expression at bracket depth 0 (besides a closing bracket or the end of input).
const ATTR = 0; // newline
const ELEM = 1; // comma (newlines are insignificant inside brackets)
const OBJVAL = 2; // comma or newline
const OBJKEY = 3; // `=`, `:`, comma or newline
const SKIP = 4; // only a closing bracket
type Ctx = typeof ATTR | typeof ELEM | typeof OBJVAL | typeof OBJKEY | typeof SKIP;

const MAX_DEPTH = 200;
/** Tuples up to this many elements keep their elements' spans once made (larger ones are located once each). */
const SHARED_ELEMENT_SPANS = 64;

const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
const isIdent = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57) || c === 45;
const isBlank = (c: number) => c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
const isCloser = (c: number) => c === 41 || c === 93 || c === 125;

/** Decodes HCL string escapes (`\n`, `\"`, `\u00e9`, ...); template sequences are left as written. */
export function unescapeHcl(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([\s\S]))/g, (m, u?: string, U?: string, ch?: string) => {
    if (u) return String.fromCharCode(parseInt(u, 16));
    if (U) {
      const cp = parseInt(U, 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ch === 'n' ? '\n' : ch === 't' ? '\t' : ch === 'r' ? '\r' : (ch ?? m);
  });
}

/** `lazy`: the inside of each top-level block is indexed when first asked for (see `indexing` below). */
export function indexHcl(input: string, lazy = true): HclIndex {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const n = text.length;
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);

  const blocks: BlockInfo[] = [];
  const blockMap = new Map<string, BlockInfo>();
  /**
   * Attributes and object keys: the slot of each by path, and by slot its name and the offsets of its name and value
   * (four a slot). Spans are made when asked for: most are never asked for, and a large file has hundreds of thousands.
   */
  const attrSlots = new Map<string, number>();
  const attrNames: string[] = [];
  let attrOffsets: Int32Array = new Int32Array(64);
  const comments: CommentInfo[] = [];
  const counters = new Map<string, number>();
  /**
   * Start and end offsets of each tuple element (-1 for an empty one), by the tuple's path; the spans of a short tuple's
   * elements once made, since a module's instances locate its elements again and again.
   */
  const tuples = new Map<string, Tuple>();
  /** Elements/keys of a tuple or object literal, kept only once the literal proves to be the whole value. */
  const pending: { path: string; name: string; offsets: [number, number, number, number] }[] = [];
  const pendingTuples: { path: string; offsets: Offsets }[] = [];
  /**
   * The offsets of the tuple being read at each depth of tuples in tuples, in a buffer reused from one tuple to the next:
   * a million elements pushed one by one onto an array cost five times as much (each time it grows, it is copied).
   */
  const scratch: Int32Array[] = [];
  let tupleDepth = 0;
  let pos = 0;
  let commentsUpTo = 0;
  let lineHint = 0;
  /**
   * The first pass reads every comment but indexes only the top level: each top-level block's inside is indexed when a
   * path into it is first asked for (most blocks of a module never are: variables nobody reads, resources of other
   * kinds). While this is false, the scanner only moves over what it reads.
   */
  let indexing = true;
  /** Top-level blocks whose inside is not indexed yet, by path, with the offset just after their opening brace. */
  const deferred = new Map<string, number>();
  /** Whether `blocks` is in source order (blocks indexed late are added at its end). */
  let inOrder = true;

  const code = (i: number) => text.charCodeAt(i); // NaN past the end: every test below is false
  const at = (off: number): Pos => {
    // Lookups mostly move forward a line or two, so try the previous answer before bisecting.
    let lo = lineHint;
    if (off < (lineStarts[lo] ?? 0)) lo = 0;
    let hi = lineStarts.length - 1;
    if (off < (lineStarts[lo + 1] ?? Infinity)) hi = lo;
    else if (off < (lineStarts[lo + 2] ?? Infinity)) lo = hi = lo + 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= off) lo = mid;
      else hi = mid - 1;
    }
    lineHint = lo;
    return { line: lo + 1, column: off - (lineStarts[lo] ?? 0) + 1 };
  };
  const loc = (s: number, e: number): Located => ({ start: at(s), end: at(e) });
  const from = (a: Located, b: Located): Located => ({ start: a.start, end: b.end });
  const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);
  const isCommentAt = (i: number) => {
    const c = code(i);
    return c === 35 || (c === 47 && (code(i + 1) === 47 || code(i + 1) === 42));
  };

  /** Records the comment at `i`; returns its end (a line comment ends before its line break). */
  function comment(i: number): number {
    const block = code(i) === 47 && code(i + 1) === 42;
    let end: number;
    let inner: string;
    if (block) {
      const close = text.indexOf('*/', i + 2);
      end = close === -1 ? n : close + 2;
      inner = text.slice(i + 2, close === -1 ? n : close);
    } else {
      end = text.indexOf('\n', i);
      if (end === -1) end = n;
      if (code(end - 1) === 13) end--;
      inner = text.slice(i + (code(i) === 35 ? 1 : 2), end);
    }
    if (i >= commentsUpTo) {
      commentsUpTo = end;
      let j = i - 1;
      while (code(j) === 32 || code(j) === 9) j--;
      comments.push({
        text: inner.trim(),
        marker: block ? '/*' : code(i) === 35 ? '#' : '//',
        at: loc(i, end),
        ownLine: j < 0 || code(j) === 10 || code(j) === 13,
        singleLine: !block || !inner.includes('\n'),
      });
    }
    return end;
  }

  function skipTrivia(newlines: boolean): void {
    while (pos < n) {
      const c = code(pos);
      if (isBlank(c) || (newlines && c === 10)) pos++;
      else if (isCommentAt(pos)) pos = comment(pos);
      else return;
    }
  }

  /** From an opening quote, returns the end of the string template (nested interpolations included). */
  function skipString(i: number): number {
    for (let j = i + 1; j < n; j++) {
      const c = code(j);
      if (c === 34) return j + 1; // plain literal: the common case
      if (c === 92 || c === 10 || ((c === 36 || c === 37) && code(j + 1) === 123)) break;
    }
    const stack = [-1]; // -1: in string text; k >= 0: in an interpolation, k brackets deep
    for (i++; i < n; ) {
      const c = code(i);
      const top = stack[stack.length - 1];
      if (top === undefined) return i;
      if (top < 0) {
        const sigil = c === 36 || c === 37; // `$` or `%`
        if (c === 92) i += 2;
        else if (c === 10) return i; // unterminated: string text cannot span lines
        else if (c === 34) {
          stack.pop();
          i++;
        } else if (sigil && code(i + 1) === c && code(i + 2) === 123) i += 3; // `$${` / `%%{` escapes
        else if (sigil && code(i + 1) === 123) {
          stack.push(0);
          i += 2;
        } else i++;
      } else if (isCommentAt(i)) i = comment(i);
      else {
        if (c === 34) stack.push(-1);
        else if (c === 123 || c === 40 || c === 91) stack[stack.length - 1] = top + 1;
        else if (isCloser(c) && top > 0) stack[stack.length - 1] = top - 1;
        else if (c === 125) stack.pop();
        i++;
      }
    }
    return Math.min(i, n);
  }

  /** From `<<`, returns the end of the heredoc's closing marker, or -1 when this is no heredoc. */
  function heredoc(i: number): number {
    let j = i + 2;
    if (code(j) === 45) j++;
    const idStart = j;
    if (!isIdentStart(code(j))) return -1;
    while (isIdent(code(j))) j++;
    const id = text.slice(idStart, j);
    while (isBlank(code(j))) j++;
    if (j >= n) return n;
    if (code(j) !== 10) return -1;
    for (let ls = j + 1; ls < n; ) {
      let le = text.indexOf('\n', ls);
      if (le === -1) le = n;
      let a = ls;
      while (code(a) === 32 || code(a) === 9) a++;
      if (text.startsWith(id, a)) {
        let b = a + id.length;
        while (isBlank(code(b))) b++;
        if (b >= le) return a + id.length;
      }
      ls = le + 1;
    }
    return n;
  }

  /** Scans an expression up to its terminator for `ctx`; returns the end of its last significant token. */
  function scan(ctx: Ctx, lastEnd: number): number {
    let depth = 0;
    while (pos < n) {
      const c = code(pos);
      if (isBlank(c)) {
        pos++;
        continue;
      }
      if (c === 10) {
        if (depth === 0 && (ctx === ATTR || ctx === OBJVAL || ctx === OBJKEY)) break;
        pos++;
        continue;
      }
      if (isCommentAt(pos)) {
        pos = comment(pos);
        continue;
      }
      if (c === 34) {
        pos = lastEnd = skipString(pos);
        continue;
      }
      if (c === 60 && code(pos + 1) === 60) {
        const e = heredoc(pos);
        if (e >= 0) {
          pos = lastEnd = e;
          continue;
        }
      }
      if (c === 40 || c === 91 || c === 123) depth++;
      else if (isCloser(c)) {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0) {
        if (c === 44 && ctx !== ATTR && ctx !== SKIP) break;
        if (ctx === OBJKEY && (c === 58 || (c === 61 && isAssign(pos)))) break;
      }
      lastEnd = ++pos;
    }
    return lastEnd;
  }

  function isAssign(i: number): boolean {
    const next = code(i + 1);
    const prev = code(i - 1);
    return next !== 61 && next !== 62 && prev !== 61 && prev !== 33 && prev !== 60 && prev !== 62;
  }

  /** `[for x in …]` / `{for k, v in …}` are expressions, not literals. */
  function isFor(i: number): boolean {
    while (isBlank(code(i)) || code(i) === 10) i++;
    if (!text.startsWith('for', i) || !(isBlank(code(i + 3)) || code(i + 3) === 10)) return false;
    i += 3;
    while (isBlank(code(i)) || code(i) === 10) i++;
    return isIdentStart(code(i));
  }

  function atValueEnd(ctx: Ctx): boolean {
    const c = code(pos);
    return pos >= n || isCloser(c) || (c === 10 && ctx !== ELEM) || (c === 44 && ctx !== ATTR);
  }

  /** Parses the expression at `pos` and returns its end; indexes tuple elements / object keys when it is a whole literal. */
  function value(path: string, ctx: Ctx, level: number): number {
    const start = pos;
    const c = code(pos);
    if (indexing && (c === 91 || c === 123) && level < MAX_DEPTH && !isFor(pos + 1)) {
      const mark = pending.length;
      const tupleMark = pendingTuples.length;
      const ok = c === 91 ? tuple(path, level) : object(path, level);
      const end = pos;
      if (ok) {
        skipTrivia(ctx === ELEM);
        if (atValueEnd(ctx)) return end;
      }
      pending.length = mark;
      pendingTuples.length = tupleMark;
      return scan(ctx, end);
    }
    return scan(ctx, start);
  }

  function addAttr(path: string, name: string, nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
    const slot = attrNames.length;
    attrOffsets = withRoom(attrOffsets, 4 * slot + 4);
    attrOffsets[4 * slot] = nameStart;
    attrOffsets[4 * slot + 1] = nameEnd;
    attrOffsets[4 * slot + 2] = valueStart;
    attrOffsets[4 * slot + 3] = valueEnd;
    attrNames.push(name);
    attrSlots.set(path, slot);
  }

  function tuple(path: string, level: number): boolean {
    pos++;
    const record = { path, offsets: NO_OFFSETS };
    pendingTuples.push(record);
    const depth = tupleDepth++;
    let buffer = (scratch[depth] ??= new Int32Array(16));
    let count = 0;
    for (let i = 0; ; i++) {
      skipTrivia(true);
      const c = code(pos);
      if (c === 93 || pos >= n || isCloser(c)) {
        tupleDepth--;
        if (c !== 93) return false;
        pos++;
        // Array.from makes an array of exactly that size, where pushing leaves room for growth.
        record.offsets = count <= 2 * SHARED_ELEMENT_SPANS ? Array.from(buffer.subarray(0, count)) : buffer.slice(0, count);
        return true;
      }
      const s = pos;
      // Only a nested literal needs the element's path (for what it holds).
      const e = value(c === 91 || c === 123 ? `${path}[${i}]` : '', ELEM, level + 1);
      scratch[depth] = buffer = withRoom(buffer, count + 2);
      buffer[count++] = e > s ? s : -1;
      buffer[count++] = e > s ? e : -1;
      skipTrivia(true);
      if (code(pos) === 44) pos++;
    }
  }

  function object(path: string, level: number): boolean {
    pos++;
    for (;;) {
      skipTrivia(true);
      const c = code(pos);
      if (c === 125) return (pos++, true);
      if (pos >= n || isCloser(c)) return false;
      if (c === 44) {
        pos++;
        continue;
      }
      const ks = pos;
      const ke = scan(OBJKEY, ks);
      if (code(pos) !== 61 && code(pos) !== 58) continue;
      pos++;
      skipTrivia(false);
      const key = keyName(ks, ke);
      const p = `${path}.${key}`;
      const vs = pos;
      const ve = value(p, OBJVAL, level + 1);
      pending.push({ path: p, name: key, offsets: [ks, ke, vs, ve] });
    }
  }

  /** Object keys as hcl2json spells them: quoted keys unquoted, names and traversals as written, others `${…}`. */
  function keyName(s: number, e: number): string {
    const raw = text.slice(s, e);
    if (code(s) === 34 && skipString(s) === e && e - s >= 2) return unescapeHcl(raw.slice(1, -1));
    for (let i = s; i < e; i++) if (!isIdent(code(i)) && code(i) !== 46) return `\${${raw}}`;
    return raw;
  }

  function body(prefix: string, level: number): void {
    for (;;) {
      skipTrivia(true);
      if (pos >= n || code(pos) === 125) return;
      const c = code(pos);
      if (isIdentStart(c)) item(prefix, level);
      else pos = c === 34 ? skipString(pos) : pos + 1;
    }
  }

  function item(prefix: string, level: number): void {
    const ns = pos;
    while (isIdent(code(pos))) pos++;
    const ne = pos;
    const name = text.slice(ns, ne);
    skipTrivia(false);
    if (code(pos) === 61 && code(pos + 1) !== 61) {
      pos++;
      skipTrivia(false);
      if (!indexing) {
        value('', ATTR, level);
        return;
      }
      const path = join(prefix, name);
      const vs = pos;
      const ve = value(path, ATTR, level);
      addAttr(path, name, ns, ne, vs, ve);
      for (const a of pending) addAttr(a.path, a.name, ...a.offsets);
      pending.length = 0;
      for (const t of pendingTuples) tuples.set(t.path, { offsets: overElementsOf(tuples.get(t.path)?.offsets, t.offsets) });
      pendingTuples.length = 0;
      return;
    }
    if (!indexing) {
      skipBlock(level);
      return;
    }
    const typeAt = loc(ns, ne);
    const labels: string[] = [];
    const labelAt: Located[] = [];
    let header = typeAt;
    for (;;) {
      const s = pos;
      const c = code(pos);
      if (c === 34) {
        pos = skipString(pos);
        labels.push(unescapeHcl(text.slice(s + 1, pos > s + 1 && code(pos - 1) === 34 ? pos - 1 : pos)));
      } else if (isIdentStart(c)) {
        while (isIdent(code(pos))) pos++;
        labels.push(text.slice(s, pos));
      } else break;
      const l = loc(s, pos);
      labelAt.push(l);
      header = from(typeAt, l);
      skipTrivia(false);
    }
    if (code(pos) !== 123) return;
    pos++;
    let key = join(prefix, name);
    for (const l of labels) key += `.${l}`;
    const idx = counters.get(key) ?? 0;
    counters.set(key, idx + 1);
    const path = `${key}[${idx}]`;
    const info: BlockInfo = { path, type: name, labels, header, body: header, typeAt, labelAt };
    blocks.push(info);
    blockMap.set(path, info);
    if (level === 0 && lazy) {
      deferred.set(path, pos);
      indexing = false;
      body(path, level + 1);
      indexing = true;
    } else if (level < MAX_DEPTH) body(path, level + 1);
    else scan(SKIP, pos);
    if (code(pos) === 125) pos++;
    info.body = { start: typeAt.start, end: at(pos) };
  }

  /** A nested block read without indexing: its labels, then its body, as item() reads them. */
  function skipBlock(level: number): void {
    for (;;) {
      const c = code(pos);
      if (c === 34) pos = skipString(pos);
      else if (isIdentStart(c)) while (isIdent(code(pos))) pos++;
      else break;
      skipTrivia(false);
    }
    if (code(pos) !== 123) return;
    pos++;
    if (level < MAX_DEPTH) body('', level + 1);
    else scan(SKIP, pos);
    if (code(pos) === 125) pos++;
  }

  /** Indexes the inside of a top-level block read by the first pass (comments are not read again). */
  function indexInside(path: string): void {
    const from = deferred.get(path);
    if (from === undefined) return;
    deferred.delete(path);
    inOrder = false;
    const resume = pos;
    const recordComments = commentsUpTo;
    commentsUpTo = Number.MAX_SAFE_INTEGER;
    pos = from;
    try {
      body(path, 1);
    } catch {
      // Defensive only, as for the first pass.
    } finally {
      pending.length = 0;
      pendingTuples.length = 0;
      tupleDepth = 0;
      pos = resume;
      commentsUpTo = recordComments;
    }
  }

  /** Indexes the top-level block a path leads into (`resource.aws_security_group.web[0]` for `….web[0].ingress[1]`). */
  function reach(path: string): void {
    if (deferred.size === 0) return;
    for (let j = path.indexOf(']'); j !== -1 && j + 1 < path.length; j = path.indexOf(']', j + 1)) {
      const top = path.slice(0, j + 1);
      if (deferred.has(top)) return indexInside(top);
    }
  }

  function indexAll(): void {
    for (const path of [...deferred.keys()]) indexInside(path);
  }

  try {
    while (pos < n) {
      body('', 0);
      pos++; // a stray closing brace at top level
    }
  } catch {
    // Defensive only (e.g. a stack overflow on pathological nesting): keep what was indexed so far.
  }
  scratch.length = 0;
  /** The value span of each attribute once made, shared by all who ask (a module's instances ask again and again). */
  const valueSpans: (Located | undefined)[] = [];
  const valueAt = (slot: number): Located => (valueSpans[slot] ??= loc(attrOffsets[4 * slot + 2]!, attrOffsets[4 * slot + 3]!));

  function attr(path: string): AttrInfo | undefined {
    reach(path);
    const slot = attrSlots.get(path);
    if (slot === undefined) return undefined;
    const nameAt = loc(attrOffsets[4 * slot]!, attrOffsets[4 * slot + 1]!);
    const value = valueAt(slot);
    return { path, name: attrNames[slot]!, nameAt, value, whole: from(nameAt, value) };
  }

  function findAttr(path: string): Located | undefined {
    reach(path);
    const slot = attrSlots.get(path);
    return slot === undefined ? undefined : valueAt(slot);
  }

  // The elements of one list are asked for in a row, with the same path string: that one is not looked up again.
  let lastList: string | undefined;
  let lastTuple: Tuple | undefined;
  function element(list: string, index: number): Located | undefined {
    if (list !== lastList) {
      reach(list);
      lastList = list;
      lastTuple = tuples.get(list);
    }
    const s = lastTuple?.offsets[2 * index] ?? -1;
    if (s < 0) return undefined;
    const { offsets } = lastTuple!;
    if (offsets.length > 2 * SHARED_ELEMENT_SPANS) return loc(s, offsets[2 * index + 1]!);
    lastTuple!.spans ??= [];
    return (lastTuple!.spans[index] ??= loc(s, offsets[2 * index + 1]!));
  }

  /** The span of the element a path names (`….cidr_blocks[3]`), when it names one. */
  function elementAt(path: string): Located | undefined {
    if (path.charCodeAt(path.length - 1) !== 93) return undefined;
    let j = path.length - 2;
    while (j >= 0 && path.charCodeAt(j) >= 48 && path.charCodeAt(j) <= 57) j--;
    if (j === path.length - 2 || path.charCodeAt(j) !== 91) return undefined;
    return element(path.slice(0, j), Number(path.slice(j + 1, -1)));
  }

  /** Every block, in source order (blocks indexed late were added after the rest). */
  function allBlocks(): BlockInfo[] {
    indexAll();
    if (!inOrder) {
      blocks.sort((a, b) => comparePos(a.body.start, b.body.start));
      inOrder = true;
    }
    return blocks;
  }

  function constructs(): Located[] {
    // In the order of one pass over the text, whatever was indexed first (a directive's scope is the first of equals).
    if (lazy) return indexHcl(input, false).constructs();
    const out = blocks.map((b) => b.body);
    for (const slot of attrSlots.values()) out.push(loc(attrOffsets[4 * slot]!, attrOffsets[4 * slot + 3]!));
    for (const { offsets } of tuples.values()) for (let i = 0; i < offsets.length; i += 2) if (offsets[i]! >= 0) out.push(loc(offsets[i]!, offsets[i + 1]!));
    return out;
  }

  return {
    get blocks() {
      return allBlocks();
    },
    attr,
    comments,
    lineStarts,
    // Blocks before elements: reading an element's index from a path joins the path's parts into a copy.
    find: (path) => findAttr(path) ?? blockMap.get(path)?.body ?? elementAt(path),
    element,
    constructs,
    blockAt: (path) => {
      reach(path);
      return blockMap.get(path);
    },
  };
}

/** Start and end offsets of each element of a tuple, in a plain array for a short one. */
type Offsets = number[] | Int32Array;
const NO_OFFSETS: Offsets = [];

interface Tuple {
  offsets: Offsets;
  /** The spans of the elements of a short tuple, once made. */
  spans?: Located[];
}

/** A tuple indexed again under the same path (an attribute written twice) replaces the elements it has. */
function overElementsOf(earlier: Offsets | undefined, offsets: Offsets): Offsets {
  if (!earlier) return offsets;
  const out = Array.from(offsets).concat(Array.from(earlier).slice(offsets.length));
  for (let i = 0; i < offsets.length; i += 2) if (out[i]! < 0 && (earlier[i] ?? -1) >= 0) [out[i], out[i + 1]] = [earlier[i]!, earlier[i + 1]!];
  return out;
}
