import { comparePos, type Pos, type Span } from '../model/location.js';
import type { Level } from './define-rule.js';
import type { ParsedFile, PeerTool, Range } from '../parsers/types.js';
import { addTo } from '../util/maps.js';
import { RangeIndex } from '../util/range-index.js';
import { isExpired, lineKinds, parseDirective, targetLine } from './directive.js';

export interface Suppression {
  kind: 'inline' | 'baseline' | 'config' | 'peer';
  reason: string;
  until?: string;
  /** For kind `peer`: the other scanner's suppression that applies. */
  origin?: PeerOrigin;
}

/** Which other scanner's suppression silenced a finding, and where it is written. */
export interface PeerOrigin {
  tool: PeerTool;
  /** The peer's check id as written, or the command of one that names none (KICS `ignore-block`). */
  id: string;
  /** The peer's own reason, when it gives one. */
  reason?: string;
  /** tfsec/trivy `:exp:` date: the suppression holds until the day before. */
  expires?: string;
  file: string;
  line: number;
}

/** A valid directive with the region it covers. */
export interface ActiveDirective {
  file: string;
  rules: Set<string>;
  reason: string;
  until?: string;
  line: number | null;
  scope: Range | null;
  /** Set for another scanner's suppression (kind `peer`). */
  origin?: PeerOrigin;
}

export interface InvalidDirective {
  file: string;
  at: Range;
  message: string;
  rules: string[];
  /** Reported at most at this level (an expired peer suppression is a note). */
  maxLevel?: Level;
}

/** Built-ins that no directive can silence. */
export const UNSUPPRESSIBLE = new Set(['parse-error', 'suppression-invalid']);

export function collectDirectives(files: ParsedFile[], knownRules: ReadonlySet<string>, today: string): { active: ActiveDirective[]; invalid: InvalidDirective[] } {
  const active: ActiveDirective[] = [];
  const invalid: InvalidDirective[] = [];
  for (const file of files) {
    if (file.comments.length === 0) continue;
    const kinds = commentLineKinds(file);
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

/** The file's comment-only and blank lines, and its line count (for a directive's target line). */
export function commentLineKinds(file: ParsedFile): ReturnType<typeof lineKinds> {
  const kinds = lineKinds(file.text, () => false);
  for (const c of file.comments) if (c.ownLine && c.at.start.line === c.at.end.line) kinds.commentOnly.add(c.at.start.line);
  return kinds;
}

/** A file's constructs by the line they start on (made once per file: every directive of the file asks). */
const constructsByLine = new WeakMap<Range[], Map<number, Range[]>>();

/** The widest construct that starts on `line`: what a directive targeting that line covers. */
export function widestStartingOn(constructs: Range[], line: number): Range | null {
  let byLine = constructsByLine.get(constructs);
  if (!byLine) {
    byLine = new Map();
    for (const c of constructs) addTo(byLine, c.start.line, c);
    constructsByLine.set(constructs, byLine);
  }
  let best: Range | null = null;
  for (const c of byLine.get(line) ?? []) {
    if (!best || comparePos(c.start, best.start) < 0 || comparePos(c.end, best.end) > 0) best = c;
  }
  return best;
}

/** A run's directives by file: by the line each targets and by the region each covers (their order is kept: the first that applies wins). */
class DirectiveIndex {
  private readonly files = new Map<string, { lines: Map<number, number[]>; scopes: RangeIndex<number> }>();

  constructor(private readonly directives: readonly ActiveDirective[]) {
    const lines = new Map<string, Map<number, number[]>>();
    const scopes = new Map<string, { range: Range; value: number }[]>();
    directives.forEach((d, i) => {
      if (!lines.has(d.file)) lines.set(d.file, new Map());
      if (d.line !== null) addTo(lines.get(d.file)!, d.line, i);
      if (d.scope) addTo(scopes, d.file, { range: d.scope, value: i });
    });
    for (const [file, byLine] of lines) this.files.set(file, { lines: byLine, scopes: new RangeIndex(scopes.get(file) ?? []) });
  }

  /** The first directive for `ruleId` that targets the line of `pos` or covers it. */
  first(ruleId: string, file: string, pos: Pos): ActiveDirective | undefined {
    const indexed = this.files.get(file);
    if (!indexed) return undefined;
    let first = Infinity;
    for (const i of [...(indexed.lines.get(pos.line) ?? []), ...indexed.scopes.holding(pos)]) if (i < first && this.directives[i]!.rules.has(ruleId)) first = i;
    return this.directives[first];
  }
}

const directiveIndexes = new WeakMap<readonly ActiveDirective[], DirectiveIndex>();

/**
 * The inline suppression that covers a finding of `ruleId` at `at`, if any: a directive at the finding itself, or at one
 * of the calls that led to it (a directive over a module call or nested stack covers what is inside). The directives
 * are indexed on the first call: they must not change afterwards.
 */
export function inlineSuppression(directives: readonly ActiveDirective[], ruleId: string, at: Span): Suppression | undefined {
  if (UNSUPPRESSIBLE.has(ruleId)) return undefined;
  let index = directiveIndexes.get(directives);
  if (!index) directiveIndexes.set(directives, (index = new DirectiveIndex(directives)));
  for (const place of [at, ...(at.via ?? [])]) {
    const d = index.first(ruleId, place.file, place.start);
    if (d) return { kind: d.origin ? 'peer' : 'inline', reason: d.reason, ...(d.until ? { until: d.until } : {}), ...(d.origin ? { origin: d.origin } : {}) };
  }
  return undefined;
}

export { isExpired };
