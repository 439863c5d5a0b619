// The one module that touches @cdktf/hcl2json (its typings pull in lib.dom; keep them contained here).
import { parse } from '@cdktf/hcl2json';

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

export async function parseHcl(fileName: string, text: string): Promise<HclParseResult> {
  try {
    const body = (await parse(fileName, text)) as HclBody;
    return { ok: true, body };
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s+$/, '');
    return { ok: false, message, diagnostics: parseDiagnostics(fileName, message) };
  }
}
