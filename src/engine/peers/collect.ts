import type { Pos } from '../../model/location.js';
import type { ParsedFile, PeerTool, Range, SourceComment } from '../../parsers/types.js';
import { RangeIndex } from '../../util/range-index.js';
import { isCalendarDate, targetLine } from '../directive.js';
import { commentLineKinds, widestStartingOn, type ActiveDirective, type InvalidDirective, type PeerOrigin } from '../suppress.js';
import { parsePeerComment, type PeerComment } from './comments.js';
import { PEER_TOOLS, peerCheck, rulesOfTool } from './table.js';

export interface PeerOptions {
  /** YYYY-MM-DD, UTC. */
  today: string;
  /** `--strict-suppressions`: a peer suppression without a reason suppresses nothing and is reported. */
  strict: boolean;
  /** Config `suppressions.peers` for the file (true unless set to false). */
  enabled(file: string): boolean;
}

/** One id of a peer suppression, located and with the region it covers (null: it covers nothing in this file). */
interface Candidate {
  tool: PeerTool;
  id: string;
  /** The sg-lint rules it maps to; empty when the id has no counterpart. */
  rules: string[];
  /** False for one that names no check (KICS `ignore-line`, a wildcard). */
  named: boolean;
  reason?: string;
  expires?: string;
  workspace?: string;
  unsupported?: string;
  at: Range;
  line: number | null;
  scope: Range | null;
}

/**
 * Other scanners' suppressions in the files (comments and CloudFormation Metadata), each with the scope that tool gives
 * it and the sg-lint rules its check maps to. Ids with no sg-lint counterpart are passed over; expired ones (`:exp:`),
 * and in strict mode those without a reason or that sg-lint cannot honour, suppress nothing and are reported.
 */
export function collectPeerDirectives(files: ParsedFile[], opts: PeerOptions): { active: ActiveDirective[]; invalid: InvalidDirective[] } {
  const active: ActiveDirective[] = [];
  const invalid: InvalidDirective[] = [];
  for (const file of files) {
    if (!opts.enabled(file.path)) continue;
    for (const c of [...fromComments(file), ...fromMetadata(file)]) {
      const problem = problemOf(c, opts);
      if (problem) {
        if (c.rules.length > 0 && (problem.always || opts.strict)) invalid.push({ file: file.path, at: c.at, message: problem.message, rules: c.rules, ...(problem.note ? { maxLevel: 'note' as const } : {}) });
        continue;
      }
      if (c.rules.length === 0 || (c.line === null && c.scope === null)) continue;
      const origin: PeerOrigin = { tool: c.tool, id: c.id, ...(c.reason ? { reason: c.reason } : {}), ...(c.expires ? { expires: c.expires } : {}), file: file.path, line: c.at.start.line };
      active.push({
        file: file.path,
        rules: new Set(c.rules),
        reason: c.reason ?? `${label(c)}, no reason given`,
        ...(c.expires ? { until: dayBefore(c.expires) } : {}),
        line: c.line,
        scope: c.scope,
        origin,
      });
    }
  }
  return { active, invalid };
}

/** How messages name a peer suppression: by its id, or by its command (KICS `ignore-line`) or wildcard when it names none. */
const label = (c: Candidate) => {
  const name = PEER_TOOLS[c.tool].name;
  if (c.named) return `${name} suppression of ${c.id}`;
  return c.id === '*' ? `${name} suppression of every check` : `${name} ${c.id}`;
};

function problemOf(c: Candidate, opts: PeerOptions): { message: string; always?: boolean; note?: boolean } | null {
  if (c.unsupported) return { message: `${label(c)} is not honoured: ${c.unsupported}` };
  if (c.workspace !== undefined) return { message: `${label(c)} is limited to the workspace '${c.workspace}' and is not honoured: sg-lint's findings hold for every workspace` };
  if (c.expires !== undefined && !isCalendarDate(c.expires)) return { message: `${label(c)} has :exp:${c.expires}, which is not a valid date (YYYY-MM-DD), so it never applies`, always: true };
  if (c.expires !== undefined && c.expires <= opts.today) return { message: `${label(c)} expired on ${c.expires} (its :exp: date)`, always: true, note: true };
  if (!c.reason && opts.strict) return { message: `${label(c)} gives no reason (--strict-suppressions requires one)` };
  return null;
}

function fromComments(file: ParsedFile): Candidate[] {
  const out: Candidate[] = [];
  let kinds: ReturnType<typeof commentLineKinds> | undefined;
  let leading: number | undefined;
  const leadingLines = () => (leading ??= leadingCommentLines(file));
  for (const comment of file.comments) {
    // `.tf.json` "//" properties and sg-lint's own Metadata entries are not comments another tool reads.
    if (comment.scope || comment.invalid) continue;
    for (const peer of parsePeerComment(comment.text)) {
      if (!PEER_TOOLS[peer.tool].commentFormats.includes(file.format)) continue;
      kinds ??= commentLineKinds(file);
      const { line, scope } = placed(peer, comment, file, kinds, leadingLines);
      // KICS ignore-line/ignore-block name no query and cover every one; a wildcard (`*`, `all`) names none either.
      const everyCheck = peer.ids === null || peer.ids.length === 0;
      for (const id of peer.ids === null ? [peer.form!] : everyCheck ? ['*'] : peer.ids) {
        const rules = everyCheck ? rulesOfTool(peer.tool) : (peerCheck(peer.tool, id)?.rules ?? []);
        out.push({ tool: peer.tool, id, rules, named: !everyCheck, ...pick(peer), at: comment.at, line, scope });
      }
    }
  }
  return out;
}

function pick(peer: PeerComment): Pick<Candidate, 'reason' | 'expires' | 'workspace' | 'unsupported'> {
  return {
    ...(peer.reason ? { reason: peer.reason } : {}),
    ...(peer.expires !== undefined ? { expires: peer.expires } : {}),
    ...(peer.workspace !== undefined ? { workspace: peer.workspace } : {}),
    ...(peer.unsupported ? { unsupported: peer.unsupported } : {}),
  };
}

const resourceIndexes = new WeakMap<Range[], RangeIndex<Range>>();

/** The first of a file's resources (in their order) that holds `pos`: each peer comment of a file asks. */
function resourceHolding(resources: Range[], pos: Pos): Range | null {
  let index = resourceIndexes.get(resources);
  if (!index) resourceIndexes.set(resources, (index = new RangeIndex(resources.map((r) => ({ range: r, value: r })))));
  return index.holding(pos)[0] ?? null;
}

/** The line and region a peer comment covers, as its tool places it. */
function placed(
  peer: PeerComment,
  comment: SourceComment,
  file: ParsedFile,
  kinds: ReturnType<typeof commentLineKinds>,
  leading: () => number,
): { line: number | null; scope: Range | null } {
  const at = comment.at.start.line;
  switch (peer.placement) {
    case 'resource': {
      return { line: null, scope: resourceHolding(file.resources ?? [], comment.at.start) };
    }
    case 'target': {
      const line = targetLine({ text: comment.text, line: at, ownLine: comment.ownLine }, kinds.commentOnly, kinds.blank, kinds.lineCount);
      return { line, scope: line === null ? null : widestStartingOn(file.constructs, line) };
    }
    case 'line':
      // tflint: the line it ends or the very next one; KICS ignore-line: the next line of code.
      if (peer.tool === 'tflint') return { line: comment.ownLine ? at + 1 : at, scope: null };
      return { line: targetLine({ text: comment.text, line: at, ownLine: comment.ownLine }, kinds.commentOnly, kinds.blank, kinds.lineCount), scope: null };
    case 'file':
      return at <= leading() ? { line: null, scope: { start: { line: 1, column: 1 }, end: { line: kinds.lineCount + 1, column: 1 } } } : { line: null, scope: null };
  }
}

/** The last line of the comments (and blank lines) a file starts with: where file-wide peer commands are written. */
function leadingCommentLines(file: ParsedFile): number {
  const ownLine = new Set(file.comments.filter((c) => c.ownLine && !c.scope).flatMap((c) => range(c.at.start.line, c.at.end.line)));
  const lines = file.text.split(/\r?\n/);
  let last = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '' && !ownLine.has(i + 1)) break;
    last = i + 1;
  }
  return last;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function fromMetadata(file: ParsedFile): Candidate[] {
  return (file.peerMarks ?? []).map((m) => ({
    tool: m.tool,
    id: m.id,
    rules: peerCheck(m.tool, m.id)?.rules ?? [],
    named: true,
    ...(m.reason ? { reason: m.reason } : {}),
    at: m.at,
    line: null,
    scope: m.scope,
  }));
}

function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
