import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import type { Span } from '../../model/location.js';
import { known, unresolved } from '../../model/value.js';
import { readSource, type SourceOverlay } from '../read.js';
import { OUTSIDE_SCAN_ROOT, type ScanRoot } from '../../util/scan-root.js';
import { displayPath } from '../../util/paths.js';
import { guarded } from '../guard.js';
import { emptyFacts, rollbackPoint, type FrontEndResult, type ParsedFile, type SourceComment } from '../types.js';
import { maySuppress } from '../../engine/directive.js';
import type { EV } from '../values.js';
import { keyOf, loadTemplate, pos, type LoadResult, type TemplateDocument } from './document.js';
import { mayBeTemplate } from './prefilter.js';
import { peerMetadata, resourceRanges } from './peer-metadata.js';
import { TemplateEvaluator } from './intrinsics.js';
import { extractResources } from './resources.js';

export interface CloudFormationOptions {
  cwd: string;
  /** Parameter values given for this run (--parameter, --parameters-file, config), for root templates. */
  parameters: Record<string, string>;
  /** Where reads may go: templates and nested-stack TemplateURLs outside it are refused. */
  scope?: ScanRoot;
  /** Unsaved editor buffers read instead of the files on disk. */
  overlay?: SourceOverlay;
}

const MAX_NESTING = 16;

/**
 * Parses CloudFormation candidates (YAML/JSON files): those that are not templates are dropped silently; templates are
 * analyzed as roots, except those reached through a local nested-stack `TemplateURL`, which are analyzed through each
 * call with the parameters it passes.
 */
export function parseCloudFormation(candidates: string[], opts: CloudFormationOptions): FrontEndResult {
  const result: FrontEndResult = { facts: emptyFacts(), files: [] };
  const templates = new Map<string, TemplateDocument>();
  // Each file is read once, however many nested-stack calls lead to it: one entry in the results, one parse.
  const notTemplates = new Set<string>();
  const load = (abs: string): TemplateDocument | null => {
    if (templates.has(abs)) return templates.get(abs)!;
    if (notTemplates.has(abs)) return null;
    const template = read(abs);
    if (template) templates.set(abs, template);
    else notTemplates.add(abs);
    return template;
  };
  const texts = new Map<string, ReturnType<typeof readSource>>();
  const read = (abs: string): TemplateDocument | null => {
    const path = displayPath(opts.cwd, abs);
    const source = texts.get(abs) ?? readSource(abs, opts.scope, opts.overlay);
    texts.delete(abs);
    if (source.error) {
      if (/\.(template|ya?ml|json)$/.test(abs) && !source.error.includes('binary')) result.files.push(broken(path, '', [{ line: 1, column: 1, message: source.error }]));
      return null;
    }
    const text = source.text!;
    if (!mayBeTemplate(text)) return null;
    const attempt = guarded(text, () => loadTemplate(path, text));
    const loaded: LoadResult = 'failure' in attempt ? { kind: 'broken', diagnostics: [attempt.failure] } : attempt.value;
    if (loaded.kind === 'not-ours') return null;
    if (loaded.kind === 'broken') {
      result.files.push(broken(path, text, loaded.diagnostics));
      return null;
    }
    const template = loaded.template;
    const comments = [...template.comments, ...metadataDirectives(template)];
    // Only directives (ours or another scanner's) need the constructs and resources they may cover.
    const directives = comments.some(maySuppress);
    const parsed: ParsedFile = {
      path,
      format: 'cloudformation',
      text,
      comments,
      constructs: directives ? template.constructs : [],
      ...(directives ? { resources: resourceRanges(template) } : {}),
      peerMarks: peerMetadata(template),
      diagnostics: loaded.diagnostics,
      // A template with diagnostics (an unknown tag, several documents) is analyzed all the same.
      analyzed: true,
    };
    result.files.push(parsed);
    result.facts.files.push({ path, format: 'cloudformation' });
    return template;
  };

  // Parse trees are large: a template's is dropped once it is analyzed, unless a nested-stack call may need it again.
  // Only a template that names AWS::CloudFormation::Stack can call another, so those are read first: then every template
  // reached through a call is known before any other is analyzed as a root.
  const sorted = [...candidates].sort();
  const children = new Set<string>();
  for (const abs of sorted) {
    const source = readSource(abs, opts.scope, opts.overlay);
    texts.set(abs, source);
    if (!source.text?.includes('AWS::CloudFormation::Stack')) continue;
    const t = load(abs);
    for (const call of t ? nestedCalls(t) : []) if (call.local) children.add(resolve(dirname(abs), call.url));
  }

  const explicit = Object.fromEntries(Object.entries(opts.parameters).map(([k, v]) => [k, known(v, cliSpan(k)) as EV]));
  // A template whose analysis fails (nesting too deep to follow) keeps nothing of it and reports the failure; the run goes on.
  const analyze = (abs: string, t: TemplateDocument, params: Record<string, EV>, via: Span[], instance: string, stack: string[]) => {
    const rollback = rollbackPoint(result.facts);
    const attempt = guarded(t.text, () => analyzeTemplate(abs, t, params, via, instance, stack));
    if ('failure' in attempt) {
      rollback();
      const file = result.files.find((f) => f.path === t.path);
      if (file) file.analyzed = false;
      addDiagnostic(result, t.path, attempt.failure.message, { file: t.path, start: attempt.failure, end: attempt.failure, path: '' });
    }
  };
  const analyzeTemplate = (abs: string, t: TemplateDocument, params: Record<string, EV>, via: Span[], instance: string, stack: string[]) => {
    const ev = new TemplateEvaluator(t, via);
    for (const [name, value] of Object.entries(params)) {
      const param = ev.params.get(name);
      if (param) param.explicit = value;
    }
    extractResources({ ev, facts: result.facts, instance, groupsByName: new Map() });
    if (ev.aliasBudgetExceeded()) addDiagnostic(result, t.path, 'too many YAML alias expansions (an alias bomb?); the template was only partly analyzed');
    for (const p of ev.problems.values()) addDiagnostic(result, t.path, p.message, p.at);
    for (const call of nestedCalls(t)) {
      if (ev.resources.get(call.logicalId) === undefined) continue;
      const site = ev.span(call.keyNode, `Resources.${call.logicalId}`);
      if (!call.local) {
        result.facts.unresolved.push(unresolved('remote-template', call.url, site));
        continue;
      }
      const childAbs = resolve(dirname(abs), call.url);
      if (opts.scope && !opts.scope.allows(childAbs)) {
        result.facts.unresolved.push(unresolved('outside-scan-root', call.url, site));
        addDiagnostic(result, t.path, `nested stack ${call.logicalId}: TemplateURL ${call.url} ${OUTSIDE_SCAN_ROOT}`, site);
        continue;
      }
      const child = existsSync(childAbs) ? load(childAbs) : null;
      if (!child) {
        if (!existsSync(childAbs)) addDiagnostic(result, t.path, `nested stack ${call.logicalId}: TemplateURL ${call.url} not found`, site);
        continue;
      }
      if (stack.includes(childAbs) || stack.length >= MAX_NESTING) {
        addDiagnostic(result, t.path, `nested stack ${call.logicalId}: ${stack.includes(childAbs) ? 'the template includes itself' : 'nested too deeply'}`, site);
        continue;
      }
      const passed: Record<string, EV> = {};
      const parameters = ev.deref(call.node.get('Parameters', true) as Node | undefined);
      if (isMap(parameters)) {
        for (const pair of parameters.items) {
          passed[keyOf(pair.key)] = ev.evaluate(pair.value as Node, `Resources.${call.logicalId}.Properties.Parameters.${keyOf(pair.key)}`);
        }
      }
      analyze(childAbs, child, passed, [...via, site], `${instance}@${t.path}#${call.logicalId}`, [...stack, childAbs]);
    }
  };
  for (const abs of sorted) {
    if (children.has(abs)) continue;
    const t = load(abs);
    if (t) analyze(abs, t, explicit, [], '', [abs]);
    if (!children.has(abs)) templates.delete(abs);
  }
  // Files are listed as if every candidate had been read in order, and then the templates only calls reach.
  const rank = new Map(sorted.map((abs, i) => [displayPath(opts.cwd, abs), i]));
  const byRank = (a: { path: string }, b: { path: string }) => (rank.get(a.path) ?? sorted.length) - (rank.get(b.path) ?? sorted.length);
  result.files.sort(byRank);
  result.facts.files.sort(byRank);
  return result;
}

function broken(path: string, text: string, diagnostics: { line: number; column: number; message: string }[]): ParsedFile {
  return { path, format: 'cloudformation', text, comments: [], constructs: [], diagnostics, analyzed: false };
}

function addDiagnostic(result: FrontEndResult, path: string, message: string, at?: Span): void {
  const file = result.files.find((f) => f.path === path);
  file?.diagnostics.push({ line: at?.start.line ?? 1, column: at?.start.column ?? 1, message });
  file?.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
}

function cliSpan(name: string): Span {
  return { file: '--parameter', start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, path: name };
}

interface NestedCall {
  logicalId: string;
  url: string;
  local: boolean;
  node: YAMLMap;
  keyNode: Node;
}

/** `AWS::CloudFormation::Stack` resources with a literal TemplateURL; local means a relative path (no scheme). */
function nestedCalls(t: TemplateDocument): NestedCall[] {
  const resources = isMap(t.root) ? t.root.get('Resources', true) : undefined;
  if (!isMap(resources)) return [];
  const out: NestedCall[] = [];
  for (const pair of resources.items) {
    const body = pair.value;
    if (!isMap(body) || body.get('Type') !== 'AWS::CloudFormation::Stack') continue;
    const props = body.get('Properties', true);
    const url = isMap(props) ? props.get('TemplateURL') : undefined;
    if (typeof url !== 'string' || !isMap(props)) continue;
    out.push({ logicalId: keyOf(pair.key), url, local: !/^[a-z][a-z0-9+.-]*:/i.test(url), node: props, keyNode: pair.key as Node });
  }
  return out;
}

/**
 * `Metadata: { sg-lint: { ignore: [ { rule, reason, until? } ] } }` on a resource: each entry becomes a directive that
 * covers the resource, checked by the same grammar as comments (a missing reason or rule makes it invalid).
 */
function metadataDirectives(t: TemplateDocument): SourceComment[] {
  const resources = isMap(t.root) ? t.root.get('Resources', true) : undefined;
  if (!isMap(resources)) return [];
  const out: SourceComment[] = [];
  for (const pair of resources.items) {
    const body = pair.value;
    const ignore = isMap(body) ? body.getIn(['Metadata', 'sg-lint', 'ignore'], true) : undefined;
    if (ignore === undefined || !isMap(body) || !(pair.key as Node).range || !body.range) continue;
    const scope = { start: pos(t.lines, (pair.key as Node).range![0]), end: pos(t.lines, body.range[1]) };
    const entries = isSeq(ignore) ? ignore.items : [ignore];
    for (const entry of entries) {
      const node = entry as Node;
      const range = node.range ?? body.range;
      const at = { start: pos(t.lines, range[0]), end: pos(t.lines, range[1]) };
      const get = (k: string) => (isMap(node) ? node.get(k) : undefined);
      const rule = get('rule');
      const reason = get('reason');
      const until = get('until');
      const invalid = !isMap(node)
        ? 'a Metadata sg-lint.ignore entry must be a map { rule, reason, until? }'
        : typeof rule !== 'string' || rule.trim() === ''
          ? 'this Metadata sg-lint.ignore entry names no rule'
          : typeof reason !== 'string' || reason.trim() === ''
            ? `this Metadata sg-lint.ignore entry for ${rule} gives no reason: every suppression needs one`
            : undefined;
      const text = `sg-lint-ignore ${String(rule)}${until !== undefined ? ` until=${String(until)}` : ''} -- ${String(reason)}`;
      out.push({ text, at, ownLine: true, scope, ...(invalid ? { invalid } : {}) });
    }
  }
  return out;
}
