// The one module that touches @cdktf/hcl2json (its typings pull in lib.dom; keep them contained here).
import { parse } from '@cdktf/hcl2json';
import { deepestNesting, failureDiagnostic, isStackOverflow } from '../guard.js';

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
  const deepest = deepestNesting(text);
  if (deepest.depth > MAX_HCL_NESTING) {
    return { line: deepest.line, column: deepest.column, message: `nested too deeply to analyze (${deepest.depth} levels of brackets here; the limit is ${MAX_HCL_NESTING})` };
  }
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

export async function parseHcl(fileName: string, text: string): Promise<HclParseResult> {
  const tooDeep = tooDeepForTheParser(text);
  if (tooDeep) return { ok: false, message: tooDeep.message, diagnostics: [tooDeep] };
  try {
    const body = (await parse(fileName, text)) as HclBody;
    return { ok: true, body };
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s+$/, '');
    if (isStackOverflow(e)) return { ok: false, message, diagnostics: [failureDiagnostic(e, text)] };
    return { ok: false, message, diagnostics: parseDiagnostics(fileName, message) };
  }
}
