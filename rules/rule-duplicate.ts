import { defineRule, noOptions, type RuleContext } from '../src/engine/define-rule.js';
import { compareSpans } from '../src/model/location.js';
import { ruleTraffic, trafficLabel } from '../src/model/traffic.js';
import type { SgRule } from '../src/model/types.js';
import { addTo, groupAddress, groupLabel } from './_shared.js';
import { ruleForms, together, type RuleForm, type RuleForms } from './_rule-forms.js';

export default defineRule({
  id: 'rule-duplicate',
  title: 'The same rule stated twice for one group',
  description:
    'Flags a rule whose direction, protocol, ports and peer repeat an earlier rule of the same group, in any form (inline or standalone, or a copy made by a loop). CIDRs and protocols compare in canonical form, as AWS compares them; descriptions play no part.',
  level: 'warning',
  securitySeverity: 2.0,
  tags: ['hygiene', 'deploy-failure'],
  practice: 1,
  options: noOptions,
  messages: {
    duplicate: '{direction} rule for {traffic} {preposition} {peer} on group `{group}` repeats the rule at {first}',
    copy: '{direction} rule for {traffic} {preposition} {peer} on group `{group}` is produced twice by this statement{instances}',
  },
  check(ctx) {
    const byGroup = new Map<string, SgRule[]>();
    for (const rule of ctx.model.rules.values()) {
      if (rule.group && !rule.implicit) addTo(byGroup, rule.group, rule);
    }
    for (const rules of byGroup.values()) {
      if (rules.length < 2) continue;
      const seen = new Map<string, RuleForm[]>();
      const all = rules.map((rule) => ruleForms(ctx.model, rule));
      const forms: RuleForm[] = [];
      for (const a of all) for (const f of a.forms) if (f.traffic !== null) forms.push(f);
      if (all.some((a) => a.unknownPeers.length > 0 || a.unknownTraffic.length > 0)) reportUnknowns(ctx, rules, all, forms);
      forms.sort((a, b) => compareSpans(a.peer.at, b.peer.at) || compareSpans(a.rule.at, b.rule.at));
      for (const form of forms) {
        const key = `${form.rule.direction}|${form.traffic}|${form.peer.kind}|${form.peer.key}`;
        const earlier = seen.get(key);
        if (!earlier) {
          seen.set(key, [form]);
          continue;
        }
        const first = earlier.find((e) => e.rule.id !== form.rule.id && together(e.when, form.when) !== null);
        earlier.push(form);
        if (first) report(ctx, form, first, key);
      }
    }
  },
});

/** An unknown peer or unknown ports kept the rule from deciding only where the rest of the rule matches another one. */
function reportUnknowns(ctx: RuleContext<unknown>, rules: SgRule[], all: RuleForms[], forms: RuleForm[]): void {
  const traffic = new Set(forms.map((f) => `${f.rule.direction}|${f.traffic}`));
  const peers = new Set(forms.map((f) => `${f.rule.direction}|${f.peer.kind}|${f.peer.key}`));
  all.forEach((a, i) => {
    const rule = rules[i]!;
    const d = rule.direction;
    if (a.unknownPeers.length > 0 && ruleTraffic(rule).some((t) => t.ok && traffic.has(`${d}|${trafficLabel(t.reach)}`))) a.unknownPeers.forEach((u) => ctx.unresolved(u));
    if (a.unknownTraffic.length > 0 && a.forms.some((f) => peers.has(`${d}|${f.peer.kind}|${f.peer.key}`))) a.unknownTraffic.forEach((u) => ctx.unresolved(u));
  });
}

function report(ctx: RuleContext<unknown>, form: RuleForm, first: RuleForm, key: string): void {
  const rule = form.rule;
  const group = groupAddress(ctx.model, rule);
  const when = together(first.when, form.when) ?? [];
  const at = first.peer.at;
  // Copies made by a loop, by instances of one resource or by a list that repeats an element share their location.
  const copy = compareSpans(at, form.peer.at) === 0;
  const instances = first.rule.resource !== rule.resource ? ` (\`${first.rule.resource}\` and \`${rule.resource}\`)` : '';
  ctx.report({
    messageId: copy ? 'copy' : 'duplicate',
    data: {
      direction: rule.direction === 'ingress' ? 'Ingress' : 'Egress',
      traffic: form.traffic!,
      preposition: rule.direction === 'ingress' ? 'from' : 'to',
      peer: form.peer.label,
      group: groupLabel(ctx.model, rule),
      ...(copy ? { instances } : { first: `${at.file}:${at.start.line}${first.rule.resource === groupLabel(ctx.model, rule) ? '' : ` (\`${first.rule.resource}\`)`}` }),
    },
    at: form.peer.at,
    resource: rule.resource,
    ...(group ? { group } : {}),
    related: [{ at, message: `the first ${rule.direction} rule for ${form.traffic} ${rule.direction === 'ingress' ? 'from' : 'to'} ${first.peer.label}` }],
    ...(when.length > 0 ? { when } : {}),
    key,
  });
}
