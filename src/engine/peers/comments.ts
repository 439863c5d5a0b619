/**
 * Other scanners' suppression comments (pure, no I/O). The caller strips the comment markers and passes the inner text,
 * as for sg-lint's own directives.
 */
import type { PeerTool } from '../../parsers/types.js';

/**
 * Where a peer comment applies, in that tool's own terms:
 * - `resource`: anywhere inside a resource, covering all of it (checkov);
 * - `target`: the line it ends, or alone on its line the line below, with the block or attribute that starts there
 *   (tfsec, trivy, KICS ignore-block);
 * - `line`: that line only (tflint, KICS ignore-line);
 * - `file`: the whole file, written among the comments at its top (tflint-ignore-file, KICS disable=).
 */
export type PeerPlacement = 'resource' | 'target' | 'line' | 'file';

export interface PeerComment {
  tool: PeerTool;
  /** The check ids named; null for a KICS command that names none and covers every query. */
  ids: string[] | null;
  /** How it was written, for reports: the command (`ignore-block`) when it names no id. */
  form?: string;
  placement: PeerPlacement;
  reason?: string;
  /** tfsec/trivy `:exp:`, as written (it may not be a valid date). */
  expires?: string;
  /** tfsec `:ws:` (a Terraform workspace). */
  workspace?: string;
  /** Why sg-lint does not honour it although it names ids (a wildcard, an attribute filter): reported only in strict mode. */
  unsupported?: string;
}

const CHECKOV = /(?:checkov|bridgecrew):skip=\s*([A-Z_\d]+)(?::([^\n]*))?/;

/** The peer suppressions in one comment's text, in order (a tfsec/trivy line may hold several). */
export function parsePeerComment(text: string): PeerComment[] {
  const trimmed = text.trim();
  const checkov = CHECKOV.exec(trimmed);
  if (checkov) return [{ tool: 'checkov', ids: [checkov[1]!], placement: 'resource', ...reasonOf(checkov[2]) }];
  if (/^tflint-ignore(?:-file)?:/.test(trimmed)) return tflint(trimmed);
  if (/^kics-scan\s/i.test(trimmed)) return kics(trimmed);
  return ignoreTokens(trimmed);
}

const reasonOf = (text: string | undefined): { reason?: string } => {
  const reason = text?.replace(/^[\s:\-–—#/]+/, '').trim();
  return reason ? { reason } : {};
};

/** `tflint-ignore: a, b # reason` (also `//`), `all` for every rule; `tflint-ignore-file:` at the top of a file. */
function tflint(text: string): PeerComment[] {
  const file = text.startsWith('tflint-ignore-file:');
  const body = text.slice(text.indexOf(':') + 1);
  const cut = body.search(/#|\/\//);
  const list = cut === -1 ? body : body.slice(0, cut);
  const ids = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) return [];
  const reason = cut === -1 ? {} : reasonOf(body.slice(cut));
  const placement = file ? 'file' : 'line';
  if (ids.includes('all')) return [{ tool: 'tflint', ids: [], placement, ...reason, unsupported: "'all' names no rule: sg-lint honours named rules only" }];
  return [{ tool: 'tflint', ids, placement, ...reason }];
}

/** `kics-scan ignore-line`, `ignore-block` (every query), `disable=<id>,<id>` (file); `ignore` (whole file) is not honoured. */
function kics(text: string): PeerComment[] {
  const m = /^kics-scan\s+([a-z-]+)(=\S*)?(.*)$/i.exec(text);
  if (!m) return [];
  const command = m[1]!.toLowerCase();
  const rest = reasonOf(m[3]);
  if ((command === 'ignore-line' || command === 'ignore-block') && !m[2]) return [{ tool: 'kics', ids: null, form: command, placement: command === 'ignore-line' ? 'line' : 'target', ...rest }];
  if (command === 'disable' && m[2]) {
    const ids = m[2].slice(1).split(',').map((s) => s.trim()).filter(Boolean);
    return ids.length > 0 ? [{ tool: 'kics', ids, placement: 'file', ...rest }] : [];
  }
  if (command === 'ignore' && !m[2]) return [{ tool: 'kics', ids: null, form: 'ignore', placement: 'file', ...rest, unsupported: 'a whole file left out of every query is not honoured; name the queries with disable=<id>' }];
  return [];
}

/**
 * `tfsec:ignore:<id>[:exp:YYYY-MM-DD][:ws:<workspace>]` and `trivy:ignore:…`, several to a line, each a
 * whitespace-separated word (leading `#`, `/`, `*` dropped, as trivy reads them). The other words are the reason.
 */
function ignoreTokens(text: string): PeerComment[] {
  const out: PeerComment[] = [];
  const rest: string[] = [];
  for (const raw of text.split(/\s+/)) {
    const word = raw.replace(/^[#/*]+/, '');
    const tool = word.startsWith('tfsec:') ? 'tfsec' : word.startsWith('trivy:') ? 'trivy' : null;
    if (!tool) {
      if (word) rest.push(raw);
      continue;
    }
    const segments = word.slice(tool.length + 1).split(':');
    const sections = new Map<string, string>();
    for (let i = 0; i + 1 < segments.length; i += 2) sections.set(segments[i]!, segments[i + 1]!);
    const ignore = sections.get('ignore');
    if (!ignore) continue;
    const bracket = ignore.indexOf('[');
    const id = bracket === -1 ? ignore : ignore.slice(0, bracket);
    const unsupported =
      id === '*' ? "'*' names no rule: sg-lint honours named rules only" : bracket !== -1 ? `the attribute filter ${ignore.slice(bracket)} is not supported: sg-lint honours ignores of a whole line or block` : undefined;
    out.push({
      tool,
      ids: id === '*' || id === '' ? [] : [id],
      placement: 'target',
      ...(sections.has('exp') ? { expires: sections.get('exp')! } : {}),
      ...(sections.has('ws') ? { workspace: sections.get('ws')! } : {}),
      ...(unsupported ? { unsupported } : {}),
    });
  }
  const reason = reasonOf(rest.join(' '));
  return out.map((c) => ({ ...c, ...reason }));
}
