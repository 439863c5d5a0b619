import type { Facts } from '../../model/types.js';
import { unresolved, type Value } from '../../model/value.js';
import { evList, evString } from '../values.js';
import { asRecord, type Instance, type TfFile } from './module.js';
import { addTo } from '../../util/maps.js';
import { appendAll } from '../../util/arrays.js';

/** `aws_security_group.NAME` in an expression (not `data.aws_security_group.NAME`, not `aws_security_group_rule.x`). */
const MENTION = /(?<![\w.-])aws_security_group\.([A-Za-z_][\w-]*)/g;
/** What every MENTION holds: a string without it (each of a million CIDRs) is passed over at once. */
const MENTION_TEXT = 'aws_security_group.';
const RULE_TYPES = new Set(['aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']);
/** Top-level blocks that name resources without using them: refactoring records and imports of existing objects. */
const NOT_USES = new Set(['moved', 'import', 'removed', 'variable', 'terraform']);

/**
 * References to the groups one module instance created (`groupIds`). In a root: every expression of the module's files
 * that mentions `aws_security_group.NAME`, outside that group's own block and the rule resources that belong to it (a
 * resource attribute, a module argument, an output, a local, a data source). A called module's groups are its caller's
 * to use: each gets one reference at the call site. Lookups (`data "aws_security_group"`) of every instance, which may
 * find a group of any root by its name.
 */
export function extractGroupReferences(instance: Instance, groupIds: readonly string[], facts: Facts): void {
  // Whether or not this instance creates groups: what a lookup finds may be another root's.
  for (const file of instance.mod.files) if ('data' in file.body) lookups(instance, file, file.body.data, facts);
  if (groupIds.length === 0) return;
  const callSite = instance.ctx.via[instance.ctx.via.length - 1];
  if (callSite) {
    for (const id of groupIds) facts.references.push({ ref: { kind: 'model', id }, at: callSite });
    return;
  }
  const idsOf = new Map<string, string[]>();
  for (const id of groupIds) {
    const m = /aws_security_group\.([\w-]+)(?:\[.*\])?$/.exec(id);
    if (m) addTo(idsOf, m[1]!, id);
  }
  for (const file of instance.mod.files) {
    for (const [kind, content] of Object.entries(file.body)) {
      if (NOT_USES.has(kind)) continue;
      if (kind !== 'resource') {
        scan(instance, file, content, kind, new Set(), idsOf, facts);
        continue;
      }
      for (const [type, byName] of Object.entries(asRecord(content))) {
        for (const [name, blocks] of Object.entries(asRecord(byName))) {
          (Array.isArray(blocks) ? blocks : [blocks]).forEach((block, i) => {
            const own = type === 'aws_security_group' ? new Set([name]) : RULE_TYPES.has(type) ? mentioned(asRecord(block).security_group_id) : new Set<string>();
            scan(instance, file, block, `resource.${type}.${name}[${i}]`, own, idsOf, facts);
          });
        }
      }
    }
  }
}

/** Reports the first mention of each group in `value` (one block), except mentions of the groups in `own`. */
function scan(instance: Instance, file: TfFile, value: unknown, path: string, own: Set<string>, idsOf: Map<string, string[]>, facts: Facts): void {
  const seen = new Set<string>(own);
  const walk = (v: unknown, p: string): void => {
    if (typeof v === 'string') {
      if (!v.includes(MENTION_TEXT)) return;
      for (const name of mentioned(v)) {
        if (seen.has(name)) continue;
        seen.add(name);
        const at = instance.span(file, p);
        for (const id of idsOf.get(name) ?? []) facts.references.push({ ref: { kind: 'model', id }, at });
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => (typeof x === 'string' && !x.includes(MENTION_TEXT) ? undefined : walk(x, `${p}[${i}]`)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${p}.${k}`);
  };
  walk(value, path);
}

/**
 * `data "aws_security_group"` (or `aws_security_groups`) looking a group up: by name (`name`, a `group-name` filter,
 * `*` wildcards allowed) it is an external reference by that name, which matches a group of this configuration with
 * that name; by anything else (tags, other filters) it is an unknown one, which may find any group.
 */
function lookups(instance: Instance, file: TfFile, content: unknown, facts: Facts): void {
  for (const type of ['aws_security_group', 'aws_security_groups']) {
    for (const [name, blocks] of Object.entries(asRecord(asRecord(content)[type]))) {
      (Array.isArray(blocks) ? blocks : [blocks]).forEach((raw, i) => {
        const block = asRecord(raw);
        const path = `data.${type}.${name}[${i}]`;
        const at = instance.span(file, path);
        const evaluate = (v: unknown, p: string) => instance.evaluate(file, v, p);
        const names: Value<string>[] = 'name' in block ? [evString(evaluate(block.name, `${path}.name`))] : [];
        let other = 'tags' in block;
        (Array.isArray(block.filter) ? block.filter : []).map(asRecord).forEach((f, j) => {
          if (f.name === 'group-name') appendAll(names, evList(evaluate(f.values, `${path}.filter[${j}].values`)).map(evString));
          else if (f.name !== 'vpc-id') other = true;
        });
        if (names.length === 0 && other) names.push(unresolved('data-source', `data.${type}.${name}`, at));
        for (const id of names) facts.references.push({ ref: { kind: 'external', id }, at });
      });
    }
  }
}

function mentioned(v: unknown): Set<string> {
  const names = new Set<string>();
  const walk = (x: unknown): void => {
    if (typeof x === 'string') for (const m of x.matchAll(MENTION)) names.add(m[1]!);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') Object.values(x).forEach(walk);
  };
  walk(v);
  return names;
}
