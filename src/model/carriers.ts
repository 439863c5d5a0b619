// Which groups always come together on the resources that carry them: AWS applies the union of their rules there.
import type { Span } from './location.js';
import type { AttachedGroup, Model, SourceFile } from './types.js';
import { alternatives } from './value.js';

/**
 * For each group that some analyzed resource carries, the other groups that every resource carrying it certainly carries
 * too. Only listed groups count (a list that is partly unknown still certainly holds what it lists), and a group listed
 * only under a condition keeps company only with groups listed under the same conditions or fewer. A group gets no
 * company when its deployment unit has an attachment whose group list cannot be resolved (it may carry the group
 * alone) or parts that were not analyzed (a remote module or nested stack the group may be passed to).
 */
export function companionGroups(model: Model): Map<string, Set<string>> {
  const files = new Map(model.files.map((f) => [f.path, f]));
  const unclear = new Set<string>(model.unresolved.map((u) => unitOf(u.at, files)));
  for (const a of model.attachments) if (a.groups.some(unresolvedGroup)) unclear.add(unitOf(a.at, files));
  const company = new Map<string, Set<string>>();
  for (const a of model.attachments) {
    const listed = a.groups.filter((g): g is AttachedGroup & { ref: { kind: 'model' } } => g.ref.kind === 'model');
    for (const g of listed) {
      const here = listed.filter((h) => h.ref.id !== g.ref.id && conditionsWithin(h.when, g.when)).map((h) => h.ref.id);
      const before = company.get(g.ref.id);
      company.set(g.ref.id, new Set(before ? here.filter((id) => before.has(id)) : here));
    }
  }
  for (const [id, others] of company) {
    const group = model.groups.get(id);
    if (!group || unclear.has(unitOf(group.at, files))) others.clear();
  }
  return company;
}

function unresolvedGroup(g: AttachedGroup): boolean {
  return g.ref.kind === 'external' && alternatives(g.ref.id).some((alt) => alt.value.k === 'unresolved');
}

/** True when every condition of `inner` is one of `outer`'s (no conditions: always). */
export function conditionsWithin(inner: readonly string[] | undefined, outer: readonly string[] | undefined): boolean {
  if (!inner || inner.length === 0) return true;
  const have = new Set((outer ?? []).flatMap((w) => w.split(' and ')));
  return inner.every((w) => w.split(' and ').every((part) => have.has(part)));
}

/**
 * The deployment unit a located thing belongs to: the file it was reached from (the outermost module call or nested
 * stack site, else its own file) stands in it; a Terraform file for its module directory, a CDK source for its app.
 */
function unitOf(at: Span, files: ReadonlyMap<string, SourceFile>): string {
  const file = at.via?.[0]?.file ?? at.file;
  const source = files.get(file);
  if (source?.root !== undefined) return `${source.format}:${source.root}`;
  if (source?.format === 'terraform') return `terraform:${file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.'}`;
  return `file:${file}`;
}
