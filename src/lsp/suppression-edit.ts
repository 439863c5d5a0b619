// The text edit that adds an inline suppression for one finding, in the file's own syntax (README "Suppressions"):
// a comment directive on the line above the finding where the format has comments, a CloudFormation resource's
// `Metadata` entry where it has none (JSON templates).
import { isMap, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { TextEdit } from 'vscode-languageserver';
import { positionOf } from './text.js';

export interface SuppressionRequest {
  /** File name or path: its extension (and, for `.template`, its text) says which syntax to write. */
  file: string;
  text: string;
  ruleId: string;
  /** 0-based line where the finding starts. */
  line: number;
  /** 0-based character (UTF-16) where the finding starts on that line. */
  character: number;
  /** Logical path of the finding (`Resources.WebSg.Properties…` in CloudFormation). */
  path: string;
  until: string;
  reason: string;
}

export type Syntax = { kind: 'comment'; marker: '#' | '//' } | { kind: 'metadata' } | { kind: 'json-comment' } | { kind: 'none' };

/** How a suppression is written in this file. */
export function suppressionSyntax(file: string, text: string): Syntax {
  if (/\.(tf|tfvars|hcl)$/.test(file)) return { kind: 'comment', marker: '#' };
  if (/\.(ts|tsx|js|jsx|mjs|cjs)$/.test(file)) return { kind: 'comment', marker: '//' };
  if (/\.ya?ml$/.test(file)) return { kind: 'comment', marker: '#' };
  // Terraform JSON takes a "//" property (Terraform's JSON comment); JSON templates take Metadata.
  if (/\.tf\.json$/.test(file)) return { kind: 'json-comment' };
  if (/\.tfvars\.json$/.test(file)) return { kind: 'none' };
  if (/\.json$/.test(file)) return { kind: 'metadata' };
  if (/\.template$/.test(file)) return text.trimStart().startsWith('{') ? { kind: 'metadata' } : { kind: 'comment', marker: '#' };
  return { kind: 'none' };
}

export function directiveText(ruleId: string, until: string, reason: string): string {
  return `sg-lint-ignore ${ruleId} until=${until} -- ${reason}`;
}

/** The edits, or null when this file's syntax cannot carry one for this finding. */
export function suppressionEdits(req: SuppressionRequest): TextEdit[] | null {
  const syntax = suppressionSyntax(req.file, req.text);
  if (syntax.kind === 'comment') return [commentAbove(req, syntax.marker)];
  if (syntax.kind === 'metadata') return metadataEntry(req);
  if (syntax.kind === 'json-comment') return jsonComment(req);
  return null;
}

/**
 * `"//": "sg-lint-ignore …"` as the first property of the innermost object holding the finding (the block it covers);
 * an object that has a "//" already cannot take a second one, so the next enclosing object takes it.
 */
function jsonComment(req: SuppressionRequest): TextEdit[] | null {
  const doc = parseDocument(req.text, { uniqueKeys: false });
  if (doc.errors.length > 0) return null;
  const lines = req.text.split('\n');
  const offset = lines.slice(0, req.line).reduce((sum, l) => sum + l.length + 1, 0) + req.character;
  const holding: YAMLMap[] = [];
  visit(doc.contents as Node | null, (node) => {
    if (isMap(node) && node.range && node.range[0] <= offset && offset < node.range[1]) holding.push(node);
  });
  const target = holding.reverse().find((m) => m.get('//') === undefined);
  return target ? insertFirst(req.text, target, `"//": ${JSON.stringify(directiveText(req.ruleId, req.until, req.reason))}`) : null;
}

function visit(node: Node | null, each: (node: Node) => void): void {
  if (!node) return;
  each(node);
  if (isMap(node)) for (const pair of node.items) visit(pair.value as Node | null, each);
  else if (isSeq(node)) for (const item of node.items) visit(item as Node | null, each);
}

function commentAbove(req: SuppressionRequest, marker: string): TextEdit {
  const lines = req.text.split('\n');
  const target = lines[req.line] ?? '';
  const indent = /^[ \t]*/.exec(target)![0];
  const eol = target.endsWith('\r') ? '\r\n' : '\n';
  const at = { line: req.line, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}${marker} ${directiveText(req.ruleId, req.until, req.reason)}${eol}` };
}

/**
 * `"Metadata": { "sg-lint": { "ignore": [ { "rule", "reason", "until" } ] } }` on the resource the finding lies in:
 * the entry is added to what exists (an ignore list, an sg-lint map, a Metadata map), each missing level created.
 */
function metadataEntry(req: SuppressionRequest): TextEdit[] | null {
  const logicalId = /^Resources\.([A-Za-z0-9]+)/.exec(req.path)?.[1];
  if (!logicalId) return null;
  const doc = parseDocument(req.text, { keepSourceTokens: false, uniqueKeys: false });
  if (doc.errors.length > 0) return null;
  const resource = doc.getIn(['Resources', logicalId], true) as Node | undefined;
  if (!isMap(resource)) return null;
  const entry = JSON.stringify({ rule: req.ruleId, reason: req.reason, until: req.until });
  const levels: [string, (inner: string) => string][] = [
    ['Metadata', (inner) => `"Metadata": { ${inner} }`],
    ['sg-lint', (inner) => `"sg-lint": { ${inner} }`],
    ['ignore', (inner) => `"ignore": [ ${inner} ]`],
  ];
  let map: YAMLMap = resource;
  for (let i = 0; i < levels.length; i++) {
    const [key] = levels[i]!;
    const value = map.get(key, true) as Node | undefined;
    if (value === undefined) {
      const text = levels.slice(i).reduceRight((inner, [, wrap]) => wrap(inner), entry);
      return insertFirst(req.text, map, text);
    }
    if (key === 'ignore') return isSeq(value) ? insertFirst(req.text, value, entry) : null;
    if (!isMap(value)) return null;
    map = value;
  }
  return null;
}

/** Inserts a member (or item) as the first of a JSON object (or array), followed by a comma when others follow. */
function insertFirst(text: string, node: Node & { items: unknown[] }, member: string): TextEdit[] | null {
  const open = node.range?.[0];
  if (open === undefined || (text[open] !== '{' && text[open] !== '[')) return null;
  const at = positionOf(text, open + 1);
  return [{ range: { start: at, end: at }, newText: ` ${member}${node.items.length > 0 ? ',' : ''}` }];
}

/** YYYY-MM-DD `days` after `today` (UTC). */
export function daysAfter(today: string, days: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
