// Hover on a security group (its declaration, or one of its rules): what it lets in once every rule is taken into
// account, what it lets out, and the effective exposure of the resources that carry it (as `sg-lint exposure`).
import type { Hover, Position } from 'vscode-languageserver';
import type { Analysis } from '../api.js';
import { effectiveExposure, grantsThrough, type Grant } from '../model/effective.js';
import { comparePos, type Pos, type Span } from '../model/location.js';
import { carriersByGroup } from '../model/targets.js';
import { describeReach, ruleTraffic } from '../model/traffic.js';
import type { Model, SecurityGroup, SgRule } from '../model/types.js';
import { alternatives } from '../model/value.js';
import { conditionLabel, groupLabel, peerLabel, trafficLabel, where } from '../reporters/peer-labels.js';
import { displayPath } from '../util/paths.js';
import { lspRange } from './diagnostics.js';
import { appendAll } from '../util/arrays.js';

/** Resources listed with their exposure under a group, at most. */
const MAX_CARRIERS = 5;

export function hoverAt(analysis: Analysis, cwd: string, abs: string, position: Position): Hover | null {
  const file = displayPath(cwd, abs);
  const pos = { line: position.line + 1, column: position.character + 1 };
  const group = groupAt(analysis.model, file, pos);
  if (!group) return null;
  return { contents: { kind: 'markdown', value: groupMarkdown(analysis.model, group) }, range: lspRange(group.at.start, group.at.end) };
}

const covers = (span: Span, file: string, pos: Pos) => span.file === file && comparePos(span.start, pos) <= 0 && comparePos(pos, span.end) < 0;

/** The group declared at the position, else the group of the rule written there, else a group declared on that line. */
export function groupAt(model: Model, file: string, pos: Pos): SecurityGroup | null {
  const groups = [...model.groups.values()];
  const declared = groups.filter((g) => covers(g.at, file, pos)).sort((a, b) => comparePos(b.at.start, a.at.start))[0];
  if (declared) return declared;
  for (const rule of model.rules.values()) {
    if (rule.implicit || !rule.group) continue;
    if (covers(rule.at, file, pos) || covers(rule.peerAt, file, pos) || covers(rule.entry.at, file, pos)) return model.groups.get(rule.group) ?? null;
  }
  return groups.find((g) => g.at.file === file && g.at.start.line === pos.line) ?? null;
}

export function groupMarkdown(model: Model, group: SecurityGroup): string {
  const out: string[] = [`**Security group \`${group.address}\`**${group.when?.length ? ` (${conditionLabel(group.when)})` : ''}`, ''];
  const ingress = grantsThrough(model, [group.id]);
  out.push('Effective ingress:', '', ...(ingress.length > 0 ? grantTable(model, ingress, 'rule') : ['_nothing can reach it through this group_']), '');
  const egress = group.egress.map((id) => model.rules.get(id)).filter((r): r is SgRule => r !== undefined);
  out.push('Egress:', '', ...(egress.length > 0 ? egressTable(model, egress) : ['_no egress_']), '');
  const carriers = carriersByGroup(model).get(group.id) ?? [];
  if (carriers.length === 0) out.push('Attached to nothing analyzed.');
  else {
    const exposures = new Map(effectiveExposure(model).map((e) => [e.target.key, e]));
    for (const target of carriers.slice(0, MAX_CARRIERS)) {
      const exposure = exposures.get(target.key);
      out.push(`Carried by \`${target.address}\` (${target.kind}, ${where(target.at)}); its exposure with all its groups${exposure?.complete === false ? ' (a lower bound: some of its groups are not known)' : ''}:`, '');
      appendAll(out, exposure && exposure.grants.length > 0 ? grantTable(model, exposure.grants, 'group') : ['_no ingress_']).push('');
    }
    if (carriers.length > MAX_CARRIERS) out.push(`… and ${carriers.length - MAX_CARRIERS} more resources (\`sg-lint exposure\` lists them all).`);
  }
  return out.join('\n').trimEnd() + '\n';
}

function grantTable(model: Model, grants: Grant[], through: 'rule' | 'group'): string[] {
  const withWhen = grants.some((g) => g.when.length > 0);
  const rows = [`| ports | from | ${through} |${withWhen ? ' when |' : ''}`, `|---|---|---|${withWhen ? '---|' : ''}`];
  for (const g of grants) {
    const via = [...new Set(g.via.map((s) => (through === 'rule' ? where(s.rule.peerAt) : groupLabel(model, s.group))))].join(', ');
    rows.push(`| ${cell(trafficLabel(g))} | ${cell(peerLabel(model, g.peer))} | ${cell(via)} |${withWhen ? ` ${cell(conditionLabel(g.when))} |` : ''}`);
  }
  return rows;
}

function egressTable(model: Model, rules: SgRule[]): string[] {
  const rows = ['| ports | to | rule |', '|---|---|---|'];
  for (const rule of rules) {
    const traffic = ruleTraffic(rule)
      .map((t) => (t.ok ? describeReach(t.reach) : `unknown (${t.unresolved.expr || t.unresolved.why})`))
      .join(' or ');
    rows.push(`| ${cell(traffic)} | ${cell(peerOf(model, rule))} | ${rule.implicit ? 'AWS default (implicit)' : cell(where(rule.peerAt))} |`);
  }
  return rows;
}

function peerOf(model: Model, rule: SgRule): string {
  const value = (v: Parameters<typeof alternatives>[0]) =>
    alternatives(v)
      .map((a) => (a.value.k === 'known' ? String(a.value.v) : `unknown ${a.value.expr || a.value.why}`))
      .join(' or ');
  switch (rule.peer.kind) {
    case 'cidr4':
    case 'cidr6':
      return value(rule.peer.cidr);
    case 'prefixList':
      return `prefix list ${value(rule.peer.id)}`;
    case 'securityGroup':
      return rule.peer.ref.kind === 'model' ? `group ${groupLabel(model, rule.peer.ref.id)}` : `group ${value(rule.peer.ref.id)}`;
    case 'self':
      return 'self';
    case 'none':
      return 'nothing';
  }
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
