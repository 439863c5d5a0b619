// The one module that touches @cdktf/hcl2json (its typings pull in lib.dom; keep them contained here).
import { failureDiagnostic, isStackOverflow, nestedPast } from '../guard.js';
import { isJsonObject, NativeParseError, parseHclNative } from './native-hcl.js';
import { appendAll } from '../../util/arrays.js';

export type HclBody = Record<string, unknown>;

export interface HclDiagnostic {
  line: number;
  column: number;
  message: string;
}

export type HclParseResult = { ok: true; body: HclBody } | { ok: false; diagnostics: HclDiagnostic[]; message: string };

// hcl2json rejects with "parse config: [file:line,col-endLine,endCol: Summary; Detail. file:…]" (all diagnostics joined).
export function parseDiagnostics(fileName: string, message: string): HclDiagnostic[] {
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const marker = new RegExp(`${escaped}:(\\d+),(\\d+)(?:-\\d+(?:,\\d+)?)?: `, 'g');
  const hits = [...message.matchAll(marker)];
  return hits.map((m, i) => {
    const textEnd = i + 1 < hits.length ? hits[i + 1]!.index : message.length;
    const text = message.slice(m.index + m[0].length, textEnd).replace(/\]\s*$/, '').trim();
    return { line: Number(m[1]), column: Number(m[2]), message: text };
  });
}

/**
 * The HCL parser runs as Go compiled to WebAssembly on the same stack as JavaScript: past about a thousand levels of
 * nesting (or many thousands of chained unary or conditional operators) it overflows, and that can leave the Go runtime
 * dead for every later file. Such input is refused before it reaches the parser.
 */
const MAX_HCL_NESTING = 500;
const MAX_OPERATORS_ON_A_LINE = 3000;

function tooDeepForTheParser(text: string): HclDiagnostic | null {
  const deep = nestedPast(text, MAX_HCL_NESTING);
  if (deep) return deep;
  let line = 1;
  let operators = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      operators = 0;
    } else if ((c === 33 || c === 45 || c === 63) && ++operators > MAX_OPERATORS_ON_A_LINE && !/^\s*(#|\/\/)/.test(lineAt(text, i))) {
      return { line, column: 1, message: `expression too deeply nested to analyze (more than ${MAX_OPERATORS_ON_A_LINE} chained operators on this line)` };
    }
  }
  return null;
}

function lineAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end < 0 ? text.length : end);
}

/** Heredocs longer than this are handed to the parser as one quoted string (see quoteLongHeredocs). */
const LONG_HEREDOC_LINES = 500;

/**
 * The WASM parser takes time quadratic in a heredoc's line count (300,000 lines ran for hours) but linear in a quoted
 * string's length. A long `<<ID` heredoc with no template sequence (`${`, `%{`) has the same value as the quoted
 * string of its lines, so that is what the parser gets; the newlines follow the string so that lines stay where they were.
 */
export function quoteLongHeredocs(text: string): string {
  const opener = /<<([A-Za-z_][\w-]*)[ \t]*\r?\n/g;
  let out = '';
  let from = 0;
  for (let m = opener.exec(text); m; m = opener.exec(text)) {
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    if (/#|\/\/|\/\*/.test(text.slice(lineStart, m.index))) continue;
    const close = new RegExp(`^[ \\t]*${m[1]}[ \\t]*\\r?$`, 'm');
    close.lastIndex = 0;
    const rest = text.slice(opener.lastIndex);
    const end = close.exec(rest);
    if (!end) break;
    const content = rest.slice(0, end.index);
    const lines = content.split('\n').length - 1;
    if (lines < LONG_HEREDOC_LINES || /[$%]\{/.test(content)) continue;
    const quoted = content.replace(/\r\n/g, '\n').replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
    out += `${text.slice(from, m.index)}"${quoted}"${'\n'.repeat(lines + 1)}`;
    from = opener.lastIndex + end.index + end[0].length;
    opener.lastIndex = from;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * Parses a configuration file into hcl2json's JSON. The native parser (native-hcl.ts) reads nearly every file, in linear
 * time; what it refuses goes to hcl2json (loaded on first use: its WebAssembly takes a quarter of a second to start),
 * whose result or diagnostics are then the answer. `largeFileCuts` gives hcl2json a large file in pieces.
 */
export async function parseHcl(fileName: string, text: string, largeFileCuts?: () => number[]): Promise<HclParseResult> {
  const tooDeep = tooDeepForTheParser(text);
  if (tooDeep) return { ok: false, message: tooDeep.message, diagnostics: [tooDeep] };
  try {
    return { ok: true, body: parseHclNative(text) };
  } catch (e) {
    if (!(e instanceof NativeParseError) && !isStackOverflow(e)) throw e;
  }
  if (largeFileCuts) {
    const inPieces = await parseWithHcl2jsonInPieces(fileName, text, largeFileCuts());
    // A file that fails in pieces is parsed whole: its errors are then exactly the parser's, whatever the cuts were.
    if (inPieces.ok) return inPieces;
  }
  return parseWithHcl2json(fileName, text);
}

let hcl2json: Promise<typeof import('@cdktf/hcl2json')> | undefined;

async function parseWithHcl2json(fileName: string, text: string): Promise<HclParseResult> {
  try {
    hcl2json ??= import('@cdktf/hcl2json');
    const body = (await (await hcl2json).parse(fileName, quoteLongHeredocs(text))) as HclBody;
    return { ok: true, body };
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s+$/, '');
    if (isStackOverflow(e)) return { ok: false, message, diagnostics: [failureDiagnostic(e, text)] };
    return { ok: false, message, diagnostics: parseDiagnostics(fileName, message) };
  }
}

/**
 * hcl2json on a large file in pieces cut between its top-level blocks (`cuts`: offsets where a line starts after a
 * block), bodies merged: the same result as one parse, with memory bounded by the largest piece (the WASM parser's
 * memory grows with its input and is never given back). Diagnostics keep their lines in the whole file.
 */
async function parseWithHcl2jsonInPieces(fileName: string, text: string, cuts: number[]): Promise<HclParseResult> {
  const body: HclBody = {};
  const diagnostics: HclDiagnostic[] = [];
  const messages: string[] = [];
  let line = 0;
  for (const [start, end] of pieces(cuts, text.length)) {
    const piece = text.slice(start, end);
    const parsed = await parseWithHcl2json(fileName, piece);
    if (parsed.ok) mergeBody(body, parsed.body);
    else {
      appendAll(diagnostics, parsed.diagnostics.map((d) => ({ ...d, line: d.line + line })));
      messages.push(parsed.message);
    }
    line += countLines(piece);
  }
  return diagnostics.length > 0 || messages.length > 0 ? { ok: false, message: messages.join('; '), diagnostics } : { ok: true, body };
}

function pieces(cuts: number[], length: number): [number, number][] {
  const bounds = [0, ...cuts.filter((c) => c > 0 && c < length), length];
  return bounds.slice(1).map((end, i) => [bounds[i]!, end]);
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** hcl2json's shape: top-level block types map labels to lists of bodies; lists from two pieces are concatenated. */
function mergeBody(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    if (Array.isArray(existing) && Array.isArray(value)) appendAll(existing, value);
    else if (isJsonObject(existing) && isJsonObject(value)) mergeBody(existing, value);
    else into[key] = value;
  }
}

