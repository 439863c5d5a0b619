import { compareSpans, type Span } from './location.js';
import type { AttachedGroup, Attachment, GroupRef, Model, TargetKind } from './types.js';
import { alternatives } from './value.js';

/** A resource or network interface that carries groups, with every attachment that names it merged. */
export interface Target {
  /** Identity across attachments: the address within its module instance, template or app. */
  key: string;
  kind: TargetKind;
  address: string;
  at: Span;
  /** The groups it carries, each once, in the order the attachments list them. */
  groups: AttachedGroup[];
  /** False when part of its group list is not known: an unresolved list, or only additive attachments were seen. */
  complete: boolean;
  attachments: Attachment[];
}

/**
 * The key a group is known by across rules and attachments: the model id, `external:<id>` for a group the analyzed
 * configuration does not define but names by a known id, and null when the id is not known.
 */
export function groupKey(ref: GroupRef): string | null {
  if (ref.kind === 'model') return ref.id;
  return ref.id.k === 'known' ? `external:${ref.id.v}` : null;
}

const cache = new WeakMap<Model, Target[]>();

/** Every attached resource of the model, in source order. */
export function targetsOf(model: Model): Target[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const byKey = new Map<string, Target>();
  // Where each target lists each known group: a target with many attachments is not scanned once per group.
  const listed = new Map<Target, Map<string, number>>();
  // Listing attachments first, so that the resource's own header and kind win over an additive attachment's.
  const ordered = [...model.attachments.filter((a) => !a.additive), ...model.attachments.filter((a) => a.additive)];
  for (const att of ordered) {
    const key = targetKey(att);
    let target = byKey.get(key);
    if (!target) {
      target = { key, kind: att.target.kind, address: att.target.address, at: att.target.at, groups: [], complete: !att.additive, attachments: [] };
      byKey.set(key, target);
      listed.set(target, new Map());
    }
    const positions = listed.get(target)!;
    target.attachments.push(att);
    if (!att.complete) target.complete = false;
    for (const g of att.groups.flatMap(eachAlternative)) {
      const k = groupKey(g.ref);
      const same = k === null ? target.groups.findIndex((h) => sameUnknown(h, g)) : (positions.get(k) ?? -1);
      if (same < 0) {
        if (k !== null) positions.set(k, target.groups.length);
        target.groups.push(g);
      }
      // Attached unconditionally by one attachment, or under two different conditions (`!If [c, [A, B], [A]]` attaches
      // A when c holds and when it does not): a condition list cannot say "c or d", so the group counts as attached in
      // every variant, which never hides an exposure.
      else if (target.groups[same]!.when?.length && (g.when ?? []).join('&') !== target.groups[same]!.when!.join('&')) target.groups[same] = { ...target.groups[same]!, when: [] };
    }
  }
  const targets = [...byKey.values()].sort((a, b) => compareSpans(a.at, b.at) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  cache.set(model, targets);
  return targets;
}

/** Two group ids that are not known, from the same expression under the same conditions. */
function sameUnknown(a: AttachedGroup, b: AttachedGroup): boolean {
  if (a.ref.kind !== 'external' || b.ref.kind !== 'external' || a.ref.id.k !== 'unresolved' || b.ref.id.k !== 'unresolved') return false;
  return a.ref.id.expr === b.ref.id.expr && a.ref.id.why === b.ref.id.why && (a.when ?? []).join('&') === (b.when ?? []).join('&');
}

/** A group named by an id with alternatives (a conditional expression) is one attached group per alternative. */
function eachAlternative(g: AttachedGroup): AttachedGroup[] {
  if (g.ref.kind !== 'external' || g.ref.id.k !== 'oneOf') return [g];
  return alternatives(g.ref.id).map((alt) => {
    const when = [...(g.when ?? []), ...alt.when];
    return { ref: { kind: 'external', id: alt.value }, at: g.at, ...(when.length > 0 ? { when } : {}) };
  });
}

/**
 * Terraform addresses are unique within a module instance (a directory reached through one chain of calls), so an
 * `aws_network_interface_sg_attachment` in another file of the module names the same interface; other formats' addresses
 * are unique within their file.
 */
function targetKey(att: Attachment): string {
  const at = att.target.at;
  const terraform = at.file.endsWith('.tf') || at.file.endsWith('.tf.json');
  const scope = terraform ? at.file.slice(0, Math.max(0, at.file.lastIndexOf('/'))) : at.file;
  const via = (at.via ?? []).map((v) => `${v.file}:${v.start.line}:${v.start.column}`).join('>');
  return `${scope}|${via}|${att.target.address}`;
}

/** The targets that carry each group, by group key. */
export function carriersByGroup(model: Model): Map<string, Target[]> {
  const out = new Map<string, Target[]>();
  for (const t of targetsOf(model)) {
    for (const g of t.groups) {
      const k = groupKey(g.ref);
      if (k === null) continue;
      const list = out.get(k) ?? [];
      list.push(t);
      out.set(k, list);
    }
  }
  return out;
}
