import { defineRule, noOptions, type RuleContext } from '../src/engine/define-rule.js';
import { repeatedNumbers } from '../src/model/block-keys.js';
import { compareSpans } from '../src/model/location.js';
import { ruleTraffic, trafficLabel } from '../src/model/traffic.js';
import type { Model, SgRule } from '../src/model/types.js';
import { addOneOrMore, groupBy } from '../src/util/maps.js';
import { NumberList } from '../src/util/number-list.js';
import { addTo, groupAddress, groupLabel } from './_shared.js';
import { plainIpv4Form, ruleForms, together, type RuleForm, type RuleForms } from './_rule-forms.js';
import { appendAll } from '../src/util/arrays.js';

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
      const keys = new FormKeys();
      let unknown = false;
      forEachKey(ctx.model, rules, (rule, form, kind, peer) => keys.add(rule, form, kind, peer), () => (unknown = true));
      if (unknown) {
        const all = rules.map((rule) => ruleForms(ctx.model, rule));
        reportUnknowns(ctx, rules, all, all.flatMap((a) => a.forms.filter((f) => f.traffic !== null)));
      }
      const sharing = keys.sharingKeys();
      // The places of IPv4 blocks held by several forms are found by going over the forms again.
      if (keys.repeatsBlocks()) forEachKey(ctx.model, rules, (rule, form, kind, peer) => keys.addRepeated(rule, form, kind, peer));
      appendAll(sharing, keys.repeatedBlocks());
      const formsOf = new Map<number, RuleForm[]>();
      const formAt = (place: Place): RuleForm => {
        let forms = formsOf.get(place.rule);
        if (!forms) formsOf.set(place.rule, (forms = ruleForms(ctx.model, rules[place.rule]!).forms));
        return forms[place.form]!;
      };
      for (const { form, first } of repeats(sharing, formAt)) report(ctx, form, first, formKey(form));
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

/** A form by its rule's index among the group's rules and its own among the rule's forms. */
interface Place {
  rule: number;
  form: number;
}

function comparePlaces(a: Place, b: Place): number {
  return a.rule - b.rule || a.form - b.form;
}

/** What one form of a rule is told apart by, apart from its peer: direction, traffic and kind of peer. */
interface FormKind {
  direction: string;
  traffic: string;
  kind: string;
}

/**
 * Each form with known traffic of the rules, in order, with its place (rule and form index), its kind and its peer:
 * an IPv4 block as a number, another peer by its key. Forms are made rule by rule and not kept; a rule with one plain
 * IPv4 form (every rule of a long list of CIDRs) is read without making it. `unknown` is called for a rule with an
 * unknown peer or unknown ports.
 */
function forEachKey(model: Model, rules: SgRule[], visit: (rule: number, form: number, kind: FormKind, peer: number | string) => void, unknown?: () => void): void {
  // Forms of a run share one kind object, made when the kind changes.
  let kind: FormKind | undefined;
  const kindOf = (direction: string, traffic: string, peerKind: string): FormKind => {
    if (!kind || kind.direction !== direction || kind.traffic !== traffic || kind.kind !== peerKind) kind = { direction, traffic, kind: peerKind };
    return kind;
  };
  rules.forEach((rule, r) => {
    const plain = plainIpv4Form(rule);
    if (plain) return visit(r, 0, kindOf(rule.direction, plain.traffic, 'cidr4'), plain.block);
    const own = ruleForms(model, rule);
    if (own.unknownPeers.length > 0 || own.unknownTraffic.length > 0) unknown?.();
    own.forms.forEach((form, k) => {
      if (form.traffic !== null) visit(r, k, kindOf(rule.direction, form.traffic, form.peer.kind), form.peer.ipv4 ?? form.peer.key);
    });
  });
}

/**
 * The forms of one group's rules by what AWS compares (a million forms kept as objects cost more than making them
 * again): by kind (a run of forms shares it), then by peer. IPv4 blocks are kept as numbers only; the places of other
 * peers are kept with their keys.
 */
class FormKeys {
  private readonly byKind = new Map<string, KindBucket>();
  private last: { kind: FormKind; bucket: KindBucket } | undefined;

  add(rule: number, form: number, kind: FormKind, peer: number | string): void {
    const bucket = this.bucketOf(kind);
    if (typeof peer === 'number') return bucket.ipv4.push(peer);
    addOneOrMore(bucket.byKey, peer, { rule, form });
  }

  /** The places of the forms of each key held by more than one form, other than IPv4 blocks. */
  sharingKeys(): Place[][] {
    const out: Place[][] = [];
    for (const { byKey } of this.byKind.values()) for (const places of byKey.values()) if (Array.isArray(places)) out.push(places);
    return out;
  }

  /** Whether some IPv4 block is held by more than one form (then the forms are to be gone over again with addRepeated). */
  repeatsBlocks(): boolean {
    let any = false;
    for (const bucket of this.byKind.values()) {
      bucket.repeated = repeatedNumbers(bucket.ipv4.view());
      if (bucket.repeated.size > 0) any = true;
    }
    return any;
  }

  addRepeated(rule: number, form: number, kind: FormKind, peer: number | string): void {
    const bucket = this.bucketOf(kind);
    if (typeof peer !== 'number' || !bucket.repeated?.has(peer)) return;
    bucket.places ??= new Map();
    addTo(bucket.places, peer, { rule, form });
  }

  /** The places of the forms of each IPv4 block held by more than one form, once gone over again. */
  repeatedBlocks(): Place[][] {
    return [...this.byKind.values()].flatMap((bucket) => [...(bucket.places?.values() ?? [])]);
  }

  private bucketOf(kind: FormKind): KindBucket {
    if (this.last?.kind === kind) return this.last.bucket;
    const kindKey = `${kind.direction}|${kind.traffic}|${kind.kind}`;
    let bucket = this.byKind.get(kindKey);
    if (!bucket) this.byKind.set(kindKey, (bucket = { ipv4: new NumberList(), byKey: new Map() }));
    this.last = { kind, bucket };
    return bucket;
  }
}

/** The forms of one kind: IPv4 blocks (and, gone over again, the places of those held twice or more), other peers by key. */
interface KindBucket {
  ipv4: NumberList;
  /** The place of the form with that key, or of each form with it. */
  byKey: Map<string, Place | Place[]>;
  repeated?: Set<number>;
  places?: Map<number, Place[]>;
}

/**
 * Each form (with known traffic) that repeats an earlier one, in source order, of another rule where both can exist
 * together; in source order (of forms, then of places). `sharing` lists the places of forms that share a key.
 */
function repeats(sharing: Place[][], formAt: (place: Place) => RuleForm): { form: RuleForm; first: RuleForm }[] {
  const found: { form: RuleForm; first: RuleForm; place: Place }[] = [];
  for (const places of sharing) {
    const same = places.map((place) => ({ place, form: formAt(place) })).sort((a, b) => sourceOrder(a.form, b.form) || comparePlaces(a.place, b.place));
    same.forEach(({ place, form }, n) => {
      for (let e = 0; e < n; e++) {
        const first = same[e]!.form;
        if (first.rule.id === form.rule.id || together(first.when, form.when) === null) continue;
        found.push({ form, first, place });
        break;
      }
    });
  }
  return found.sort((a, b) => sourceOrder(a.form, b.form) || comparePlaces(a.place, b.place));
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
