/**
 * HCL native expression syntax (the HCL spec's "Expressions" section) parsed into trees. hcl2json hands every
 * non-literal value over as a template string (`"${…}"`, `"a-${…}"`, `"%{if …}…%{endif}"`), whose `${…}` parts are
 * source text; this parser reads that text. Its own `getExpressionAst` costs ~2 ms a call through WASM and drops
 * object keys and operators, so the evaluator parses here (each distinct string once, cached).
 */

export type Node =
  | { t: 'lit'; v: string | number | boolean | null; s: number; e: number }
  | { t: 'tpl'; parts: Node[]; s: number; e: number; heredoc?: string }
  | { t: 'tif'; cond: Node; then: Node; else: Node | null; s: number; e: number }
  | { t: 'tfor'; key: string | null; value: string; coll: Node; body: Node; s: number; e: number }
  | { t: 'var'; name: string; s: number; e: number }
  | { t: 'attr'; obj: Node; name: string; s: number; e: number }
  | { t: 'index'; obj: Node; key: Node; s: number; e: number }
  | { t: 'splat'; obj: Node; each: Node; s: number; e: number }
  | { t: 'item'; s: number; e: number }
  | { t: 'call'; name: string; args: Node[]; expand: boolean; s: number; e: number }
  | { t: 'tuple'; items: Node[]; s: number; e: number }
  | { t: 'object'; items: { key: Node; value: Node }[]; s: number; e: number }
  | { t: 'for'; key: string | null; value: string; coll: Node; keyExpr: Node | null; body: Node; cond: Node | null; group: boolean; s: number; e: number }
  | { t: 'cond'; cond: Node; then: Node; else: Node; s: number; e: number }
  | { t: 'bin'; op: string; left: Node; right: Node; s: number; e: number }
  | { t: 'un'; op: '!' | '-'; operand: Node; s: number; e: number };

export class SyntaxError extends Error {}

const BINARY: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 };
/** The operators and punctuation of one character that are no prefix of a longer one, by character code. */
const SINGLE: (string | undefined)[] = [];
for (const op of ['+', '-', '*', '/', '%', '?', '(', ')', '[', ']', '{', '}', ',']) SINGLE[op.charCodeAt(0)] = op;

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

const cache = new Map<string, Node | SyntaxError>();

/** Parses a string as hcl2json delivers it: template text with decoded literal parts and `${…}`/`%{…}` in source form. */
export function parseTemplateString(text: string): Node {
  let hit = cache.get(text);
  if (!hit) {
    try {
      hit = new Parser(text).wholeTemplate();
    } catch (e) {
      hit = e instanceof SyntaxError ? e : new SyntaxError(String(e));
    }
    if (cache.size > 50_000) cache.clear();
    cache.set(text, hit);
  }
  if (hit instanceof SyntaxError) throw hit;
  return hit;
}

/** Parses one expression in source form (a `--var` value, a test). */
export function parseExpression(text: string): Node {
  const p = new Parser(text);
  const node = p.expression();
  p.skipSpace();
  if (!p.atEnd()) p.fail('unexpected text after the expression');
  return node;
}

export class Parser {
  i = 0;
  /** Configuration-file mode: a newline outside brackets ends the expression (HCL's rule for attribute values). */
  protected lineEnds = false;
  private nest = 0;
  constructor(readonly src: string) {}

  atEnd(): boolean {
    return this.i >= this.src.length;
  }

  fail(message: string): never {
    throw new SyntaxError(`${message} at offset ${this.i} of ${JSON.stringify(this.src.length > 80 ? `${this.src.slice(0, 80)}…` : this.src)}`);
  }

  /** Where the last token ended: the current offset, less any space and comments skipped just before it. */
  protected end(): number {
    return this.i === this.skippedTo ? this.skippedFrom : this.i;
  }

  private skippedFrom = 0;
  private skippedTo = -1;

  skipSpace(): void {
    const from = this.i;
    this.skipSpaceOnly();
    if (this.i !== from) {
      this.skippedFrom = from;
      this.skippedTo = this.i;
    }
  }

  private skipSpaceOnly(): void {
    const s = this.src;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 10 && this.lineEnds && this.nest === 0) break;
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else if (c === 35 || (c === 47 && s.charCodeAt(this.i + 1) === 47)) while (this.i < s.length && s.charCodeAt(this.i) !== 10) this.i++;
      else if (c === 47 && s.charCodeAt(this.i + 1) === 42) {
        const end = s.indexOf('*/', this.i + 2);
        this.i = end < 0 ? s.length : end + 2;
      } else break;
    }
  }

  /** The operator or punctuation at the next token, longest first (`...` before `.`, `==` before `=`). */
  protected peekOp(): string | null {
    this.skipSpace();
    const s = this.src;
    const c = s.charCodeAt(this.i);
    const next = s.charCodeAt(this.i + 1);
    switch (c) {
      case 46: // .
        return next === 46 && s.charCodeAt(this.i + 2) === 46 ? '...' : '.';
      case 61: // =
        return next === 62 ? '=>' : next === 61 ? '==' : '=';
      case 33: // !
        return next === 61 ? '!=' : '!';
      case 60: // <
        return next === 61 ? '<=' : '<';
      case 62: // >
        return next === 61 ? '>=' : '>';
      case 38: // &
        return next === 38 ? '&&' : null;
      case 124: // |
        return next === 124 ? '||' : null;
      case 58: // :
        return next === 58 ? '::' : ':';
      default:
        return SINGLE[c] ?? null;
    }
  }

  protected eat(op: string): boolean {
    if (this.peekOp() !== op) return false;
    this.i += op.length;
    return true;
  }

  protected expect(op: string): void {
    if (!this.eat(op)) this.fail(`expected "${op}"`);
  }

  /**
   * An ASCII identifier. HCL allows Unicode letters too; those are refused (the native parser then leaves the file to
   * hcl2json) rather than matched with a Unicode-property regular expression, whose compilation deep in a recursion
   * can abort the process.
   */
  protected identifier(): string | null {
    this.skipSpace();
    const s = this.src;
    const start = this.i;
    let i = start;
    const first = s.charCodeAt(i);
    if (!(isLetter(first) || first === 95)) {
      if (first > 127) this.fail('a non-ASCII identifier');
      return null;
    }
    for (i++; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (!(isLetter(c) || c === 95 || c === 45 || (c >= 48 && c <= 57))) {
        if (c > 127) this.fail('a non-ASCII identifier');
        break;
      }
    }
    this.i = i;
    return s.slice(start, i);
  }

  private peekKeyword(word: string): boolean {
    this.skipSpace();
    return this.src.startsWith(word, this.i) && !/[\w-]/.test(this.src[this.i + word.length] ?? '');
  }

  wholeTemplate(): Node {
    const node = this.templateBody(null);
    if (!this.atEnd()) this.fail('unexpected text');
    return node;
  }

  expression(): Node {
    this.skipSpace();
    const start = this.i;
    const cond = this.binary(0);
    if (!this.eat('?')) return cond;
    const then = this.expression();
    this.expect(':');
    const otherwise = this.expression();
    return { t: 'cond', cond, then, else: otherwise, s: start, e: this.end() };
  }

  private binary(minPrec: number): Node {
    this.skipSpace();
    const start = this.i;
    let left = this.unary();
    for (;;) {
      const op = this.peekOp();
      const prec = op ? BINARY[op] : undefined;
      if (!op || prec === undefined || prec <= minPrec) return left;
      this.i += op.length;
      const right = this.binary(prec);
      left = { t: 'bin', op, left, right, s: start, e: this.end() };
    }
  }

  private unary(): Node {
    this.skipSpace();
    const start = this.i;
    const op = this.peekOp();
    if (op === '!' || op === '-') {
      this.i++;
      const operand = this.unary();
      if (op === '-' && operand.t === 'lit' && typeof operand.v === 'number') return { ...operand, v: -operand.v, s: start };
      return { t: 'un', op, operand, s: start, e: this.end() };
    }
    return this.postfix(this.term());
  }

  private postfix(base: Node): Node {
    let node = base;
    for (;;) {
      const traversed = this.traversal(node);
      if (traversed) {
        node = traversed;
        continue;
      }
      const op = this.peekOp();
      if (op === '[' && this.src.slice(this.i).match(/^\[\s*\*\s*\]/)) {
        this.i = this.src.indexOf(']', this.i) + 1;
        node = { t: 'splat', obj: node, each: this.splatRest(), s: node.s, e: this.end() };
        continue;
      }
      if (op === '.' && /^\.\s*\*/.test(this.src.slice(this.i))) {
        this.i = this.src.indexOf('*', this.i) + 1;
        node = { t: 'splat', obj: node, each: this.splatRest(true), s: node.s, e: this.end() };
        continue;
      }
      return node;
    }
  }

  /** `.name`, `.0` or `[key]` after a node; null when none follows. */
  private traversal(node: Node): Node | null {
    const save = this.i;
    const op = this.peekOp();
    if (op === '.') {
      this.i++;
      this.skipSpace();
      const digits = /^\d+/.exec(this.src.slice(this.i, this.i + 20));
      if (digits) {
        this.i += digits[0].length;
        return { t: 'index', obj: node, key: { t: 'lit', v: Number(digits[0]), s: save, e: this.end() }, s: node.s, e: this.end() };
      }
      const name = this.identifier();
      if (name === null) {
        this.i = save;
        return null;
      }
      return { t: 'attr', obj: node, name, s: node.s, e: this.end() };
    }
    if (op === '[' && !/^\[\s*\*\s*\]/.test(this.src.slice(this.i))) {
      this.i++;
      this.nest++;
      const key = this.expression();
      this.expect(']');
      this.nest--;
      return { t: 'index', obj: node, key, s: node.s, e: this.end() };
    }
    return null;
  }

  /** The traversal applied to each element after a splat: attributes only for the legacy `.*`, indexes too for `[*]`. */
  private splatRest(legacy = false): Node {
    let each: Node = { t: 'item', s: this.i, e: this.end() };
    for (;;) {
      const save = this.i;
      const op = this.peekOp();
      if (legacy && op === '[') return each;
      const next = this.traversal(each);
      if (!next) {
        this.i = save;
        return each;
      }
      each = next;
    }
  }

  protected term(): Node {
    this.skipSpace();
    const start = this.i;
    const s = this.src;
    const c = s[this.i];
    if (c === undefined) this.fail('unexpected end of expression');
    if (c === '"') {
      this.i++;
      const node = this.templateBody('"');
      this.i++;
      return simplify({ ...node, s: start, e: this.end() });
    }
    if (c === '<' && s.startsWith('<<', this.i)) return this.heredoc();
    const num = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(s.slice(this.i, this.i + 64));
    if (num) {
      this.i += num[0].length;
      return { t: 'lit', v: Number(num[0]), s: start, e: this.end() };
    }
    if (c === '(') {
      this.i++;
      this.nest++;
      const inner = this.expression();
      this.expect(')');
      this.nest--;
      return { ...inner, s: start, e: this.end() };
    }
    if (c === '[') return this.tupleOrFor();
    if (c === '{') return this.objectOrFor();
    let name = this.identifier();
    if (name === null) this.fail('unexpected character');
    if (name === 'true' || name === 'false') return { t: 'lit', v: name === 'true', s: start, e: this.end() };
    if (name === 'null') return { t: 'lit', v: null, s: start, e: this.end() };
    while (this.src.startsWith('::', this.i)) {
      this.i += 2;
      name += `::${this.identifier() ?? this.fail('expected a name after "::"')}`;
    }
    const end = this.i;
    this.skipSpace();
    if (this.src[this.i] === '(') return this.call(name, start);
    this.i = end;
    return { t: 'var', name, s: start, e: this.end() };
  }

  private call(name: string, start: number): Node {
    this.i++;
    this.nest++;
    const args: Node[] = [];
    let expand = false;
    while (!this.eat(')')) {
      args.push(this.expression());
      if (this.eat('...')) expand = true;
      if (this.eat(')')) break;
      this.expect(',');
    }
    this.nest--;
    return { t: 'call', name, args, expand, s: start, e: this.end() };
  }

  private tupleOrFor(): Node {
    const start = this.i;
    this.i++;
    this.nest++;
    if (this.peekKeyword('for')) {
      const head = this.forHead();
      const body = this.expression();
      const cond = this.forCondition();
      this.expect(']');
      this.nest--;
      return { t: 'for', ...head, keyExpr: null, body, cond, group: false, s: start, e: this.end() };
    }
    const items: Node[] = [];
    while (!this.eat(']')) {
      items.push(this.plainStringItem() ?? this.expression());
      if (this.eat(']')) break;
      this.expect(',');
    }
    this.nest--;
    return { t: 'tuple', items, s: start, e: this.end() };
  }

  /**
   * A tuple item that is a quoted string without escapes or template sequences, followed by `,` or `]`: what a long
   * list of CIDRs is made of, read without the expression parser. Null (nothing read) for any other item.
   */
  private plainStringItem(): Node | null {
    const s = this.src;
    const start = this.i;
    const close = plainStringEnd(s, start);
    if (close < 0) return null;
    const after = s.charCodeAt(skipBlankLines(s, close + 1));
    if (after !== 44 && after !== 93) return null;
    this.i = close + 1;
    return { t: 'lit', v: plainStringValue(s, start, close), s: start, e: close + 1 };
  }

  private objectOrFor(): Node {
    const start = this.i;
    this.i++;
    // Newlines are insignificant in a `{for …}` but separate the items of an object constructor, as in a body.
    const outer = this.nest;
    this.nest = 1;
    if (this.peekKeyword('for')) {
      const head = this.forHead();
      const keyExpr = this.expression();
      this.expect('=>');
      const body = this.expression();
      const group = this.eat('...');
      const cond = this.forCondition();
      this.expect('}');
      this.nest = outer;
      return { t: 'for', ...head, keyExpr, body, cond, group, s: start, e: this.end() };
    }
    this.nest = 0;
    const items: { key: Node; value: Node }[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.eat('}')) break;
      const keyStart = this.i;
      let key = this.expression();
      // A bare name as a key is the name itself, not a variable (`{ cidr = … }`); `(name)` and `"${name}"` are the variable.
      if (key.t === 'var' && key.s === keyStart && this.src[keyStart] !== '(') key = { t: 'lit', v: key.name, s: key.s, e: key.e };
      if (!this.eat('=')) this.expect(':');
      const value = this.expression();
      items.push({ key, value });
      if (this.eat(',')) continue;
      this.skipSpace();
      const separated = this.src[this.i] === '\n' || this.src.slice(value.e, this.i).includes('\n');
      if (this.src[this.i] !== '}' && !separated) this.fail('expected a newline or comma after an object item');
    }
    this.nest = outer;
    return { t: 'object', items, s: start, e: this.end() };
  }

  protected skipNewlines(): void {
    for (;;) {
      this.skipSpace();
      if (this.src[this.i] !== '\n') return;
      this.i++;
    }
  }

  /** `for k, v in coll :` of a `[for …]`/`{for …}` expression. */
  private forHead(): { key: string | null; value: string; coll: Node } {
    this.identifier();
    const head = this.forBinding();
    this.expect(':');
    return head;
  }

  /** `k, v in coll` (or `v in coll`), after the `for` keyword. */
  private forBinding(): { key: string | null; value: string; coll: Node } {
    const first = this.identifier() ?? this.fail('expected a name after "for"');
    let key: string | null = null;
    let value = first;
    if (this.eat(',')) {
      key = first;
      value = this.identifier() ?? this.fail('expected a second name');
    }
    if (!this.peekKeyword('in')) this.fail('expected "in"');
    this.identifier();
    return { key, value, coll: this.expression() };
  }

  private forCondition(): Node | null {
    if (!this.peekKeyword('if')) return null;
    this.identifier();
    return this.expression();
  }

  private heredoc(): Node {
    const start = this.i;
    const m = /^<<(-?)([A-Za-z_][\w-]*)[ \t]*\r?\n/.exec(this.src.slice(this.i, this.i + 300));
    if (!m) this.fail('bad heredoc');
    const bodyStart = this.i + m[0].length;
    const close = new RegExp(`^[ \\t]*${m[2]}[ \\t]*\r?$`, 'm');
    const rest = this.src.slice(bodyStart);
    const found = close.exec(rest);
    if (!found) this.fail('unterminated heredoc');
    let body = rest.slice(0, found.index);
    if (m[1] === '-') body = flushHeredoc(body) ?? this.fail('an indented heredoc with a template sequence over several lines is not supported here');
    this.i = bodyStart + found.index + found[0].length;
    if (this.src[this.i - 1] === '\r') this.i--;
    const node = parseTemplateString(body);
    return { ...node, s: start, e: this.end(), ...(node.t === 'tpl' ? { heredoc: body } : {}) } as Node;
  }

  /**
   * Strip markers (`${~`, `~}`) are refused: hcl2json's output for them follows rules of its own, and the native
   * parser leaves such files to it.
   */
  private noStripMarker(): void {
    this.skipSpace();
    if (this.src[this.i] === '~') this.fail('template strip markers are not supported here');
  }

  /** Template text up to `terminator` (a quote) or the end; literal parts are decoded when inside quotes. */
  private templateBody(terminator: '"' | null, stopAtDirective = false): Node {
    const start = this.i;
    const parts: Node[] = [];
    let text = '';
    const s = this.src;
    const flush = () => {
      if (text) parts.push({ t: 'lit', v: text, s: start, e: this.end() });
      text = '';
    };
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (terminator && c === terminator) break;
      if (terminator && c === '\n') this.fail('newline in a quoted string');
      if (terminator && c === '\\') {
        text += unescape(s, this.i) ?? this.fail('invalid escape sequence');
        this.i += escapeLength(s, this.i);
        continue;
      }
      if ((c === '$' || c === '%') && s[this.i + 1] === c && s[this.i + 2] === '{') {
        text += `${c}{`;
        this.i += 3;
        continue;
      }
      if (c === '$' && s[this.i + 1] === '{') {
        this.i += 2;
        flush();
        this.noStripMarker();
        this.nest++;
        parts.push(this.expression());
        this.closeSequence();
        continue;
      }
      if (c === '%' && s[this.i + 1] === '{') {
        const save = this.i;
        this.i += 2;
        this.noStripMarker();
        const word = this.identifier();
        if (stopAtDirective && (word === 'else' || word === 'endif' || word === 'endfor')) {
          this.i = save;
          flush();
          return { t: 'tpl', parts, s: start, e: this.end() };
        }
        flush();
        parts.push(this.directive(word, save, terminator));
        continue;
      }
      text += c;
      this.i++;
    }
    if (terminator && s[this.i] !== terminator) this.fail('unterminated string');
    flush();
    return { t: 'tpl', parts, s: start, e: this.end() };
  }

  /** The `}` (or `~}`) that ends a `${…}` or `%{…}` sequence opened with `nest++`. */
  private closeSequence(): void {
    this.noStripMarker();
    this.expect('}');
    this.nest--;
  }

  private directive(word: string | null, start: number, terminator: '"' | null): Node {
    this.nest++;
    const endOf = (name: string) => {
      this.i += 2;
      this.nest++;
      this.noStripMarker();
      if (this.identifier() !== name) this.fail(`expected %{${name}}`);
      this.closeSequence();
    };
    if (word === 'if') {
      const cond = this.expression();
      this.closeSequence();
      const then = this.templateBody(terminator, true);
      let otherwise: Node | null = null;
      const save = this.i;
      this.i += 2;
      this.nest++;
      this.noStripMarker();
      if (this.identifier() === 'else') {
        this.closeSequence();
        otherwise = this.templateBody(terminator, true);
      } else {
        this.nest--;
        this.i = save;
      }
      endOf('endif');
      return { t: 'tif', cond, then, else: otherwise, s: start, e: this.end() };
    }
    if (word === 'for') {
      const head = this.forBinding();
      this.closeSequence();
      const body = this.templateBody(terminator, true);
      endOf('endfor');
      return { t: 'tfor', ...head, body, s: start, e: this.end() };
    }
    return this.fail('unknown template directive');
  }
}

/**
 * The offset of the closing quote of the quoted string at `start` when it holds no escape, template sequence or control
 * character (its value is then its text, and it is a JSON string too); -1 otherwise.
 */
export function plainStringEnd(s: string, start: number): number {
  if (s.charCodeAt(start) !== 34) return -1;
  let j = start + 1;
  for (let c = s.charCodeAt(j); c !== 34; c = s.charCodeAt(++j)) {
    if (c === 92 || c === 36 || c === 37 || c < 32 || Number.isNaN(c)) return -1;
  }
  return j;
}

/**
 * The value of the plain string from `start` to its closing quote `close` (plainStringEnd), as a string of its own: V8
 * makes a slice of 13 characters or more a view that keeps the whole file text alive, and JSON.parse copies.
 */
export function plainStringValue(s: string, start: number, close: number): string {
  return close - start - 1 < 13 ? s.slice(start + 1, close) : (JSON.parse(s.slice(start, close + 1)) as string);
}

/** The offset after the spaces, tabs and line breaks at `i`. */
export function skipBlankLines(s: string, i: number): number {
  for (let c = s.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = s.charCodeAt(++i));
  return i;
}

/**
 * The body of a `<<-` heredoc without its common indentation: lines holding only whitespace stay as they are and do not
 * count. Null when a `${…}` or `%{…}` sequence spans lines (HCL then measures indentation differently).
 */
function flushHeredoc(body: string): string | null {
  if (/[$%]\{/.test(body) && sequenceSpansLines(body)) return null;
  const lines = body.split('\n');
  const blank = (line: string) => !/[^ \t\r]/.test(line);
  let cut = Number.POSITIVE_INFINITY;
  for (const line of lines) if (!blank(line)) cut = Math.min(cut, /^[ \t]*/.exec(line)![0].length);
  if (!Number.isFinite(cut) || cut === 0) return body;
  return lines.map((line) => (blank(line) ? line : line.slice(cut))).join('\n');
}

function sequenceSpansLines(body: string): boolean {
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '$' && c !== '%') continue;
    if (body[i + 1] === c && body[i + 2] === '{') {
      i += 2;
      continue;
    }
    if (body[i + 1] !== '{') continue;
    let depth = 0;
    let quoted = false;
    let j = i + 1;
    for (; j < body.length; j++) {
      const d = body[j];
      if (d === '\n') return true;
      if (quoted) {
        if (d === '\\') j++;
        else if (d === '"') quoted = false;
      } else if (d === '"') quoted = true;
      else if (d === '{') depth++;
      else if (d === '}' && --depth === 0) break;
    }
    i = j;
  }
  return false;
}

/** A template that is one interpolation and nothing else yields that value unchanged (`"${var.list}"` stays a list). */
function simplify(node: Node): Node {
  if (node.t === 'tpl' && node.parts.length === 1 && node.parts[0]!.t !== 'lit' && node.parts[0]!.t !== 'tif' && node.parts[0]!.t !== 'tfor') return node.parts[0]!;
  if (node.t === 'tpl' && node.parts.length === 0) return { t: 'lit', v: '', s: node.s, e: node.e };
  if (node.t === 'tpl' && node.parts.length === 1 && node.parts[0]!.t === 'lit') return { ...node.parts[0]!, s: node.s, e: node.e };
  return node;
}

function escapeLength(s: string, i: number): number {
  const c = s[i + 1];
  if (c === 'u') return 6;
  if (c === 'U') return 10;
  return 2;
}

function unescape(s: string, i: number): string | null {
  const c = s[i + 1];
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case '"':
      return '"';
    case '\\':
      return '\\';
    case 'u':
    case 'U': {
      const hex = s.slice(i + 2, i + escapeLength(s, i));
      const code = /^[0-9a-fA-F]+$/.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : null;
    }
    default:
      return null;
  }
}

/** The top level of an hcl2json string: a template; a lone `${…}` is its expression. */
export function parseValueString(text: string): Node {
  return simplify(parseTemplateString(text));
}

/** The parsed value string, or null when it is not valid HCL (callers that only look for a shape). */
export function tryParseValueString(text: string): Node | null {
  try {
    return parseValueString(text);
  } catch {
    return null;
  }
}
