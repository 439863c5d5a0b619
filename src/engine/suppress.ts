import { comparePos, type Pos, type Span } from '../model/location.js';
import type { ParsedFile, Range } from '../parsers/types.js';
import { isExpired, lineKinds, parseDirective, targetLine } from './directive.js';

export interface Suppression {
  kind: 'inline' | 'baseline' | 'config';
  reason: string;
  until?: string;
}

/** A valid directive with the region it covers. */
export interface ActiveDirective {
  file: string;
  rules: Set<string>;
  reason: string;
  until?: string;
  line: number | null;
  scope: Range | null;
}

export interface InvalidDirective {
  file: string;
  at: Range;
  message: string;
  rules: string[];
}

/** Built-ins that no directive can silence. */
export const UNSUPPRESSIBLE = new Set(['parse-error', 'suppression-invalid']);

export function collectDirectives(files: ParsedFile[], knownRules: ReadonlySet<string>, today: string): { active: ActiveDirective[]; invalid: InvalidDirective[] } {
  const active: ActiveDirective[] = [];
  const invalid: InvalidDirective[] = [];
  for (const file of files) {
    if (file.comments.length === 0) continue;
    const kinds = lineKinds(file.text, () => false);
    for (const c of file.comments) if (c.ownLine && c.at.start.line === c.at.end.line) kinds.commentOnly.add(c.at.start.line);
    for (const comment of file.comments) {
      if (comment.invalid) {
        invalid.push({ file: file.path, at: comment.at, message: comment.invalid, rules: [] });
        continue;
      }
      const parsed = parseDirective(comment.text, { knownRules, today });
      if (!parsed) continue;
      if (!parsed.ok) {
        invalid.push({ file: file.path, at: comment.at, message: parsed.message, rules: parsed.rules });
        continue;
      }
      const { rules, reason, until } = parsed.directive;
      if (comment.scope) {
        active.push({ file: file.path, rules: new Set(rules), reason, ...(until ? { until } : {}), line: null, scope: comment.scope });
        continue;
      }
      const line = targetLine({ text: comment.text, line: comment.at.start.line, ownLine: comment.ownLine }, kinds.commentOnly, kinds.blank, kinds.lineCount);
      if (line === null) continue;
      active.push({ file: file.path, rules: new Set(rules), reason, ...(until ? { until } : {}), line, scope: widestStartingOn(file.constructs, line) });
    }
  }
  return { active, invalid };
}

function widestStartingOn(constructs: Range[], line: number): Range | null {
  let best: Range | null = null;
  for (const c of constructs) {
    if (c.start.line !== line) continue;
    if (!best || comparePos(c.start, best.start) < 0 || comparePos(c.end, best.end) > 0) best = c;
  }
  return best;
}

const within = (pos: Pos, r: Range) => comparePos(r.start, pos) <= 0 && comparePos(pos, r.end) < 0;

/**
 * The inline suppression that covers a finding of `ruleId` at `at`, if any: a directive at the finding itself, or at one
 * of the calls that led to it (a directive over a module call or nested stack covers what is inside).
 */
export function inlineSuppression(directives: ActiveDirective[], ruleId: string, at: Span): Suppression | undefined {
  if (UNSUPPRESSIBLE.has(ruleId)) return undefined;
  for (const place of [at, ...(at.via ?? [])]) {
    for (const d of directives) {
      if (d.file !== place.file || !d.rules.has(ruleId)) continue;
      if (d.line === place.start.line || (d.scope && within(place.start, d.scope))) return { kind: 'inline', reason: d.reason, ...(d.until ? { until: d.until } : {}) };
    }
  }
  return undefined;
}

export { isExpired };
