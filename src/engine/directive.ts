/**
 * Inline suppression directives (pure, no I/O):
 *
 *   sg-lint-ignore <rule-id>[, <rule-id>…] [until=YYYY-MM-DD] -- <reason>
 *
 * The caller strips the comment markers (`#`, `//`, single-line `/* … *\/`) and passes the inner text.
 */
import { parsePeerComment } from './peers/comments.js';
import type { SourceComment } from '../parsers/types.js';
import { cut } from '../util/strings.js';

export interface Directive {
  rules: string[];
  until?: string;
  reason: string;
}

export type DirectiveResult =
  | { ok: true; directive: Directive }
  | { ok: false; message: string; rules: string[] /* ids it named, if any */ };

export interface ParseOptions {
  knownRules: ReadonlySet<string>;
  /** YYYY-MM-DD, UTC. */
  today: string;
}

const KEYWORD = 'sg-lint-ignore';
const GRAMMAR = `expected "${KEYWORD} <rule-id>[, <rule-id>…] [until=YYYY-MM-DD] -- <reason>"`;
const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** ` -- ` as a whitespace-delimited token (may end the text, which leaves an empty reason). */
const SEPARATOR = /\s--(?:\s|$)/;
const UNTIL_TOKEN = /(?:^|\s)until=/;

/** Text of the comment as a message shows it: quoted, cut after 60 characters (a comment may hold anything). */
const shown = (x: string): string => `'${cut(x, 60)}'`;
/** The first ten tokens, shown; the rest counted. */
const quote = (xs: readonly string[]): string => xs.slice(0, 10).map(shown).join(', ') + (xs.length > 10 ? ` and ${xs.length - 10} more` : '');
const plural = (xs: readonly unknown[]): string => (xs.length > 1 ? 's' : '');

/** Whether a comment's inner text is a directive, valid or not: the keyword, then whitespace or the end (not `sg-lint-ignored`, `sg-lint-ignore-next-line`). */
export function isDirective(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith(KEYWORD) && (trimmed.length === KEYWORD.length || /^\s/.test(trimmed.slice(KEYWORD.length)));
}

/**
 * Parses one comment's inner text. Returns null when the text is not a directive (it does not start with the
 * `sg-lint-ignore` keyword followed by whitespace or the end), otherwise a valid directive or an invalid one with a
 * human-readable message (reported as `suppression-invalid`). The first problem found is reported.
 */
export function parseDirective(text: string, opts: ParseOptions): DirectiveResult | null {
  if (!isDirective(text)) return null;
  const body = text.trim().slice(KEYWORD.length);

  const sep = SEPARATOR.exec(body);
  const head = sep ? body.slice(0, sep.index) : body;
  const reason = sep ? body.slice(sep.index + sep[0].length).trim() : '';

  // Ids come first as one comma-separated token (whitespace around commas allowed); the rest are options.
  const tokens = head.trim().replace(/\s*,\s*/g, ',').split(/\s+/).filter(Boolean);
  const first = tokens[0];
  const idToken = first !== undefined && !first.startsWith('until=') ? first : undefined;
  const named = idToken === undefined ? [] : idToken.split(',');
  const rules = [...new Set(named.filter(Boolean))];
  const options = idToken === undefined ? tokens : tokens.slice(1);
  const fail = (message: string): DirectiveResult => ({ ok: false, message, rules });

  if (rules.length === 0) return fail(`no rule ids: ${GRAMMAR}`);
  if (named.includes('')) return fail(`empty rule id in ${shown(idToken!)} (stray comma)`);
  const malformed = rules.filter((id) => !RULE_ID.test(id));
  if (malformed.length > 0) {
    return fail(`malformed rule id${plural(malformed)} ${quote(malformed)}: rule ids are exact kebab-case, no wildcards`);
  }
  if (!sep) return fail(`missing ' -- <reason>': every suppression needs a reason; ${GRAMMAR}`);

  const untils = options.filter((t) => t.startsWith('until='));
  const unexpected = options.filter((t) => !t.startsWith('until='));
  if (unexpected.length > 0) {
    return fail(
      `unexpected ${quote(unexpected)} before ' -- ': only comma-separated rule ids and an optional until=YYYY-MM-DD may appear there`,
    );
  }
  if (untils.length > 1) return fail(`duplicate until= (${quote(untils)}): give one expiry date`);
  const until = untils[0]?.slice('until='.length);
  if (until !== undefined && !isCalendarDate(until)) {
    return fail(`until=${cut(until, 60)} is not a valid date: expected a real calendar date as YYYY-MM-DD`);
  }
  if (reason === '') return fail(`empty reason after ' -- ': say why this is suppressed`);
  if (UNTIL_TOKEN.test(reason)) return fail(`misplaced until= in the reason: put until=YYYY-MM-DD before ' -- '`);

  const unknown = rules.filter((id) => !opts.knownRules.has(id));
  if (unknown.length > 0) return fail(`unknown rule id${plural(unknown)} ${quote(unknown)}`);
  if (until !== undefined && isExpired(until, opts.today)) return fail(`suppression expired on ${until}`);

  return { ok: true, directive: until === undefined ? { rules, reason } : { rules, until, reason } };
}

/** True for a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A directive holds through its `until` date (UTC) and stops from the next day. Both dates are YYYY-MM-DD. */
export function isExpired(until: string, today: string): boolean {
  return until < today;
}

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Where a directive applies. */
export interface CommentLike {
  text: string;
  line: number;
  /** Nothing but whitespace before the comment on its line. */
  ownLine: boolean;
}

/**
 * The 1-based line a directive applies to, or null when it applies to none. A directive that follows code targets
 * its own line. One alone on its line targets the next line below that is neither comment-only nor blank, skipping
 * comment-only lines (so directives stack); a blank line in between, or reaching the end of the file (when
 * `lineCount` is given), detaches it.
 */
export function targetLine(
  comment: CommentLike,
  commentOnlyLines: ReadonlySet<number>,
  blankLines: ReadonlySet<number>,
  lineCount = Number.POSITIVE_INFINITY,
): number | null {
  if (!comment.ownLine) return comment.line;
  for (let line = comment.line + 1; line <= lineCount; line++) {
    if (blankLines.has(line)) return null;
    if (!commentOnlyLines.has(line)) return line;
  }
  return null;
}

/**
 * 1-based comment-only and blank lines of a file. `commentLineStarts` receives each trimmed non-blank line and says
 * whether it starts with a comment marker of the file's format. `lineCount` does not count the empty remainder after
 * a final newline.
 */
export function lineKinds(
  text: string,
  commentLineStarts: (line: string) => boolean,
): { commentOnly: Set<number>; blank: Set<number>; lineCount: number } {
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const commentOnly = new Set<number>();
  const blank = new Set<number>();
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') blank.add(i + 1);
    else if (commentLineStarts(line)) commentOnly.add(i + 1);
  });
  return { commentOnly, blank, lineCount: lines.length };
}

const SUPPRESSION_KEYWORD = /sg-lint-ignore|checkov:skip=|bridgecrew:skip=|tflint-ignore|tfsec:|trivy:|kics-scan/i;

/**
 * Whether a text may hold a suppression, sg-lint's or another scanner's: it has one of their keywords, in any case. A
 * comment's text is part of its file's, so a file without one has no comment that `maySuppress` (and its comments need
 * not be collected). Keep it in step with `isDirective` and `parsePeerComment`.
 */
export function mayHoldSuppression(text: string): boolean {
  return SUPPRESSION_KEYWORD.test(text);
}

/** Whether a comment may be a suppression, sg-lint's (valid or not) or another scanner's, or stands for one (a Metadata entry). */
export function maySuppress(comment: SourceComment): boolean {
  return comment.scope !== undefined || comment.invalid !== undefined || (mayHoldSuppression(comment.text) && (isDirective(comment.text) || parsePeerComment(comment.text).length > 0));
}
