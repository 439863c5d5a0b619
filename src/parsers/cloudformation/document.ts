import { Composer, CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, visit, type Alias, type Document, type Node, type Tags, type YAMLMap } from 'yaml';
import type { Pos, Span } from '../../model/location.js';
import { distinct, locateOverflow, nestedPast, tooDeeplyNested } from '../guard.js';
import { addDuplicateKeyErrors, DUPLICATE_KEY_MESSAGE } from '../unique-keys.js';
import type { Diagnostic, Range, SourceComment } from '../types.js';
import { jsonSyntaxError } from '../../util/json-error.js';
import { parseJson } from './json-parser.js';
import { readYaml, type FastYaml } from './yaml-reader.js';

/** The short-form intrinsic function tags CloudFormation YAML accepts. */
export const INTRINSIC_TAGS = new Set([
  '!Ref', '!Sub', '!GetAtt', '!Join', '!If', '!Select', '!GetAZs', '!Split', '!FindInMap', '!ImportValue', '!Base64',
  '!Cidr', '!Equals', '!Not', '!And', '!Or', '!Condition', '!Transform', '!ToJsonString', '!Length',
]);

/** The short forms of the functions a template's `Rules` section may use in its assertions (and nowhere else). */
export const RULE_FUNCTION_TAGS = new Set(['!Contains', '!EachMemberEquals', '!EachMemberIn', '!RefAll', '!ValueOf', '!ValueOfAll']);

/** The short-form tags a template may use. */
const TEMPLATE_TAGS: ReadonlySet<string> = new Set([...INTRINSIC_TAGS, ...RULE_FUNCTION_TAGS]);

/** Each intrinsic tag as scalar, sequence and mapping: nodes keep their tag and no warning is raised for them. */
const CUSTOM_TAGS: Tags = [...TEMPLATE_TAGS].flatMap((tag) => [
  { tag, resolve: (v: string) => v },
  { tag, collection: 'seq' as const, resolve: <T>(v: T) => v },
  { tag, collection: 'map' as const, resolve: <T>(v: T) => v },
]) as Tags;

/** Reads the text with the fast reader when it can (the template's YAML subset), else null. */
export const readTemplateYaml = (text: string): FastYaml | null => readYaml(text, TEMPLATE_TAGS);

export interface Parsed {
  doc: Document.Parsed;
  lines: LineCounter;
  /** Offsets and texts of every comment, in order. */
  comments: { offset: number; source: string }[];
  documents: number;
}

/** One lexing pass: the lexemes go to the parser and on to the composer (YAML 1.2, keys unique); comments are kept on the way. */
export function parseYaml(text: string): Parsed {
  const lines = new LineCounter();
  const parser = new Parser(lines.addNewLine);
  const comments: { offset: number; source: string }[] = [];
  function* tokens() {
    lines.addNewLine(0);
    // The lexeme after the scalar marker is the scalar's text, whatever its first character.
    let scalarNext = false;
    for (const lexeme of new Lexer().lex(text)) {
      if (!scalarNext && lexeme.startsWith('#')) comments.push({ offset: parser.offset, source: lexeme });
      scalarNext = lexeme === CST.SCALAR;
      yield* parser.next(lexeme);
    }
    yield* parser.end();
  }
  // forceDoc: an empty file still yields one (empty) document.
  const docs = [...new Composer({ uniqueKeys: false, customTags: CUSTOM_TAGS, strict: true, merge: true }).compose(tokens(), true, text.length)];
  for (const doc of docs) addDuplicateKeyErrors(doc);
  if (docs[0]!.errors.length === 0 && text.includes('<<')) applyMergeKeys(docs[0]!);
  return { doc: docs[0]!, lines, comments, documents: docs.length };
}

/**
 * The node each alias of `doc` stands for: the last node before it (in `yaml`'s visiting order) that carries its anchor,
 * as `Alias.resolve` finds it. That method visits the whole document for each alias, which makes a template of 100,000
 * aliases take minutes; this visits it once.
 */
export function aliasTargets(doc: Document): (alias: Alias) => Node | undefined {
  const targets = new Map<Alias, Node | undefined>();
  const anchored = new Map<string, Node>();
  visit(doc, {
    Node: (_, node) => {
      if (isAlias(node)) targets.set(node, anchored.get(node.source));
      else if (node.anchor) anchored.set(node.anchor, node);
    },
  });
  return (alias) => targets.get(alias);
}

/**
 * YAML 1.1 merge keys (`<<: *base`, `<<: [*a, *b]`): the merged map's pairs are put in place of the `<<` pair, unless
 * the map sets the key itself (the first of several merged maps wins), as `yaml`'s own toJS does. The pairs are the
 * anchored map's own nodes, so what is found in a merged value points at the anchor's text.
 */
function applyMergeKeys(doc: Document.Parsed): void {
  const targetOf = aliasTargets(doc);
  const done = new Set<YAMLMap>();
  const expand = (map: YAMLMap, active: Set<YAMLMap>): void => {
    if (done.has(map) || active.has(map)) return;
    active.add(map);
    const sources = (node: unknown): YAMLMap[] => {
      const target = isAlias(node) ? targetOf(node) : node;
      if (isMap(target)) return [target];
      return isSeq(target) ? target.items.flatMap((i) => (isAlias(i) ? sources(i) : isMap(i) ? [i] : [])) : [];
    };
    if (map.items.some((p) => isMergeKey(p.key))) {
      const own = new Set(map.items.filter((p) => !isMergeKey(p.key)).map((p) => keyText(p.key)));
      const items: typeof map.items = [];
      for (const pair of map.items) {
        if (!isMergeKey(pair.key)) {
          items.push(pair);
          continue;
        }
        for (const source of sources(pair.value)) {
          expand(source, active);
          for (const merged of source.items) {
            const key = keyText(merged.key);
            if (own.has(key)) continue;
            own.add(key);
            items.push(merged);
          }
        }
      }
      map.items = items;
    }
    active.delete(map);
    done.add(map);
  };
  visit(doc, { Map: (_, map) => void expand(map, new Set()) });
}

/** With the `merge` option, `yaml` gives a plain `<<` key a symbol value (a quoted "<<" stays an ordinary key). */
const isMergeKey = (key: unknown): boolean => isScalar(key) && typeof key.value === 'symbol';
const keyText = (key: unknown): string => (isScalar(key) ? String(key.value) : '');

export interface TemplateDocument {
  path: string;
  text: string;
  /** The YAML document, which resolves aliases; null for JSON and for YAML the fast reader read, which have none. */
  doc: Document.Parsed | null;
  root: Node | null;
  lines: LineCounter;
  comments: SourceComment[];
  /** Worked out on first use: only a directive comment needs them. */
  readonly constructs: Range[];
}

export type LoadResult = { kind: 'template'; template: TemplateDocument; diagnostics: Diagnostic[] } | { kind: 'not-ours' } | { kind: 'broken'; diagnostics: Diagnostic[] };

/** Text that says "CloudFormation" even when it does not parse: a format version, or a resource type `AWS::…`. */
const looksLikeCfn = (text: string) => /AWSTemplateFormatVersion|["']?Type["']?\s*:\s*["']?AWS::[A-Za-z0-9]+::/.test(text);

/**
 * Flow collections nested past this many levels are refused before they reach the YAML parser: it overflows the stack
 * near a thousand levels, and V8 can be left unable to compile a regular expression afterwards, which aborts the process.
 */
const MAX_FLOW_NESTING = 500;

/**
 * Reads a YAML or JSON file and decides whether it is a CloudFormation template (by content, whatever its extension).
 * A text that starts as JSON is read as strict JSON (trailing commas are JSON errors, though YAML would take them);
 * its nodes are those the YAML parser would build, so both formats share everything after parsing.
 */
export function loadTemplate(path: string, source: string): LoadResult {
  const isJson = /^\s*[{[]/.test(source);
  return (isJson ? loadJson(path, source) : null) ?? loadYaml(path, source, isJson);
}

/** Null when JSON.parse accepts a text that parseJson does not: the YAML parser then reads it, as it always did. */
function loadJson(path: string, text: string): LoadResult | null {
  const json = parseJson(text);
  if (json.kind !== 'parsed') {
    const error = strictJsonError(text);
    if (error) return looksLikeCfn(text) ? { kind: 'broken', diagnostics: [error] } : { kind: 'not-ours' };
    if (json.kind === 'invalid') return null;
    return isTemplateRoot(json.root) || looksLikeCfn(text) ? { kind: 'broken', diagnostics: [tooDeeplyNested(text)] } : { kind: 'not-ours' };
  }
  const { root, lines, duplicateKeys } = json;
  if (duplicateKeys.length > 0) {
    if (!isTemplateRoot(root) && !looksLikeCfn(text)) return { kind: 'not-ours' };
    const diagnostics = duplicateKeys.map((offset) => ({ ...toLineColumn(pos(lines, offset)), message: duplicateKeyMessage(DUPLICATE_KEY_MESSAGE, text, offset) }));
    return { kind: 'broken', diagnostics };
  }
  if (!isTemplateRoot(root)) return { kind: 'not-ours' };
  return templateOf({ path, text, doc: null, root, lines, comments: [] }, []);
}

function loadYaml(path: string, source: string, isJson: boolean): LoadResult {
  let text = source;
  const tooDeep = nestedPast(text, MAX_FLOW_NESTING);
  if (tooDeep) return looksLikeCfn(text) ? { kind: 'broken', diagnostics: [tooDeep] } : { kind: 'not-ours' };
  const fast = isJson ? null : readTemplateYaml(text);
  if (fast) {
    // The fast reader accepts only what `yaml` reads without errors or warnings, as one document.
    if (!isTemplateRoot(fast.root)) return { kind: 'not-ours' };
    return templateOf({ path, text, doc: null, root: fast.root, lines: fast.lines, comments: yamlComments(text, fast.lines, fast.comments) }, []);
  }
  let parsed = parseYaml(text);
  if (!isJson && parsed.doc.errors.some((e) => e.code === 'MISSING_CHAR' && /closing .?quote/i.test(e.message))) {
    // CloudFormation (like PyYAML) accepts a quoted scalar whose continuation lines are not indented; YAML 1.2 does not.
    const lenient = indentQuotedContinuations(text);
    const second = parseYaml(lenient);
    if (second.doc.errors.length === 0) {
      parsed = second;
      text = lenient;
    }
  }
  const { doc, lines } = parsed;
  const root = (doc.contents as Node | null) ?? null;
  const ours = isTemplateRoot(root) || (doc.errors.length > 0 && looksLikeCfn(source));
  if (!ours) return { kind: 'not-ours' };
  const at = (e: { pos: [number, number] }) => pos(lines, e.pos[0]);
  const diagnostics: Diagnostic[] = distinct(doc.errors.map((e) => {
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return locateOverflow({ ...toLineColumn(at(e)), message: e.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(message, text, e.pos[0]) : message }, text);
  }));
  if (parsed.documents > 1) diagnostics.push({ line: 1, column: 1, message: 'a template is one YAML document; this file holds several (---)' });
  for (const w of doc.warnings) {
    const tag = w.code === 'TAG_RESOLVE_FAILED' ? /Unresolved tag: (\S+)/.exec(w.message)?.[1] : undefined;
    if (tag) diagnostics.push({ ...toLineColumn(at(w)), message: `unknown tag ${tag}: not a CloudFormation intrinsic function` });
  }
  if (doc.errors.length > 0) return { kind: 'broken', diagnostics };
  return templateOf({ path, text, doc, root, lines, comments: yamlComments(text, lines, parsed.comments) }, diagnostics);
}

/** Names the key written at `offset` (quotes dropped): `Map keys must be unique: "Type" is defined twice`. */
function duplicateKeyMessage(message: string, text: string, offset: number): string {
  const key = /^["']?([^"':\n]+)/.exec(text.slice(offset, offset + 200))?.[1]?.trim();
  return key ? `${message}: "${key}" is defined twice` : message;
}

/** The template, unless its Resources section is not a map. */
function templateOf(parts: Omit<TemplateDocument, 'constructs'>, diagnostics: Diagnostic[]): LoadResult {
  const { root, lines } = parts;
  const resources = isMap(root) ? root.items.find((p) => keyOf(p.key) === 'Resources') : undefined;
  if (resources && !isMap(resources.value)) {
    const at = (resources.key as Node | null)?.range;
    return { kind: 'broken', diagnostics: [{ ...(at ? toLineColumn(pos(lines, at[0])) : { line: 1, column: 1 }), message: 'Resources must be a map of logical ids to resources' }] };
  }
  let constructs: Range[] | undefined;
  const template: TemplateDocument = {
    ...parts,
    get constructs() {
      return (constructs ??= constructsOf(root, lines));
    },
  };
  return { kind: 'template', template, diagnostics };
}

/**
 * Indents the continuation lines of multi-line quoted scalars that sit at or left of their key (only ever used when
 * the strict parse failed on them). Line numbers do not change; columns on those lines move right a little.
 */
export function indentQuotedContinuations(text: string): string {
  const lines = text.split('\n');
  let open: { quote: string; indent: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    let from = 0;
    if (open) {
      if (line.trim() !== '' && indent <= open.indent) lines[i] = ' '.repeat(open.indent + 2 - indent) + line;
    } else {
      const m = /^(\s*(?:-\s+)?[^#'"\s][^#'"]*?:\s+|\s*-\s+)(['"])/.exec(line);
      if (!m) continue;
      open = { quote: m[2]!, indent };
      from = m[0].length;
    }
    const body = lines[i]!;
    const start = open ? (from > 0 ? from : body.length - line.length + indent) : 0;
    if (closes(body.slice(start), open.quote)) open = null;
  }
  return lines.join('\n');
}

function closes(rest: string, quote: string): boolean {
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && rest[i + 1] === "'") i++;
      else return true;
    }
  }
  return false;
}

function isTemplateRoot(root: Node | null): boolean {
  if (!isMap(root)) return false;
  const keys = new Map(root.items.map((p) => [isScalar(p.key) ? String(p.key.value) : '', p.value as Node | null]));
  if (keys.has('AWSTemplateFormatVersion')) return true;
  const resources = keys.get('Resources');
  if (!isMap(resources)) return false;
  return resources.items.some((p) => {
    const type = isMap(p.value) ? p.value.get('Type') : undefined;
    return typeof type === 'string' && /^(AWS|Alexa)::/.test(type);
  });
}

function strictJsonError(text: string): Diagnostic | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const problem = jsonSyntaxError(text, e);
    return { line: problem.line, column: problem.column, message: `invalid JSON: ${problem.message}` };
  }
}

/** Comments as the suppression engine needs them (the lexer already told a `#` in a string from a comment). */
function yamlComments(text: string, lines: LineCounter, found: { offset: number; source: string }[]): SourceComment[] {
  return found.map(({ offset, source }) => {
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    return { text: source.slice(1).trim(), at: { start: pos(lines, offset), end: pos(lines, offset + source.length) }, ownLine: text.slice(lineStart, offset).trim() === '' };
  });
}

const toLineColumn = (p: Pos) => ({ line: p.line, column: p.column });

/** Keys with their values and sequence items: what a directive on the line above covers. */
function constructsOf(root: Node | null, lines: LineCounter): Range[] {
  const out: Range[] = [];
  const span = (from: Node | null, to: Node | null) => {
    if (from?.range && to?.range) out.push({ start: pos(lines, from.range[0]), end: pos(lines, to.range[1]) });
  };
  // Iterative, and each collection once: merge keys share pairs between maps, and nesting may be deep.
  const seen = new Set<Node>();
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!isMap(node) && !isSeq(node)) continue;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        span(item.key as Node | null, item.value as Node | null);
        pending.push(item.key, item.value);
      } else {
        span(item as Node | null, item as Node | null);
        pending.push(item);
      }
    }
  }
  return out;
}

export function pos(lines: LineCounter, offset: number): Pos {
  const p = lines.linePos(offset);
  return { line: p.line, column: p.col };
}

/** The span of a node, starting at its tag when it has one (`!Ref Cidr` points at `!Ref`). */
export function nodeSpan(t: TemplateDocument, node: Node | null | undefined, path: string, via?: Span[]): Span {
  const range = node?.range;
  if (!range) return { file: t.path, start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, path, ...(via ? { via } : {}) };
  let start = range[0];
  if (node && 'tag' in node && typeof node.tag === 'string' && node.tag.startsWith('!')) {
    const before = t.text.lastIndexOf(node.tag, start);
    if (before >= 0 && t.text.slice(before + node.tag.length, start).trim() === '') start = before;
  }
  return { file: t.path, start: pos(t.lines, start), end: pos(t.lines, range[1]), path, ...(via && via.length > 0 ? { via } : {}) };
}

export function keyOf(node: unknown): string {
  return isScalar(node) ? String(node.value) : '';
}

export { isMap, isScalar, isSeq };
