import { defineRule, noOptions, type RuleContext } from '../src/engine/define-rule.js';
import { repeatedNumbers } from '../src/model/block-keys.js';
import { compareSpans } from '../src/model/location.js';
import { ruleTraffic, trafficLabel } from '../src/model/traffic.js';
import type { SgRule } from '../src/model/types.js';
import { groupBy } from '../src/util/maps.js';
import { NumberList } from '../src/util/number-list.js';
import { addTo, groupAddress, groupLabel } from './_shared.js';
import { plainIpv4Form, ruleForms, together, type RuleForm, type RuleForms } from './_rule-forms.js';

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
    const byGroup = groupBy([...ctx.model.rules.values()], (rule) => (rule.group && !rule.implicit ? rule.group : null));
    for (const rules of byGroup.values()) {
      if (rules.length < 2) continue;
      // Forms are made rule by rule and kept as numbers: only those that share a key are made again, to compare.
      const places = new FormPlaces();
      let unknown = false;
      rules.forEach((rule, r) => {
        const plain = plainIpv4Form(rule);
        if (plain) return places.add(r, 0, rule.direction, plain.traffic, 'cidr4', plain.block);
        const own = ruleForms(ctx.model, rule);
        if (own.unknownPeers.length > 0 || own.unknownTraffic.length > 0) unknown = true;
        own.forms.forEach((form, k) => {
          if (form.traffic !== null) places.add(r, k, rule.direction, form.traffic, form.peer.kind, form.peer.ipv4 ?? form.peer.key);
        });
      });
      if (unknown) {
        const all = rules.map((rule) => ruleForms(ctx.model, rule));
        reportUnknowns(ctx, rules, all, all.flatMap((a) => a.forms.filter((f) => f.traffic !== null)));
      }
      const formsOf = new Map<number, RuleForm[]>();
      const formAt = (place: number): RuleForm => {
        const r = places.ruleOf.at(place);
        let forms = formsOf.get(r);
        if (!forms) formsOf.set(r, (forms = ruleForms(ctx.model, rules[r]!).forms));
        return forms[places.formOf.at(place)]!;
      };
      for (const { form, first } of repeats(places.sharingKeys(), formAt)) report(ctx, form, first, formKey(form));
    }
  },
});

/** What AWS compares: direction, traffic and peer. */
function formKey(form: RuleForm): string {
  return `${form.rule.direction}|${form.traffic}|${form.peer.kind}|${form.peer.key}`;
}

/** Source order: the first written of two equal forms is the one the other repeats. */
function sourceOrder(a: RuleForm, b: RuleForm): number {
  return compareSpans(a.peer.at, b.peer.at) || compareSpans(a.rule.at, b.rule.at);
}

/**
 * The forms of one group's rules by what AWS compares, kept as numbers (a million forms kept as objects cost more to
 * keep than to make again): a form is known by its place, the order it was added in, which gives its rule's index and
 * its own index among that rule's forms. Forms are sorted by direction, traffic and kind of peer (a run of forms shares
 * these: a long list of CIDRs is one run), then by peer: IPv4 blocks by number, other peers by key.
 */
class FormPlaces {
  readonly ruleOf = new NumberList();
  readonly formOf = new NumberList();
  private readonly byKind = new Map<string, { numbers: NumberList; numbered: NumberList; byKey: Map<string, number | number[]> }>();
  private readonly sharing: number[][] = [];
  private bucket: { numbers: NumberList; numbered: NumberList; byKey: Map<string, number | number[]> } | undefined;
  private last: { direction: string; traffic: string; kind: string } | undefined;

  /** Adds the form `index` of rule `rule`, by what AWS compares: `peer` is an IPv4 block's number, else the peer's key. */
  add(rule: number, index: number, direction: string, traffic: string, kind: string, peer: number | string): void {
    const place = this.ruleOf.length;
    this.ruleOf.push(rule);
    this.formOf.push(index);
    const last = this.last;
    if (!last || direction !== last.direction || traffic !== last.traffic || kind !== last.kind) {
      const kindKey = `${direction}|${traffic}|${kind}`;
      this.bucket = this.byKind.get(kindKey) ?? { numbers: new NumberList(), numbered: new NumberList(), byKey: new Map() };
      this.byKind.set(kindKey, this.bucket);
      this.last = { direction, traffic, kind };
    }
    const bucket = this.bucket!;
    if (typeof peer === 'number') {
      bucket.numbers.push(peer);
      bucket.numbered.push(place);
      return;
    }
    const held = bucket.byKey.get(peer);
    if (held === undefined) bucket.byKey.set(peer, place);
    else if (typeof held === 'number') {
      const both = [held, place];
      this.sharing.push(both);
      bucket.byKey.set(peer, both);
    } else held.push(place);
  }

  /** The places of the forms of each key that more than one form has, in the order they were added. */
  sharingKeys(): number[][] {
    const out = [...this.sharing];
    for (const { numbers, numbered } of this.byKind.values()) {
      const repeated = repeatedNumbers(numbers.view());
      if (repeated.size === 0) continue;
      const byNumber = new Map<number, number[]>();
      for (let j = 0; j < numbers.length; j++) if (repeated.has(numbers.at(j))) addTo(byNumber, numbers.at(j), numbered.at(j));
      out.push(...byNumber.values());
    }
    return out;
  }
}

/**
 * Each form (with known traffic) that repeats an earlier one, in source order, of another rule where both can exist
 * together; in source order (of forms, then of places). `sharing` lists the places of forms that share a key.
 */
function repeats(sharing: number[][], formAt: (place: number) => RuleForm): { form: RuleForm; first: RuleForm }[] {
  const found: { form: RuleForm; first: RuleForm; place: number }[] = [];
  for (const places of sharing) {
    const same = places.map((place) => ({ place, form: formAt(place) })).sort((a, b) => sourceOrder(a.form, b.form) || a.place - b.place);
    same.forEach(({ place, form }, n) => {
      for (let e = 0; e < n; e++) {
        const first = same[e]!.form;
        if (first.rule.id === form.rule.id || together(first.when, form.when) === null) continue;
        found.push({ form, first, place });
        break;
      }
    });
  }
  return found.sort((a, b) => sourceOrder(a.form, b.form) || a.place - b.place);
}

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
