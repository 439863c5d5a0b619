import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { keyOf } from './document.js';
import { intrinsicCall } from './intrinsics.js';
import { groupId, type CfnResourceContext } from './resources.js';

const RULE_TYPES = new Set(['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress']);

/**
 * References to the template's security groups: every `Ref`, `Fn::GetAtt`, `Fn::Sub` variable and `DependsOn` entry
 * that names a group, in `Resources` outside the group's own resource and its standalone rules (their
 * `GroupId`/`GroupName` names the group they belong to), and anywhere in `Outputs` and SAM's `Globals`. Resources
 * whose condition is false for this run are skipped.
 */
export function extractGroupReferences(ctx: CfnResourceContext): void {
  const ev = ctx.ev;
  const root = ev.t.root;
  if (!isMap(root) || ![...ev.resources.keys()].some((id) => ev.isSecurityGroup(id))) return;
  const report = (name: string, node: Node, path: string, skip: Set<string>) => {
    if (!ev.isSecurityGroup(name) || skip.has(name)) return;
    skip.add(name);
    ctx.facts.references.push({ ref: { kind: 'model', id: groupId(ctx, name) }, at: ev.span(node, path) });
  };
  const resources = ev.deref(root.get('Resources', true) as Node | undefined);
  if (isMap(resources)) {
    for (const pair of resources.items) {
      const logicalId = keyOf(pair.key);
      const body = ev.deref(pair.value as Node | null);
      if (!isMap(body)) continue;
      const condition = body.get('Condition');
      if (typeof condition === 'string' && ev.decide(condition) === false) continue;
      const own = new Set([logicalId]);
      if (RULE_TYPES.has(String(body.get('Type') ?? ''))) {
        const props = ev.deref(body.get('Properties', true) as Node | undefined);
        for (const key of ['GroupId', 'GroupName']) {
          const owner = isMap(props) ? (props.get(key, true) as Node | undefined) : undefined;
          for (const name of namesIn(ctx, owner)) own.add(name);
        }
      }
      mentions(ctx, body, `Resources.${logicalId}`, (name, node, path) => report(name, node, path, own));
    }
  }
  // Outputs export groups; SAM's Globals hand them to every function.
  for (const section of ['Outputs', 'Globals']) {
    const node = ev.deref(root.get(section, true) as Node | undefined);
    const seen = new Set<string>();
    if (isMap(node)) mentions(ctx, node, section, (name, n, path) => report(name, n, path, seen));
  }
}

/** The groups a value names: by `Ref`/`GetAtt`/`Sub`, or by a `GroupName` of this template. */
function namesIn(ctx: CfnResourceContext, node: Node | null | undefined): string[] {
  const out: string[] = [];
  const n = ctx.ev.deref(node);
  if (isScalar(n) && !intrinsicCall(n) && typeof n.value === 'string') {
    for (const [id, r] of ctx.ev.resources) {
      const props = ctx.ev.deref(r.node.get('Properties', true) as Node | undefined);
      if (ctx.ev.isSecurityGroup(id) && isMap(props) && props.get('GroupName') === n.value) out.push(id);
    }
  }
  mentions(ctx, n, '', (name) => out.push(name));
  return out;
}

/** Calls `found` for each logical id a node mentions through an intrinsic function or `DependsOn`. */
function mentions(ctx: CfnResourceContext, raw: Node | null | undefined, path: string, found: (name: string, node: Node, path: string) => void): void {
  const ev = ctx.ev;
  const visit = (n0: Node | null | undefined, p: string, depth: number): void => {
    const n = ev.deref(n0);
    if (!n || depth > 64) return;
    const call = intrinsicCall(n);
    if (call) for (const name of calledNames(ctx, call.name, call.args)) found(name, n, p);
    if (isSeq(n)) n.items.forEach((item, i) => visit(item as Node, `${p}[${i}]`, depth + 1));
    else if (isMap(n)) {
      for (const pair of n.items) {
        const key = keyOf(pair.key);
        const value = ev.deref(pair.value as Node | null);
        if (key === 'DependsOn') for (const item of isSeq(value) ? value.items : [value]) if (isScalar(item)) found(String(item.value), item, `${p}.DependsOn`);
        visit(value, `${p}.${key}`, depth + 1);
      }
    }
  };
  visit(raw, path, 0);
}

/** Logical ids named by one intrinsic call: `Ref X`, `Fn::GetAtt X.Attr` or `[X, Attr]`, `${X}`/`${X.Attr}` in `Fn::Sub`. */
function calledNames(ctx: CfnResourceContext, name: string, rawArgs: Node | null): string[] {
  const args = ctx.ev.deref(rawArgs);
  const text = (n: unknown): string | null => (isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value) : null);
  if (name === 'Ref') return [text(args)].filter((t): t is string => t !== null);
  if (name === 'Fn::GetAtt') {
    const first = isSeq(args) ? text(ctx.ev.deref(args.items[0] as Node)) : text(args)?.split('.')[0];
    return first ? [first] : [];
  }
  if (name === 'Fn::Sub') {
    const template = isSeq(args) ? text(ctx.ev.deref(args.items[0] as Node)) : text(args);
    return [...(template ?? '').matchAll(/\$\{(?!!)([^}.]+)(?:\.[^}]*)?\}/g)].map((m) => m[1]!.trim());
  }
  return [];
}
