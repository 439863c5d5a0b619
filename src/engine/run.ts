import type { EffectiveRule } from '../config/resolve.js';
import { compareSpans, type Span } from '../model/location.js';
import { peerValue, type Model } from '../model/types.js';
import { alternatives, type Unresolved, type Value } from '../model/value.js';
import type { ParsedFile } from '../parsers/types.js';
import { BUILTIN_MESSAGES } from './builtins.js';
import type { Level, OnlineLookup, ReportDescriptor, RuleContext, RuleModule } from './define-rule.js';
import { LEVEL_RANK, type Finding, type RunError } from './result.js';
import { collectDirectives, inlineSuppression, type Suppression } from './suppress.js';
import { collectPeerDirectives } from './peers/collect.js';
import { isDownloadedModule } from '../util/paths.js';
import { memoized } from '../util/maps.js';
import { cut } from '../util/strings.js';
import { conditionSuffix, fingerprint, insideRoot, mergeInstances, rootOf, stableResource, type RootSource, type Unmerged } from './identity.js';
import { appendAll } from '../util/arrays.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRule = RuleModule<any>;

export interface EngineInput {
  model: Model;
  files: ParsedFile[];
  /** Every known rule, in precedence order (rules/index.ts, then plugins). */
  registry: AnyRule[];
  settingsFor(file: string): { rules: Map<string, EffectiveRule>; environments: string[] };
  /** Config `ignore` entries (and later the baseline), asked for each finding inline directives did not cover. */
  externalSuppression?(finding: Finding): Suppression | undefined;
  /** Whether other scanners' suppressions count in a file (config `suppressions.peers`; default true). */
  peerSuppressions?(file: string): boolean;
  /** `--strict-suppressions`: a peer suppression without a reason suppresses nothing and is reported. */
  strictSuppressions?: boolean;
  today: string;
  /** The online pass's verdicts: online rules run only when it is given, and only they see it. */
  online?: OnlineLookup;
  /** A file path as findings hold it, relative to the top level of its git repository, so fingerprints do not depend on the working directory. */
  repoPath?: (file: string) => string;
}

/** What a finding's identity is made of, beyond the finding itself. */
interface Identity {
  sources: ReadonlyMap<string, RootSource>;
  repoPath: (file: string) => string;
}

interface Pending extends ReportDescriptor {
  ruleId: string;
  level: Level;
}

/** Runs every enabled rule over the model and returns findings with the no-overlap precedence and suppressions applied. */
export function runRules(input: EngineInput): { findings: Finding[]; errors: RunError[]; unresolved: Unresolved[] } {
  const errors: RunError[] = [];
  const pending: Pending[] = [];
  const unresolved = new Map<string, { value: Unresolved; rules: Set<string> }>();
  const files = filesBySettings(input);

  const online = input.online;
  const identity: Identity = { sources: new Map(input.files.map((f) => [f.path, { format: f.format, ...(f.root ? { root: f.root } : {}) }])), repoPath: input.repoPath ?? ((f) => f) };
  for (const rule of input.registry) {
    if (rule.online && !online) continue;
    for (const batch of optionBatches(rule.id, files)) {
      const ctx: RuleContext<Record<string, unknown>> = {
        model: input.model,
        options: batch.options,
        report: (d) => {
          const settings = batch.levelOf(d.at.file);
          if (settings === undefined) return;
          // A finding may cap its own level (e.g. broad rather than world sources); it never raises the configured one.
          const level = d.levelOverride && LEVEL_RANK[d.levelOverride] < LEVEL_RANK[settings] ? d.levelOverride : settings;
          pending.push({ ...d, ruleId: rule.id, level });
        },
        unresolved: (value) => {
          const key = `${spanKey(value.at)}|${value.expr}`;
          const entry = unresolved.get(key) ?? { value, rules: new Set<string>() };
          entry.rules.add(rule.id);
          unresolved.set(key, entry);
        },
        environmentsOf: (file) => input.settingsFor(file).environments,
      };
      try {
        if (rule.online) rule.check({ ...ctx, online: online! });
        else rule.check(ctx);
      } catch (e) {
        errors.push({ kind: 'internal', message: `rule ${rule.id} threw: ${(e as Error).stack ?? String(e)}` });
      }
    }
  }

  const unmerged: Unmerged[] = applyPrecedence(pending, input.registry).map(toFinding(input.registry, identity));
  const values = unresolvedEntries(input.model, unresolved, (at) => rootOf(at, identity.sources));
  appendAll(unmerged, builtinFindings(input, values, identity));
  const own = collectDirectives(input.files, new Set(input.registry.map((r) => r.id)), input.today);
  const peers = collectPeerDirectives(input.files, { today: input.today, strict: Boolean(input.strictSuppressions), enabled: input.peerSuppressions ?? (() => true) });
  for (const d of [...own.invalid, ...peers.invalid]) {
    const configured = levelFor('suppression-invalid', d.file, input);
    if (!configured || configured === 'off') continue;
    const level = d.maxLevel && LEVEL_RANK[d.maxLevel] < LEVEL_RANK[configured] ? d.maxLevel : configured;
    const at: Span = { file: d.file, start: d.at.start, end: d.at.end, path: '' };
    unmerged.push(makeFinding(identity, 'suppression-invalid', level, 'invalid', { detail: d.message }, at, '', `${d.message}|${d.rules.join(',')}`));
  }
  for (const { finding } of unmerged) {
    // sg-lint's own directives first, then other scanners', then config entries and the baseline.
    const suppression = inlineSuppression(own.active, finding.ruleId, finding.at) ?? inlineSuppression(peers.active, finding.ruleId, finding.at) ?? input.externalSuppression?.(finding);
    if (suppression) finding.suppressed = suppression;
  }
  const findings = mergeInstances(unmerged);
  findings.sort(compareFindings);
  return { findings, errors, unresolved: values.map((e) => e.value) };
}

type Settings = ReturnType<EngineInput['settingsFor']>;

/** The analyzed files by their settings: files under one config share one settings object, asked about once per rule. */
interface FilesBySettings {
  settingsOf: Map<string, Settings>;
  /** Each distinct settings object, in the order of its first file. */
  distinct: Settings[];
}

function filesBySettings(input: EngineInput): FilesBySettings {
  const settingsOf = new Map<string, Settings>();
  const distinct = new Set<Settings>();
  for (const f of input.files) {
    if (settingsOf.has(f.path)) continue;
    const settings = input.settingsFor(f.path);
    settingsOf.set(f.path, settings);
    distinct.add(settings);
  }
  return { settingsOf, distinct: [...distinct] };
}

/**
 * Groups files by the options a rule has for them, so a rule runs once per distinct options object; `levelOf` gives
 * the level of the files it is on for (undefined for the others).
 */
function optionBatches(ruleId: string, files: FilesBySettings): { options: Record<string, unknown>; levelOf: (file: string) => Level | undefined }[] {
  const batches = new Map<string, { options: Record<string, unknown>; levels: Map<Settings, Level> }>();
  // Files under one config share their options object: it is written out once.
  const keys = new Map<Record<string, unknown>, string>();
  for (const settings of files.distinct) {
    const eff = settings.rules.get(ruleId);
    if (!eff || eff.level === 'off') continue;
    const key = keys.get(eff.options) ?? JSON.stringify(eff.options);
    keys.set(eff.options, key);
    const batch = batches.get(key) ?? { options: eff.options, levels: new Map<Settings, Level>() };
    batch.levels.set(settings, eff.level);
    batches.set(key, batch);
  }
  return [...batches.values()].map(({ options, levels }) => ({
    options,
    levelOf: (file) => {
      const settings = files.settingsOf.get(file);
      return settings && levels.get(settings);
    },
  }));
}

function levelFor(ruleId: string, file: string, input: EngineInput): Level | 'off' | undefined {
  return input.settingsFor(file).rules.get(ruleId)?.level;
}

/** RULES.md "No overlap": of the findings that share a claim, only the rule first in the family's order keeps its finding. */
function applyPrecedence(pending: Pending[], registry: AnyRule[]): Pending[] {
  const order = new Map(registry.map((r, i) => [r.id, i]));
  const winners = new Map<string, Pending>();
  for (const p of pending) {
    if (!p.claim) continue;
    const current = winners.get(p.claim);
    if (!current || order.get(p.ruleId)! < order.get(current.ruleId)!) winners.set(p.claim, p);
  }
  const kept = pending.filter((p) => !p.claim || winners.get(p.claim)?.ruleId === p.ruleId);
  const keptClaims = new Set(kept.filter((p) => p.claim).map((p) => `${p.ruleId}\0${p.claim}`));
  return kept.filter((p) => !p.yieldsTo || !keptClaims.has(`${p.yieldsTo.rule}\0${p.yieldsTo.claim}`));
}

function toFinding(registry: AnyRule[], identity: Identity): (p: Pending) => Unmerged {
  const byId = new Map(registry.map((r) => [r.id, r]));
  return (p) => {
    const rule = byId.get(p.ruleId)!;
    const template = rule.messages[p.messageId] ?? p.messageId;
    // Inside a downloaded module (not part of the repository) a finding points at the outermost call site in the
    // repository, with the in-module location related (RULES.md "Where a finding points").
    const outside = isDownloadedModule(p.at.file) ? (p.at.via ?? []).find((call) => !isDownloadedModule(call.file)) : undefined;
    const at = outside ?? p.at;
    const u = makeFinding(identity, p.ruleId, p.level, p.messageId, p.data ?? {}, at, p.resource, p.key, template, p.when, rootOf(p.at, identity.sources));
    const f = u.finding;
    if (p.group) f.group = p.group;
    if (p.properties) f.properties = p.properties;
    // The call chain (nested stacks, module calls) that led to the value, outermost first.
    const calls = (p.at.via ?? []).filter((call) => call !== outside).map((call) => ({ at: call, message: 'reached through this call' }));
    const inModule = outside ? [{ at: p.at, message: 'inside the downloaded module' }] : [];
    const defined = p.at.defined ? [{ at: p.at.defined, message: 'the value is written here' }] : [];
    f.related = [...inModule, ...defined, ...(p.related ?? []), ...calls];
    return u;
  };
}

export function render(template: string, data: Record<string, string | number>): string {
  const parts = templateParts(template);
  if (parts.length === 1) return template;
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const k = parts[i]!;
    out += (k in data ? String(data[k]) : `{${k}}`) + parts[i + 1]!;
  }
  return out;
}

/** A message template cut at its `{name}` placeholders: text, name, text, … (templates are few; findings are many). */
const templateParts = memoized((template: string) => template.split(/\{(\w+)\}/), 1 << 12);

function makeFinding(
  identity: Identity,
  ruleId: string,
  level: Level,
  messageId: string,
  data: Record<string, string | number>,
  at: Span,
  resource: string,
  key: string,
  template = BUILTIN_MESSAGES[ruleId]?.[messageId] ?? messageId,
  when: string[] = [],
  root = rootOf(at, identity.sources),
): Unmerged {
  // A location outside the root (a shared module, a nested template) names the root, so two roots never read alike.
  const base = render(template, data) + (insideRoot(at.file, root) ? '' : ` (in ${root})`);
  const format = identity.sources.get(at.file)?.format;
  const finding: Finding = {
    ruleId,
    level,
    messageId,
    data,
    message: base + conditionSuffix(when),
    at,
    resource,
    related: [],
    root,
    fingerprint: fingerprint(ruleId, identity.repoPath(root), identity.repoPath(at.file), stableResource(resource, format, root, identity.repoPath), key),
    ...(when.length > 0 ? { conditions: when } : {}),
  };
  return { finding, base, conditions: when };
}

/** Problems of one file a parse-error message lists; the rest are counted. */
const MAX_LISTED_DIAGNOSTICS = 20;
/** Characters of one problem a parse-error message shows. */
const MAX_DIAGNOSTIC_LENGTH = 300;

function builtinFindings(input: EngineInput, values: UnresolvedEntry[], identity: Identity): Unmerged[] {
  const out: Unmerged[] = [];
  for (const file of input.files) {
    if (file.diagnostics.length === 0) continue;
    const level = levelFor('parse-error', file.path, input);
    if (!level || level === 'off') continue;
    const diagnostics = [...file.diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
    const first = diagnostics[0]!;
    const listed = diagnostics.map((d) => (diagnostics.length > 1 ? `${d.line}:${d.column} ${d.message}` : d.message));
    // The finding's identity holds every problem whole; its message the first few, each cut short (a template of 8,000
    // broken nested stacks made a message of 565 KB, and a tag of 100,000 letters one of 100 KB).
    const shown = listed.slice(0, MAX_LISTED_DIAGNOSTICS).map((m) => cut(m, MAX_DIAGNOSTIC_LENGTH));
    const detail = shown.join('; ') + (listed.length > MAX_LISTED_DIAGNOSTICS ? `; and ${listed.length - MAX_LISTED_DIAGNOSTICS} more` : '');
    const pos = { line: first.line, column: first.column };
    const at: Span = { file: file.path, start: pos, end: pos, path: '' };
    out.push(makeFinding(identity, 'parse-error', level, file.analyzed ? 'partial' : 'parse', { detail }, at, '', listed.join('; ')));
  }
  for (const { value, rules, whole } of values) {
    const level = levelFor('unresolved-value', value.at.file, input);
    if (!level || level === 'off') continue;
    const expr = value.expr.replace(/\s+/g, ' ');
    const data = { expr: cut(expr, 100), reason: value.why, rules: rules.join(', ') };
    const messageId = whole ? 'notAnalyzed' : rules.length > 0 ? 'unresolved' : 'unneeded';
    out.push(makeFinding(identity, 'unresolved-value', level, messageId, data, value.at, '', `${value.expr}|${value.why}|${value.at.path}`));
  }
  return out;
}

function spanKey(s: Span): string {
  return `${s.file}:${s.start.line}:${s.start.column}:${s.end.line}:${s.end.column}`;
}

export function compareFindings(a: Finding, b: Finding): number {
  return compareSpans(a.at, b.at) || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

interface UnresolvedEntry {
  value: Unresolved;
  /** The enabled rules it kept from deciding. */
  rules: string[];
  /** It kept a whole part of the configuration from being analyzed (a remote nested stack). */
  whole: boolean;
}

/**
 * Every unresolved value in the model, once per root and place: what the run summary counts and `--report-unresolved`
 * lists, with the rules each one kept from deciding (`needed`, as rules reported them).
 */
function unresolvedEntries(model: Model, needed: Map<string, { value: Unresolved; rules: Set<string> }>, rootOfSpan: (at: Span) => string): UnresolvedEntry[] {
  const seen = new Map<string, UnresolvedEntry>();
  // The rules of one entry share its values: a value met again adds nothing.
  const met = new Set<Unresolved>();
  const add = (value: Unresolved, whole: boolean) => {
    if (met.has(value)) return;
    met.add(value);
    const key = `${rootOfSpan(value.at)}|${spanKey(value.at)}|${value.expr}|${value.why}`;
    if (!seen.has(key)) seen.set(key, { value, whole, rules: [...(needed.get(`${spanKey(value.at)}|${value.expr}`)?.rules ?? [])].sort() });
  };
  const visit = (v: Value<unknown> | null | undefined) => {
    if (!v || v.k === 'known') return;
    if (v.k === 'unresolved') return add(v, false);
    for (const alt of alternatives(v)) if (alt.value.k === 'unresolved') add(alt.value, false);
  };
  for (const u of model.unresolved) add(u, true);
  for (const r of model.rules.values()) {
    visit(r.protocol);
    visit(r.fromPort);
    visit(r.toPort);
    visit(r.description);
    visit(peerValue(r.peer));
  }
  for (const g of model.groups.values()) {
    visit(g.name);
    visit(g.description);
  }
  for (const n of needed.values()) add(n.value, false);
  return [...seen.values()];
}
