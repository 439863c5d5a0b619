import { hash } from 'node:crypto';
import type { SourceFormat } from '../model/types.js';
import type { Finding, FindingInstance } from './result.js';
import { addTo } from '../util/maps.js';

/**
 * Finding identity (CONTRACTS.md "Finding identity"): every finding belongs to a root, the deployment unit it was
 * reached from; within a root, the instances and variants that give the same rule at the same location are one finding.
 */

export { rootOf, type RootSource } from '../model/roots.js';

/** True when `file` is the root itself or lies in the root's directory. */
export function insideRoot(file: string, root: string): boolean {
  if (file === root) return true;
  if (root === '.') return !file.startsWith('../') && !file.startsWith('/');
  return file.startsWith(`${root}/`);
}

/**
 * A resource address without what distinguishes its instances: Terraform's module path and `count`/`for_each` keys
 * (`module.a["x"].aws_security_group.this[0]` → `aws_security_group.this`). Other formats' addresses name one resource.
 */
export function stableResource(resource: string, format: SourceFormat | undefined, root = '', repoPath: (file: string) => string = (f) => f): string {
  // A CDK construct outside any app (no cdk.json) is its own root, named by its file as the run sees it: the
  // fingerprint names it from the repository instead, so that it does not depend on the working directory.
  if (format === 'cdk' && root !== '' && resource.startsWith(`${root}#`)) return repoPath(root) + resource.slice(root.length);
  if (format !== 'terraform') return resource;
  return resource
    .replace(/^(?:module\.[\w-]+(?:\[[^\]]*\])?\.)+/, '')
    .replace(/\[[^\]]*\]/g, '');
}

export function fingerprint(ruleId: string, root: string, file: string, resource: string, key: string): string {
  return hash('sha256', `${ruleId}\0${root}\0${file}\0${resource}\0${key}`, 'hex').slice(0, 32);
}

/** Condition labels longer than this are shortened in messages; the full text stays in the JSON and SARIF properties. */
export const MAX_CONDITION_LABEL = 120;

export function shortenLabel(label: string): string {
  return label.length <= MAX_CONDITION_LABEL ? label : `${label.slice(0, MAX_CONDITION_LABEL - 1).trimEnd()}…`;
}

/** "when A is true and B is false, with prod.tfvars", each part shortened, or '' without conditions. */
export function conditionText(conditions: readonly string[]): string {
  const labels = [...new Set(conditions.flatMap((w) => w.split(' and ')))];
  const varFiles = labels.filter((w) => w.startsWith('with '));
  const others = labels.filter((w) => !w.startsWith('with '));
  return [...(others.length > 0 ? [shortenLabel(`when ${others.join(' and ')}`)] : []), ...varFiles.map(shortenLabel)].join(', ');
}

/** " (when …)" after a message, or ''. */
export function conditionSuffix(conditions: readonly string[]): string {
  if (conditions.length === 0) return '';
  // Findings of one rule under one condition are many; the conditions they name are few.
  const key = JSON.stringify(conditions);
  let suffix = suffixes.get(key);
  if (suffix === undefined) {
    if (suffixes.size >= 1 << 12) suffixes.clear();
    const text = conditionText(conditions);
    suffixes.set(key, (suffix = text ? ` (${text})` : ''));
  }
  return suffix;
}

const suffixes = new Map<string, string>();

const SHOWN_INSTANCES = 4;

/** A finding with what merging needs: its message without conditions, and those conditions. */
export interface Unmerged {
  finding: Finding;
  /** The rendered message without the condition suffix. */
  base: string;
  /** Conditions under which this instance holds. */
  conditions: string[];
}

/**
 * Merges, within each root, the findings of one rule at one location with the same content (instances, variants, call
 * paths) into one: its message names how many instances there are, and every instance's related locations are kept.
 * The merged findings are those of `list`, changed in place: the list is not to be read afterwards.
 */
export function mergeInstances(list: Unmerged[]): Finding[] {
  const groups = new Map<string, Unmerged[]>();
  for (const u of list) {
    const f = u.finding;
    const s = f.suppressed;
    const key = [f.fingerprint, f.messageId, f.at.file, f.at.start.line, f.at.start.column, f.at.end.line, f.at.end.column, s ? `${s.kind}|${s.reason}|${s.until ?? ''}` : ''].join('\0');
    addTo(groups, key, u);
  }
  return [...groups.values()].map(merged);
}

function merged(same: Unmerged[]): Finding {
  if (same.length === 1) {
    // Most findings have no other instance: nothing to merge but their own related locations.
    const f = same[0]!.finding;
    if (f.related.length > 1) f.related = relatedOf(same, same[0]!);
    return f;
  }
  const byKey = new Map<string, { instance: FindingInstance; u: Unmerged }>();
  for (const u of same) {
    const instance = instanceOf(u);
    const key = `${instance.resource}\0${(instance.conditions ?? []).join('\0')}`;
    if (!byKey.has(key)) byKey.set(key, { instance, u });
  }
  const sorted = [...byKey.entries()].sort(([a], [b]) => compareText(a, b)).map(([, v]) => v);
  const first = sorted[0]!.u;
  // The unmerged findings are not used again: the first becomes the merged one rather than a copy of it.
  const f: Finding = first.finding;
  f.related = relatedOf(same, first);
  if (sorted.length <= 1) return f;
  const instances = sorted.map((s) => s.instance);
  const texts = instances.map((i) => conditionText(i.conditions ?? []));
  const shared = texts.every((t) => t === texts[0]);
  const severalResources = new Set(instances.map((i) => i.resource)).size > 1;
  const labels = instances.map((i, n) => (severalResources ? i.resource + (shared || !texts[n] ? '' : ` (${texts[n]})`) : texts[n] || i.resource));
  const shown = labels.slice(0, SHOWN_INSTANCES).join(', ');
  const more = labels.length > SHOWN_INSTANCES ? ` and ${labels.length - SHOWN_INSTANCES} more` : '';
  const conditions = shared ? conditionSuffix(instances[0]!.conditions ?? []) : '';
  f.message = `${first.base}${conditions} (in ${labels.length} ${severalResources ? 'instances' : 'variants'}: ${shown}${more})`;
  f.instances = instances;
  // Conditions that differ between instances are theirs, listed with each instance.
  if (!shared) delete f.conditions;
  return f;
}

function instanceOf(u: Unmerged): FindingInstance {
  return { resource: u.finding.resource, ...(u.finding.group ? { group: u.finding.group } : {}), ...(u.conditions.length > 0 ? { conditions: u.conditions } : {}) };
}

/** The first instance's related locations, then the others' that differ (their call sites), each once. */
function relatedOf(same: Unmerged[], first: Unmerged): Finding['related'] {
  const out: Finding['related'] = [];
  const seen = new Set<string>();
  for (const u of [first, ...same.filter((x) => x !== first)]) {
    for (const r of u.finding.related) {
      const key = `${r.at.file}:${r.at.start.line}:${r.at.start.column}:${r.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(r);
    }
  }
  return out;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
