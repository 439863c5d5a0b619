/**
 * A configuration-file parser that yields exactly the JSON `@cdktf/hcl2json` yields, in linear time and without
 * WebAssembly: bodies of attributes and blocks (the HCL native syntax spec's "Structural Elements"), expressions by
 * the expression parser of syntax.ts, and hcl2json's conversion (literals and constructors become JSON, any other
 * expression its source text in `${…}`, templates with `%{if}`/`%{for}` rebuilt, object keys sorted as Go sorts a map).
 * Anything it does not accept throws NativeParseError; the caller then asks hcl2json, whose diagnostics are the
 * authoritative ones, so this parser never has to explain an error, only to refuse.
 */
import { Parser, plainStringEnd, plainStringValue, skipBlankLines, SyntaxError as ExpressionSyntaxError, type Node } from './syntax.js';

export class NativeParseError extends Error {}

type Json = unknown;
type JsonObject = Record<string, Json>;

export function parseHclNative(text: string): JsonObject {
  const parser = new BodyParser(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  try {
    return sortKeys(parser.body(false)) as JsonObject;
  } catch (e) {
    if (e instanceof ExpressionSyntaxError || e instanceof NativeParseError) throw new NativeParseError(e.message);
    throw e;
  }
}

class BodyParser extends Parser {
  constructor(src: string) {
    super(src);
    this.lineEnds = true;
  }

  /** Attributes and blocks up to the end of input, or up to and including the `}` closing a block. */
  body(inBlock: boolean): JsonObject {
    const out: JsonObject = {};
    const attributes = new Set<string>();
    for (;;) {
      this.skipNewlines();
      if (this.i >= this.src.length) {
        if (inBlock) this.fail('unclosed block');
        return out;
      }
      if (this.src[this.i] === '}') {
        if (!inBlock) this.fail('unexpected "}"');
        this.i++;
        return out;
      }
      this.item(out, attributes);
      this.endOfLine();
    }
  }

  private item(out: JsonObject, attributes: Set<string>): void {
    const name = this.identifier() ?? this.fail('expected an attribute or block');
    this.skipSpace();
    if (this.src[this.i] === '=' && this.src[this.i + 1] !== '=') {
      this.i++;
      if (attributes.has(name) || name in out) this.fail(`attribute "${name}" defined twice`);
      attributes.add(name);
      out[name] = this.plainStringList() ?? convert(this.expression(), this.src);
      return;
    }
    const labels: string[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.src[this.i];
      if (c === '{') break;
      if (c === '"') {
        const label = this.term();
        if (label.t !== 'lit' || typeof label.v !== 'string') this.fail('a block label must be a literal string');
        labels.push(label.v);
      } else labels.push(this.identifier() ?? this.fail('expected a block label or "{"'));
    }
    this.i++;
    if (attributes.has(name)) this.fail(`"${name}" is both an attribute and a block`);
    addBlock(out, name, labels, this.blockBody());
  }

  /** After `{`: a body over several lines, or a one-line block holding at most one attribute. */
  private blockBody(): JsonObject {
    this.skipSpace();
    const c = this.src[this.i];
    if (c === '\n' || c === '\r') return this.body(true);
    if (c === '}') {
      this.i++;
      return {};
    }
    const out: JsonObject = {};
    const name = this.identifier() ?? this.fail('expected an attribute');
    this.skipSpace();
    if (this.src[this.i] !== '=') this.fail('a one-line block holds one attribute');
    this.i++;
    out[name] = convert(this.expression(), this.src);
    this.skipSpace();
    if (this.src[this.i] !== '}') this.fail('expected "}" closing a one-line block');
    this.i++;
    return out;
  }

  /**
   * An attribute value that is a list of quoted strings without escapes or template sequences, alone on its line (a
   * long CIDR list): its JSON, read without making a node per string. Null, having read nothing, for any other value.
   */
  private plainStringList(): string[] | null {
    this.skipSpace();
    const s = this.src;
    if (s.charCodeAt(this.i) !== 91) return null;
    const out: string[] = [];
    let i = skipBlankLines(s, this.i + 1);
    while (s.charCodeAt(i) !== 93) {
      const close = plainStringEnd(s, i);
      if (close < 0) return null;
      out.push(plainStringValue(s, i, close));
      i = skipBlankLines(s, close + 1);
      if (s.charCodeAt(i) === 44) i = skipBlankLines(s, i + 1);
      else if (s.charCodeAt(i) !== 93) return null;
    }
    let end = i + 1;
    while (s.charCodeAt(end) === 32 || s.charCodeAt(end) === 9) end++;
    const next = s.charCodeAt(end);
    if (!(end >= s.length || next === 10 || (next === 13 && s.charCodeAt(end + 1) === 10))) return null;
    this.i = i + 1;
    return out;
  }

  /** An attribute or a block ends its line. */
  private endOfLine(): void {
    this.skipSpace();
    if (this.i >= this.src.length) return;
    if (this.src[this.i] !== '\n') this.fail('expected a newline');
    this.i++;
  }
}

/** hcl2json nests a block under its type and labels, and keeps every block body in a list. */
function addBlock(out: JsonObject, type: string, labels: string[], body: JsonObject): void {
  let into = out;
  let key = type;
  for (const label of labels) {
    const inner = into[key];
    if (inner === undefined) into[key] = {};
    else if (!isJsonObject(inner)) throw new NativeParseError(`block ${type} ${labels.join(' ')} cannot be nested under the same name as another block`);
    into = into[key] as JsonObject;
    key = label;
  }
  const current = into[key];
  if (current === undefined) into[key] = [body];
  else if (Array.isArray(current)) current.push(body);
  else throw new NativeParseError(`block ${type} ${labels.join(' ')} has the name of another block's label`);
}

export const isJsonObject = (v: unknown): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v);

/** hcl2json's value for an expression: literals and constructors as JSON, anything else as `${source}`. */
function convert(node: Node, src: string): Json {
  if (isParenthesized(node, src)) return wrap(node, src);
  switch (node.t) {
    case 'lit':
      return typeof node.v === 'string' ? escapeTemplate(node.v) : node.v;
    case 'un':
      if (node.operand.t === 'lit' && !isParenthesized(node.operand, src)) {
        if (node.op === '!' && typeof node.operand.v === 'boolean') return !node.operand.v;
        if (node.op === '-' && typeof node.operand.v === 'number') return -node.operand.v;
      }
      return wrap(node, src);
    case 'tpl':
      return templateText(node, src);
    case 'tuple':
      return node.items.map((item) => convert(item, src));
    case 'object': {
      const out: JsonObject = {};
      for (const { key, value } of node.items) out[keyText(key, src)] = convert(value, src);
      return out;
    }
    default:
      return wrap(node, src);
  }
}

/** The parser keeps the span of `( … )` on the inner node; hcl2json keeps a parenthesized expression as source. */
function isParenthesized(node: Node, src: string): boolean {
  return src[node.s] === '(';
}

function wrap(node: Node, src: string): string {
  return `\${${src.slice(node.s, node.e)}}`;
}

function keyText(key: Node, src: string): string {
  if (key.t === 'lit') return literalText(key.v);
  const bare = !isParenthesized(key, src) && src.slice(key.s - 2, key.s) !== '${';
  if ((key.t === 'attr' || key.t === 'index' || key.t === 'var') && bare) return src.slice(key.s, key.e);
  return stringPart(key, src);
}

function literalText(v: string | number | boolean | null): string {
  if (v === null) throw new NativeParseError('null in a string template');
  return typeof v === 'string' ? escapeTemplate(v) : String(v);
}

/** A literal part keeps its `$${`/`%%{` escapes, as hcl2json leaves them. */
function escapeTemplate(text: string): string {
  return text.includes('{') ? text.replace(/([$%])\{/g, '$1$1{') : text;
}

function templateText(node: Extract<Node, { t: 'tpl' }>, src: string): string {
  const partsSrc = node.heredoc ?? src;
  let out = '';
  for (const part of node.parts) out += stringPart(part, partsSrc);
  return out;
}

function stringPart(node: Node, src: string): string {
  switch (node.t) {
    case 'lit':
      return literalText(node.v);
    case 'tpl':
      return templateText(node, src);
    case 'tif': {
      const otherwise = node.else ? stringPart(node.else, src) : '';
      return `%{if ${src.slice(node.cond.s, node.cond.e)}}${stringPart(node.then, src)}${otherwise ? `%{else}${otherwise}` : ''}%{endif}`;
    }
    case 'tfor':
      return `%{for ${node.key ? `${node.key}, ` : ''}${node.value} in ${src.slice(node.coll.s, node.coll.e)}}${stringPart(node.body, src)}%{endfor}`;
    case 'cond':
      if (isParenthesized(node, src)) return wrap(node, src);
      return stringPart({ t: 'tif', cond: node.cond, then: node.then, else: node.else, s: node.s, e: node.e }, src);
    default:
      return wrap(node, src);
  }
}

/** Go's encoding/json writes a map's keys in sorted order; JSON.parse then gives that order (integer-like keys first). */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item !== null && typeof item === 'object') value[i] = sortKeys(item);
    }
    return value;
  }
  if (!isJsonObject(value)) return value;
  const keys = Object.keys(value);
  const sorted: JsonObject = {};
  for (const key of keys.sort()) {
    const item = value[key];
    sorted[key] = item !== null && typeof item === 'object' ? sortKeys(item) : item;
  }
  return sorted;
}
