// Safe mechanical fixes, offered only where a rule's doc gives one; both touch a rule's description, which AWS
// updates in place (the rule stays), so nothing changes about who can reach what:
// - rules/rule-missing-description.md: add one, derived from the rule itself ("TCP 22 from 0.0.0.0/0"), for the
//   author to complete with who and why;
// - rules/rule-description-invalid.md: drop apostrophes and quotes, write accented letters and typographic dashes in
//   plain ASCII.
// Group descriptions get no fix: a new description replaces the group (rules/group-missing-description.md).
import { isMap, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { TextEdit } from 'vscode-languageserver';
import type { Analysis } from '../api.js';
import type { Finding } from '../engine/result.js';
import { alternatives } from '../model/value.js';
import { describeReach, ruleTraffic } from '../model/traffic.js';
import type { SgRule } from '../model/types.js';
import { indexHcl } from '../parsers/terraform/locator.js';
import { positionOf } from './text.js';
import { invalidCharacters, MAX_DESCRIPTION_LENGTH } from '../../rules/_description.js';

export interface Fix {
  title: string;
  edits: TextEdit[];
}

interface FixRequest {
  path: string;
  text: string;
  analysis: () => Promise<Analysis | null>;
}

export async function safeFix(finding: Finding, req: FixRequest): Promise<Fix | null> {
  if (finding.ruleId === 'rule-description-invalid' && finding.messageId === 'badCharacters') return plainDescriptionFix(finding, req);
  if (finding.ruleId !== 'rule-missing-description' || finding.messageId !== 'missing') return null;
  const analysis = await req.analysis();
  if (!analysis) return null;
  const rules = [...analysis.model.rules.values()].filter((r) => r.at.file === finding.at.file && (r.at.path === finding.at.path || r.entry.at.path === finding.at.path));
  const text = derivedDescription(rules);
  if (!text) return null;
  const edits = /\.(tf|hcl)$/.test(req.path) ? hclEdits(req.text, finding.at.path, text) : /\.(ya?ml|json|template)$/.test(req.path) ? templateEdits(req.text, finding.at.path, text) : null;
  return edits ? { title: `Add the description "${text}" (then say who and why)`, edits } : null;
}

/** "TCP 22 from 0.0.0.0/0", "all traffic to 10.0.0.0/8, 10.1.0.0/16": null when a value is not known or the text would be invalid. */
export function derivedDescription(rules: SgRule[]): string | null {
  const first = rules[0];
  if (!first) return null;
  const traffic = ruleTraffic(first);
  if (traffic.length !== 1 || !traffic[0]!.ok) return null;
  const peers: string[] = [];
  for (const rule of rules) {
    const peer = peerText(rule);
    if (peer === null) return null;
    if (!peers.includes(peer)) peers.push(peer);
  }
  const text = `${describeReach(traffic[0]!.reach)} ${first.direction === 'ingress' ? 'from' : 'to'} ${peers.join(', ')}`;
  return text.length <= MAX_DESCRIPTION_LENGTH && invalidCharacters(text).length === 0 ? text : null;
}

function peerText(rule: SgRule): string | null {
  const known = (v: Parameters<typeof alternatives>[0]) => {
    const alts = alternatives(v);
    return alts.length === 1 && alts[0]!.value.k === 'known' ? String(alts[0]!.value.v) : null;
  };
  switch (rule.peer.kind) {
    case 'cidr4':
    case 'cidr6':
      return known(rule.peer.cidr);
    case 'prefixList': {
      const id = known(rule.peer.id);
      return id === null ? null : `prefix list ${id}`;
    }
    case 'self':
      return 'this group';
    case 'securityGroup':
      return rule.peer.ref.kind === 'model' ? 'another group' : known(rule.peer.ref.id);
    default:
      return null;
  }
}

/** `description = "…"` as the first line inside the block (an inline `ingress`/`egress` block or a rule resource). */
function hclEdits(text: string, path: string, description: string): TextEdit[] | null {
  const block = indexHcl(text).blockAt(path);
  if (!block) return null;
  const lines = text.split('\n');
  const headerLine = block.header.start.line - 1;
  const open = (lines[headerLine] ?? '').indexOf('{', block.header.end.column - 1);
  if (open < 0 || block.body.end.line - 1 === headerLine) return null; // a one-line block: left to the author
  const indent = /^[ \t]*/.exec(lines[headerLine]!)![0];
  const inner = /^[ \t]*/.exec(lines[headerLine + 1] ?? '')![0];
  const eol = lines[headerLine]!.endsWith('\r') ? '\r\n' : '\n';
  const at = { line: headerLine + 1, character: 0 };
  const pad = inner.length > indent.length ? inner : `${indent}  `;
  return [{ range: { start: at, end: at }, newText: `${pad}description = ${JSON.stringify(description)}${eol}` }];
}

/** `Description: …` as the first key of the rule entry (or of a standalone rule resource's Properties). */
function templateEdits(text: string, path: string, description: string): TextEdit[] | null {
  const segments = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return null;
  let node = doc.getIn(segments, true) as Node | undefined;
  if (segments.length === 2 && isMap(node)) node = node.get('Properties', true) as Node | undefined;
  if (!isMap(node) || node.get('Description') !== undefined) return null;
  return firstKey(text, node, description);
}

function firstKey(text: string, map: YAMLMap, description: string): TextEdit[] | null {
  const start = map.range?.[0];
  if (start === undefined) return null;
  const quoted = JSON.stringify(description);
  if (text[start] === '{') {
    const json = /^\s*"/.test(text.slice(start + 1)) || map.items.length === 0;
    const at = positionOf(text, start + 1);
    return [{ range: { start: at, end: at }, newText: ` ${json ? '"Description"' : 'Description'}: ${quoted}${map.items.length > 0 ? ',' : ''}` }];
  }
  const firstPair = map.items[0];
  const keyStart = firstPair && (firstPair.key as Node | null)?.range?.[0];
  if (keyStart === undefined || keyStart === null) return null;
  const at = positionOf(text, keyStart);
  const pad = ' '.repeat(at.character);
  return [{ range: { start: at, end: at }, newText: `Description: ${quoted}\n${pad}` }];
}


/** Typographic characters and what the doc says to write instead; anything else AWS refuses gets no fix. */
const PLAIN: [RegExp, string][] = [
  [/[\u2018\u2019\u201a\u201b\u2032'`\u00b4]/g, ''],
  [/[\u201c\u201d\u201e\u201f\u2033"\u00ab\u00bb]/g, ''],
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
];

/** The description in AWS's character set, or null when that takes more than dropping quotes and plain ASCII forms. */
export function plainDescription(text: string): string | null {
  let plain = text.normalize('NFKD').replace(/\p{M}/gu, '');
  for (const [pattern, replacement] of PLAIN) plain = plain.replace(pattern, replacement);
  plain = plain.replace(/ {2,}/g, ' ').trim();
  return plain !== '' && plain !== text && plain.length <= MAX_DESCRIPTION_LENGTH && invalidCharacters(plain).length === 0 ? plain : null;
}

/** Rewrites the description literal the finding points at, when it is a plain string (no escapes, no interpolation). */
function plainDescriptionFix(finding: Finding, req: FixRequest): Fix | null {
  const lines = req.text.split('\n');
  const { start, end } = finding.at;
  if (start.line !== end.line) return null;
  const literal = (lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1);
  if (literal.includes('\\')) return null;
  const quote = literal[0] === '"' || literal[0] === "'" ? literal[0] : '';
  if (quote && (literal.length < 2 || literal.at(-1) !== quote)) return null;
  const yaml = /\.(ya?ml|template)$/.test(req.path);
  if (!quote && !yaml) return null;
  const value = quote ? literal.slice(1, -1) : literal;
  const plain = plainDescription(quote === "'" && yaml ? value.replace(/''/g, "'") : value);
  if (plain === null || (/\.(tf|hcl)$/.test(req.path) && /[$%]\{/.test(plain))) return null;
  // The text left holds no quote or backslash: it can go between the literal's own quotes (double quotes for a plain YAML scalar).
  const written = quote === "'" && !yaml && !/\.(ts|tsx|js|jsx|mjs|cjs)$/.test(req.path) ? null : `${quote || '"'}${plain}${quote || '"'}`;
  if (written === null) return null;
  const range = { start: { line: start.line - 1, character: start.column - 1 }, end: { line: end.line - 1, character: end.column - 1 } };
  return { title: `Write the description in plain characters: ${written}`, edits: [{ range, newText: written }] };
}
