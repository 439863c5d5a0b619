// The AWS export front end: what `aws ec2 describe-security-groups` prints (with describe-network-interfaces and the
// managed-prefix-list commands' output beside it), read from files or fetched by `sg-lint aws`.
import type { Span } from '../../model/location.js';
import { unresolved } from '../../model/value.js';
import type { ScanRoot } from '../../util/scan-root.js';
import { displayPath } from '../../util/paths.js';
import { guarded } from '../guard.js';
import { readSource, type SourceOverlay } from '../read.js';
import { emptyFacts, rollbackPoint, type FrontEndResult, type ParsedFile } from '../types.js';
import { field, loadExport, NONE, spanOf, type ExportDocument, type JsonValue } from './document.js';
import { extractGroups, GroupIndex, indexGroups, type ExportContext } from './groups.js';
import { extractInterfaces } from './interfaces.js';
import { directoryOf, PrefixLists } from './inventory.js';

export interface ExportSource {
  /** The path findings name (a display path, or where `sg-lint aws --save` writes the text). */
  path: string;
  text: string;
}

/** Reads export files (discovery recognised them by their first bytes) and analyzes them together. */
export function parseAwsExport(candidates: string[], opts: { cwd: string; scope?: ScanRoot; overlay?: SourceOverlay }): FrontEndResult {
  const sources: ExportSource[] = [];
  const unreadable: ParsedFile[] = [];
  for (const abs of [...candidates].sort()) {
    const path = displayPath(opts.cwd, abs);
    const source = readSource(abs, opts.scope, opts.overlay);
    if (source.error) unreadable.push(broken(path, '', [{ line: 1, column: 1, message: source.error }]));
    else sources.push({ path, text: source.text! });
  }
  const result = analyzeExports(sources);
  return { facts: result.facts, files: [...unreadable, ...result.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

/** Analyzes export texts together: files of one directory see each other's prefix lists and network interfaces. */
export function analyzeExports(sources: ExportSource[]): FrontEndResult {
  const result: FrontEndResult = { facts: emptyFacts(), files: [] };
  const docs: { doc: ExportDocument; file: ParsedFile }[] = [];
  for (const { path, text } of sources) {
    const attempt = guarded(text, () => loadExport(path, text));
    const loaded = 'failure' in attempt ? { kind: 'broken' as const, diagnostics: [attempt.failure] } : attempt.value;
    if (loaded.kind === 'broken') {
      result.files.push(broken(path, text, loaded.diagnostics));
      continue;
    }
    const file: ParsedFile = { path, format: 'aws', text, comments: [], constructs: [], diagnostics: [], analyzed: true };
    result.files.push(file);
    result.facts.files.push({ path, format: 'aws' });
    docs.push({ doc: loaded.doc, file });
  }
  const groups = new GroupIndex();
  const prefixLists = new PrefixLists();
  const filesOf = new Map(docs.map((d) => [d.doc.path, d.file]));
  const problem = (doc: ExportDocument, at: JsonValue, message: string) => {
    const span = spanOf(doc, at, '');
    const file = filesOf.get(doc.path)!;
    file.diagnostics.push({ line: span.start.line, column: span.start.column, message });
    file.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  };
  for (const { doc } of docs) {
    indexGroups(doc, groups);
    prefixLists.add(doc, (at, message) => problem(doc, at, message));
  }
  const ctx: ExportContext = { facts: result.facts, groups, prefixList: (file, id) => prefixLists.get(file, id), problem };
  const withInterfaces = new Set(docs.filter((d) => field(d.doc, d.doc.root, 'NetworkInterfaces') !== NONE).map((d) => directoryOf(d.doc.path)));
  for (const { doc, file } of docs) {
    const rollback = rollbackPoint(result.facts);
    const attempt = guarded(doc.text, () => {
      extractGroups(ctx, doc);
      extractInterfaces(ctx, doc);
      if (field(doc, doc.root, 'SecurityGroups') !== NONE && !withInterfaces.has(directoryOf(doc.path))) withoutInterfaces(ctx, doc);
    });
    if ('failure' in attempt) {
      rollback();
      file.analyzed = false;
      file.diagnostics.push(attempt.failure);
    }
  }
  return result;
}

/**
 * Without describe-network-interfaces output beside the export, what carries its groups is not known: one unknown
 * reference per export says so, which keeps group-unattached quiet on it (and shows with --report-unresolved).
 */
function withoutInterfaces(ctx: ExportContext, doc: ExportDocument): void {
  const at: Span = { ...spanOf(doc, field(doc, doc.root, 'SecurityGroups'), 'SecurityGroups') };
  const id = unresolved('not-exported', 'describe-network-interfaces', at);
  ctx.facts.references.push({ ref: { kind: 'external', id }, at });
}

function broken(path: string, text: string, diagnostics: ParsedFile['diagnostics']): ParsedFile {
  return { path, format: 'aws', text, comments: [], constructs: [], diagnostics, analyzed: false };
}
