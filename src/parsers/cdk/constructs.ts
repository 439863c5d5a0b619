import { ts } from './typescript.js';
import type { Span } from '../../model/location.js';
import { normalizeProtocol, type Protocol } from '../../model/net.js';
import type { AttachedGroup, Attachment, Direction, Facts, GroupRef, Peer, RuleOrigin, SecurityGroup, SgRule, TargetKind } from '../../model/types.js';
import { addressFamilyOf, awsManagedPrefixListFamily, awsManagedPrefixListWeight } from '../../model/prefix-lists.js';
import { known, mapValue, unresolved, type Value } from '../../model/value.js';
import { evNumber, evString, type EV } from '../values.js';
import { CONSTRUCTS, ENGINE_PORTS, GROUP_LIST_PROPS, NEEDS_VPC_FOR_GROUP, PORT_CONSTANTS, PROTOCOLS, type ConstructKind } from './catalog.js';
import { mayBeSkipped } from './control-flow.js';
import { GrowingIndex } from '../../util/maps.js';
import { text, type CdkEvaluator, type CdkName } from './evaluate.js';
import { groupUse } from './references.js';
import { spanOf, type CdkSource } from './source.js';

/** A model group as the CDK code sees it. */
interface Group {
  id: string;
  /** How CDK names it in generated descriptions. */
  label: string;
  /** allowAllOutbound: true makes addEgressRule a no-op; null when not known. */
  allowAllOutbound: boolean | null;
}

/** What an expression stands for: groups (a SecurityGroup, or the groups of a construct), with a default port. */
interface Target {
  groups: Group[];
  external: GroupRef[];
  defaultPort: PortValue | null;
  label: string;
  /** The construct's attachment, for addSecurityGroup. */
  attachment?: { groups: AttachedGroup[] };
  /** A load balancer: listeners open ports on its groups. */
  loadBalancer?: boolean;
  /** An imported group (fromSecurityGroupId …) whose allowAllOutbound is true: CDK drops egress rules added to it. */
  externalAllowsAllOutbound?: boolean;
  /** An imported group's construct address (`lib/stack.ts#Imported`): where CDK puts the rules added to it. */
  address?: string;
}

interface PortValue {
  protocol: Value<Protocol>;
  from: Value<number> | null;
  to: Value<number> | null;
  label: string;
  at: Span;
}

interface PeerValue {
  peers: { peer: Peer; label: string }[];
  at: Span;
}

export interface CdkContext {
  src: CdkSource;
  ev: CdkEvaluator;
  facts: Facts;
  /** cdk.json says new Vpc()s restrict their default group. */
  restrictDefaultGroups: boolean;
  /** The file's path from its CDK app's root (the directory of the nearest cdk.json), used in resource names. */
  appPath: string;
}

const MAX_UNROLL = 64;
const GROUP_FACTORIES = new Set(['fromSecurityGroupId', 'fromLookupById', 'fromLookupByName', 'fromLookup']);
const CONNECTION_METHODS = new Set([
  'allowFrom', 'allowTo', 'allowFromAnyIpv4', 'allowToAnyIpv4', 'allowDefaultPortFrom', 'allowDefaultPortFromAnyIpv4',
  'allowDefaultPortTo', 'allowInternally', 'allowDefaultPortInternally',
]);
const ANY_IPV4 = '0.0.0.0/0';
const ANY_IPV6 = '::/0';

/** Reads one CDK source file into groups, rules and attachments, the way `cdk synth` would render them. */
export function extractCdk(ctx: CdkContext): void {
  new FileAnalysis(ctx).run();
}

class FileAnalysis {
  private readonly bindings = new Map<string, Target>();
  private readonly seenRules = new Set<string>();
  private site: ts.Node | null = null;
  /** Where each group of this file is made, by group id. */
  private readonly madeAt = new Map<string, ts.Node>();
  /** Groups made with `new SecurityGroup`/`CfnSecurityGroup`, to find where each is used. */
  private readonly madeGroups: { node: ts.NewExpression; target: Target }[] = [];
  /** The run's groups by id (see addressOf). */
  private groupsById: GrowingIndex<SecurityGroup, string> | undefined;

  constructor(private readonly ctx: CdkContext) {}

  run(): void {
    const news: ts.NewExpression[] = [];
    const calls: ts.CallExpression[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isNewExpression(node)) news.push(node);
      else if (ts.isCallExpression(node)) calls.push(node);
      ts.forEachChild(node, visit);
    };
    visit(this.ctx.src.sf);
    for (const n of news) this.from(n, () => this.construct(n));
    for (const c of calls) this.from(c, () => this.factory(c));
    for (const n of news) this.from(n, () => this.l1Rule(n));
    for (const c of calls) this.from(c, () => this.unrolled(c, () => this.method(c)));
    this.groupReferences();
  }

  /** A group used anywhere (passed, returned, exported) other than to add rules to it is referenced there. */
  private groupReferences(): void {
    for (const { node, target } of this.madeGroups) {
      const use = groupUse(this.ctx.src, this.ctx.ev, node, CONNECTION_METHODS);
      if (!use) continue;
      const at = spanOf(this.ctx.src, use, '');
      for (const g of target.groups) this.ctx.facts.references.push({ ref: { kind: 'model', id: g.id }, at });
    }
  }

  /** Reads what `site` adds; rules added where the code may not run may not exist (RuleEntry.uncertain). */
  private from(site: ts.Node, fn: () => void): void {
    this.site = site;
    fn();
    this.site = null;
  }

  /**
   * Reads a call once per element of each enclosing `for (const x of [..])` over a list this file knows (bounded),
   * so a loop over ports adds one rule per port, as running it would. Other loops leave the variable unknown.
   */
  private unrolled(node: ts.Node, fn: () => void): void {
    const loops: { decl: ts.Node; elements: ts.Expression[] }[] = [];
    for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
      if (!ts.isForOfStatement(n) || !ts.isVariableDeclarationList(n.initializer)) continue;
      const decl = n.initializer.declarations[0];
      const list = this.arrayElements(n.expression);
      if (decl && ts.isIdentifier(decl.name) && list) loops.push({ decl, elements: list });
    }
    const run = (i: number): void => {
      if (i === loops.length) return fn();
      for (const el of loops[i]!.elements) this.ctx.ev.withLoopElement(loops[i]!.decl, el, () => run(i + 1));
    };
    const combinations = loops.reduce((n, l) => n * l.elements.length, 1);
    if (loops.length === 0 || combinations > MAX_UNROLL) fn();
    else run(0);
  }

  private arrayElements(expr: ts.Expression, depth = 0): ts.Expression[] | null {
    if (ts.isArrayLiteralExpression(expr)) return expr.elements.some((e) => ts.isSpreadElement(e)) ? null : [...expr.elements];
    if (ts.isIdentifier(expr) && depth < 4) {
      const decl = this.ctx.ev.declarationOf(this.ctx.src, expr);
      const init = decl?.kind === 'const' && ts.isVariableDeclaration(decl.node) ? decl.node.initializer : undefined;
      return init ? this.arrayElements(init, depth + 1) : null;
    }
    return null;
  }

  // ---------- bindings: which variable or property holds which target ----------

  private keyOf(node: ts.Node): string | null {
    const parent = node.parent;
    if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name)) return `decl:${parent.pos}`;
    if (ts.isPropertyDeclaration(parent) && parent.initializer === node) return this.memberKey(parent, parent.name.getText(this.ctx.src.sf));
    if (ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = parent.left;
      if (ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword) return this.memberKey(left, left.name.text);
      if (ts.isIdentifier(left)) {
        const decl = this.ctx.ev.declarationOf(this.ctx.src, left);
        return decl ? `decl:${decl.node.pos}` : null;
      }
    }
    if (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isNonNullExpression(parent)) return this.keyOf(parent);
    return null;
  }

  private memberKey(node: ts.Node, name: string): string | null {
    let n: ts.Node | undefined = node;
    while (n && !ts.isClassLike(n)) n = n.parent;
    return n ? `member:${n.pos}:${name}` : null;
  }

  private bind(node: ts.Node, target: Target): void {
    this.bindings.set(`node:${node.pos}:${node.end}`, target);
    const key = this.keyOf(node);
    if (key) this.bindings.set(key, target);
  }

  private resolve(expr: ts.Expression | undefined, depth = 0): Target | undefined {
    if (!expr || depth > 8) return undefined;
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr)) return this.resolve(expr.expression, depth + 1);
    const direct = this.bindings.get(`node:${expr.pos}:${expr.end}`);
    if (direct) return direct;
    if (ts.isIdentifier(expr)) {
      const decl = this.ctx.ev.declarationOf(this.ctx.src, expr);
      if (!decl) return undefined;
      const bound = this.bindings.get(`decl:${decl.node.pos}`);
      if (bound) return bound;
      const init = ts.isVariableDeclaration(decl.node) ? decl.node.initializer : undefined;
      return init ? this.resolve(init, depth + 1) : undefined;
    }
    if (ts.isPropertyAccessExpression(expr) && expr.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const key = this.memberKey(expr, expr.name.text);
      return key ? this.bindings.get(key) : undefined;
    }
    // sg.attrGroupId, sg.ref, sg.securityGroupId name the group itself.
    if (ts.isPropertyAccessExpression(expr) && ['attrGroupId', 'ref', 'securityGroupId'].includes(expr.name.text)) return this.resolve(expr.expression, depth + 1);
    return undefined;
  }

  // ---------- constructs ----------

  private construct(node: ts.NewExpression): void {
    const cdk = this.ctx.ev.cdkName(this.ctx.src, node.expression);
    // A class of no CDK module (the project's own construct) is read only for the groups it is given.
    const name = cdk ?? { module: '', path: [text(this.ctx.src, node.expression).split('.').pop() ?? ''] };
    const cls = name.path[name.path.length - 1] ?? '';
    const [, idArg, propsArg] = node.arguments ?? [];
    const constructId = this.constructId(idArg) ?? cls;
    const props = this.props(propsArg);
    if (name.module === 'aws-ec2' && cls === 'SecurityGroup') this.bindGroup(node, this.securityGroup(node, constructId, props));
    else if (name.module === 'aws-ec2' && cls === 'CfnSecurityGroup') this.bindGroup(node, this.cfnSecurityGroup(node, constructId, props));
    else if (name.module === 'aws-ec2' && cls === 'Vpc') this.vpc(node, constructId, props);
    else if (/^ApplicationLoadBalanced(Fargate|Ec2)Service$/.test(cls)) this.loadBalancedService(node, constructId, props);
    else if (CONSTRUCTS[cls]?.modules.includes(name.module)) this.bind(node, this.ownerConstruct(node, cls, CONSTRUCTS[cls]!, constructId, props));
    else if (cls !== 'Connections') this.otherConstruct(node, cdk !== null && cls.startsWith('Cfn'), constructId, props);
  }

  /**
   * A construct the catalog does not name that receives groups through a usual prop carries them. Only an L1 class is
   * a CloudFormation resource known to carry them together; any other may hand them to different resources.
   */
  private otherConstruct(node: ts.NewExpression, l1: boolean, constructId: string, props: Map<string, ts.Expression>): void {
    const groupProps = GROUP_LIST_PROPS.filter((p) => props.has(p));
    if (groupProps.length === 0) return;
    const attachment = this.ownerConstruct(node, '', { modules: [], kind: 'other', groupProps }, constructId, props).attachment as Attachment | undefined;
    const all = this.ctx.facts.attachments;
    if (!attachment || l1 || !all.includes(attachment)) return;
    all.splice(all.indexOf(attachment), 1, ...attachment.groups.map((g) => ({ ...attachment, groups: [g] })));
  }

  private bindGroup(node: ts.NewExpression, target: Target): void {
    this.bind(node, target);
    this.madeGroups.push({ node, target });
  }

  /** A construct's id argument: its value, else its text. */
  private constructId(arg: ts.Expression | undefined): string | undefined {
    if (!arg) return undefined;
    const id = this.ctx.ev.value(this.ctx.src, arg);
    return id.k === 'known' && typeof id.v === 'string' ? id.v : text(this.ctx.src, arg);
  }

  private props(arg: ts.Expression | undefined): Map<string, ts.Expression> {
    const out = new Map<string, ts.Expression>();
    let e = arg;
    if (e && ts.isIdentifier(e)) {
      const decl = this.ctx.ev.declarationOf(this.ctx.src, e);
      e = decl && ts.isVariableDeclaration(decl.node) ? decl.node.initializer : undefined;
    }
    if (!e || !ts.isObjectLiteralExpression(e)) return out;
    for (const p of e.properties) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) out.set(p.name.text, p.initializer);
      else if (ts.isShorthandPropertyAssignment(p)) out.set(p.name.text, p.name);
    }
    return out;
  }

  /**
   * A group in the model. An L2 group without a description (or with an empty one) gets its construct path from CDK;
   * `fixedDescription` is for groups whose description is not CDK's to fill (L1 groups, groups CDK creates itself).
   */
  private newGroup(node: ts.Node, constructId: string, description: Value<string> | null, options: { extra?: Partial<SecurityGroup>; allowAllOutbound?: boolean | null; fixedDescription?: boolean } = {}): Group {
    const src = this.ctx.src;
    const address = `${this.ctx.appPath}#${constructId}`;
    const at = spanOf(src, node, address);
    const id = `cdk:${address}@${at.start.line}:${at.start.column}`;
    this.madeAt.set(id, node);
    const generated = `…/${constructId}`;
    const allowAllOutbound = options.allowAllOutbound === undefined ? true : options.allowAllOutbound;
    const blank = !description || (description.k === 'known' && description.v === '');
    this.ctx.facts.groups.push({
      id,
      address,
      format: 'cdk',
      name: null,
      namePrefix: null,
      description: options.fixedDescription || !blank ? description : known(generated, description?.at ?? at),
      vpc: null,
      isDefault: false,
      implicitEgress: false,
      ingress: [],
      egress: [],
      ...(options.fixedDescription ? {} : { generatedDescription: generated }),
      at,
      ...options.extra,
    });
    const group = { id, label: constructId, allowAllOutbound };
    // allowAllOutbound (default true) renders an allow-all egress rule that nobody wrote: model it as AWS's implicit one.
    if (allowAllOutbound === true) {
      const world = { peer: { kind: 'cidr4', cidr: known(ANY_IPV4, at) } as Peer, label: ANY_IPV4 };
      this.addRule(group, 'egress', world, allTraffic(at), known('Allow all outbound traffic by default', at), at, 'default', at, true);
    }
    return group;
  }

  private bool(expr: ts.Expression | undefined, fallback: boolean): boolean | null {
    if (!expr) return fallback;
    const v = this.ctx.ev.value(this.ctx.src, expr);
    return v.k === 'known' && typeof v.v === 'boolean' ? v.v : null;
  }

  /** A string prop; `undefined`/`null` count as not given, as they do for CDK. */
  private str(expr: ts.Expression | undefined, src: CdkSource = this.ctx.src): Value<string> | null {
    if (!expr) return null;
    const v = this.ctx.ev.value(src, expr);
    return v.k === 'known' && v.v === null ? null : evString(v);
  }

  private securityGroup(node: ts.NewExpression, constructId: string, props: Map<string, ts.Expression>): Target {
    const allowAll = this.bool(props.get('allowAllOutbound'), true);
    const group = this.newGroup(node, constructId, this.str(props.get('description')), { extra: { name: this.str(props.get('securityGroupName')) }, allowAllOutbound: allowAll });
    if (this.bool(props.get('allowAllIpv6Outbound'), false) === true) {
      const at = spanOf(this.ctx.src, props.get('allowAllIpv6Outbound')!, '');
      this.addRule(group, 'egress', { peer: { kind: 'cidr6', cidr: known(ANY_IPV6, at) }, label: ANY_IPV6 }, allTraffic(at), known('Allow all outbound ipv6 traffic by default', at), at, 'cdk-generated', at, true);
    }
    return { groups: [group], external: [], defaultPort: null, label: constructId };
  }

  private cfnSecurityGroup(node: ts.NewExpression, constructId: string, props: Map<string, ts.Expression>): Target {
    // CloudFormation semantics: the default allow-all egress stays unless an egress rule replaces it (link.ts decides).
    const extra = { name: this.str(props.get('groupName')), implicitEgress: true };
    const group = this.newGroup(node, constructId, this.str(props.get('groupDescription')), { extra, allowAllOutbound: null, fixedDescription: true });
    for (const [key, direction] of [['securityGroupIngress', 'ingress'], ['securityGroupEgress', 'egress']] as const) {
      const list = props.get(key);
      if (list && ts.isArrayLiteralExpression(list)) for (const el of list.elements) this.l1Entry(group, direction, this.props(el as ts.Expression), el);
    }
    return { groups: [group], external: [], defaultPort: null, label: constructId };
  }

  private vpc(node: ts.NewExpression, constructId: string, props: Map<string, ts.Expression>): void {
    const restrict = this.bool(props.get('restrictDefaultSecurityGroup'), this.ctx.restrictDefaultGroups);
    if (restrict !== false) return;
    // The VPC's default group keeps AWS's default rules: all traffic from its own members, all traffic out.
    const description = known('default VPC security group', spanOf(this.ctx.src, node, ''));
    const group = this.newGroup(node, `${constructId}/DefaultSecurityGroup`, description, { extra: { isDefault: true }, allowAllOutbound: false, fixedDescription: true });
    const at = spanOf(this.ctx.src, node, `${this.ctx.appPath}#${constructId}`);
    this.addRule(group, 'ingress', { peer: { kind: 'self' }, label: 'self' }, allTraffic(at), null, at, 'default', at, true);
    this.addRule(group, 'egress', { peer: { kind: 'cidr4', cidr: known(ANY_IPV4, at) }, label: ANY_IPV4 }, allTraffic(at), null, at, 'default', at, true);
  }

  private ownerConstruct(node: ts.NewExpression, cls: string, kind: ConstructKind, constructId: string, props: Map<string, ts.Expression>): Target {
    const src = this.ctx.src;
    const at = spanOf(src, node, `${this.ctx.appPath}#${constructId}`);
    const attached: AttachedGroup[] = [];
    const groups: Group[] = [];
    const external: GroupRef[] = [];
    let complete = true;
    let given = false;
    for (const prop of kind.groupProps) {
      const expr = props.get(prop);
      if (!expr) continue;
      given = true;
      const items = ts.isArrayLiteralExpression(expr) ? [...expr.elements] : [expr];
      for (const item of items) {
        const t = this.resolve(item as ts.Expression);
        if (t) {
          groups.push(...t.groups);
          external.push(...t.external);
          attached.push(...t.groups.map((g) => ({ ref: { kind: 'model', id: g.id } as GroupRef, at: spanOf(src, item, '') })), ...t.external.map((ref) => ({ ref, at: spanOf(src, item, '') })));
        } else {
          complete = false;
          const ref: GroupRef = { kind: 'external', id: evString(this.ctx.ev.value(src, item as ts.Expression)) };
          external.push(ref);
          attached.push({ ref, at: spanOf(src, item, '') });
        }
      }
    }
    const createsGroup = kind.ownGroup && !given && (!NEEDS_VPC_FOR_GROUP.has(cls) || props.has('vpc'));
    if (createsGroup) {
      const allowAllOutbound = this.bool(props.get('allowAllOutbound'), kind.ownGroupAllowsAllOutbound ?? true);
      const group = this.newGroup(node, `${constructId}/SecurityGroup`, known(kind.ownGroup!(constructId), at), { allowAllOutbound, fixedDescription: true });
      groups.push(group);
      attached.push({ ref: { kind: 'model', id: group.id }, at });
    }
    const target: Target = { groups, external, defaultPort: this.defaultPort(kind, props, at), label: constructId, attachment: { groups: attached }, loadBalancer: kind.kind === 'load-balancer' };
    if (attached.length > 0 || kind.groupProps.length > 0) {
      this.ctx.facts.attachments.push({ target: { kind: kind.kind as TargetKind, address: `${this.ctx.appPath}#${constructId}`, at }, groups: attached, complete, additive: false, at });
      target.attachment = this.ctx.facts.attachments[this.ctx.facts.attachments.length - 1]!;
    }
    return target;
  }

  private defaultPort(kind: ConstructKind, props: Map<string, ts.Expression>, at: Span): PortValue | null {
    const portExpr = props.get('port');
    if (portExpr) {
      const v = evNumber(this.ctx.ev.value(this.ctx.src, portExpr));
      return { protocol: known<Protocol>('tcp', at), from: v, to: v, label: v.k === 'known' ? String(v.v) : text(this.ctx.src, portExpr), at };
    }
    if (typeof kind.defaultPort === 'number') return tcpPort(kind.defaultPort, at);
    if (kind.defaultPort === 'engine') {
      const engine = props.get('engine');
      const followed = engine ? this.ctx.ev.follow(this.ctx.src, engine) : undefined;
      const engineText = followed ? followed.expr.getText(followed.src.sf) : '';
      const port = ENGINE_PORTS.find(([re]) => re.test(engineText))?.[1];
      if (port) return tcpPort(port, at);
      const u = unresolved('cdk-token', engine ? text(this.ctx.src, engine) : 'engine', at);
      return { protocol: known<Protocol>('tcp', at), from: u, to: u, label: '{DefaultPort}', at };
    }
    return null;
  }

  /** ApplicationLoadBalancedFargateService/Ec2Service: a load balancer whose listener is open to the world by default. */
  private loadBalancedService(node: ts.NewExpression, constructId: string, props: Map<string, ts.Expression>): void {
    const at = spanOf(this.ctx.src, node, `${this.ctx.appPath}#${constructId}`);
    if (this.bool(props.get('publicLoadBalancer'), true) === false) return;
    const lb = this.newGroup(node, `${constructId}/LB/SecurityGroup`, known(`Automatically created Security Group for ELB ${constructId}LB`, at), { fixedDescription: true, allowAllOutbound: false });
    const service = this.newGroup(node, `${constructId}/Service/SecurityGroup`, known(`${constructId}/Service/SecurityGroup`, at), { fixedDescription: true });
    const listenerPort = props.get('listenerPort');
    const https = props.has('certificate') || props.has('domainName') || /HTTPS/.test(props.get('protocol')?.getText(this.ctx.src.sf) ?? '');
    const port = listenerPort ? this.portFromNumber(listenerPort) : tcpPort(https ? 443 : 80, at);
    this.addRule(lb, 'ingress', { peer: { kind: 'cidr4', cidr: known(ANY_IPV4, at) }, label: ANY_IPV4 }, port, known(`Allow from anyone on port ${port.label}`, at), at, 'cdk-generated', at);
    this.ctx.facts.attachments.push({ target: { kind: 'load-balancer', address: `${this.ctx.appPath}#${constructId}/LB`, at }, groups: [{ ref: { kind: 'model', id: lb.id }, at }], complete: true, additive: false, at });
    this.ctx.facts.attachments.push({ target: { kind: 'ecs-service', address: `${this.ctx.appPath}#${constructId}/Service`, at }, groups: [{ ref: { kind: 'model', id: service.id }, at }], complete: true, additive: false, at });
    this.bind(node, { groups: [service], external: [], defaultPort: null, label: constructId });
  }

  private portFromNumber(expr: ts.Expression): PortValue {
    const v = evNumber(this.ctx.ev.value(this.ctx.src, expr));
    const at = spanOf(this.ctx.src, expr, '');
    return { protocol: known<Protocol>('tcp', at), from: v, to: v, label: v.k === 'known' ? String(v.v) : text(this.ctx.src, expr), at };
  }

  /** SecurityGroup.fromSecurityGroupId(scope, id, 'sg-…') and the fromLookup* family: groups defined elsewhere. */
  private factory(call: ts.CallExpression): void {
    const name = this.ctx.ev.cdkName(this.ctx.src, call.expression);
    if (!name || name.path[0] !== 'SecurityGroup' || !GROUP_FACTORIES.has(name.path[1] ?? '')) return;
    const idArg = name.path[1] === 'fromSecurityGroupId' ? call.arguments[2] : undefined;
    const id: Value<string> = idArg ? evString(this.ctx.ev.value(this.ctx.src, idArg)) : unresolved('cdk-token', text(this.ctx.src, call), spanOf(this.ctx.src, call, ''));
    const label = id.k === 'known' ? id.v : text(this.ctx.src, call);
    // A lookup by name may find a group this app creates: group-unattached matches the name.
    if (name.path[1] === 'fromLookupByName' && call.arguments[2]) this.ctx.facts.references.push({ ref: { kind: 'external', id: evString(this.ctx.ev.value(this.ctx.src, call.arguments[2])) }, at: spanOf(this.ctx.src, call, '') });
    const allowAll = this.bool(this.props(call.arguments[3]).get('allowAllOutbound'), true);
    const address = `${this.ctx.appPath}#${this.constructId(call.arguments[1]) ?? name.path[1]}`;
    this.bind(call, { groups: [], external: [{ kind: 'external', id }], defaultPort: null, label, externalAllowsAllOutbound: allowAll !== false, address });
  }

  // ---------- rules ----------

  private l1Rule(node: ts.NewExpression): void {
    const name = this.ctx.ev.cdkName(this.ctx.src, node.expression);
    const cls = name?.path[name.path.length - 1];
    if (name?.module !== 'aws-ec2' || (cls !== 'CfnSecurityGroupIngress' && cls !== 'CfnSecurityGroupEgress')) return;
    const props = this.props(node.arguments?.[2]);
    const target = this.resolve(props.get('groupId'));
    const direction: Direction = cls === 'CfnSecurityGroupIngress' ? 'ingress' : 'egress';
    const groups = target?.groups ?? [];
    if (groups.length > 0) for (const g of groups) this.l1Entry(g, direction, props, node);
    // A rule on no group of the app is reported on its own construct, as a standalone rule resource is.
    else this.l1Entry(null, direction, props, node, { groupExpr: props.get('groupId'), address: `${this.ctx.appPath}#${this.constructId(node.arguments?.[1]) ?? cls}` });
  }

  private l1Entry(group: Group | null, direction: Direction, props: Map<string, ts.Expression>, node: ts.Node, standalone?: { groupExpr: ts.Expression | undefined; address: string }): void {
    const src = this.ctx.src;
    const at = spanOf(src, node, '');
    const protocolExpr = props.get('ipProtocol');
    const protocol: Value<Protocol> = protocolExpr ? mapValue(evString(this.ctx.ev.value(src, protocolExpr)), (p, pAt) => known(normalizeProtocol(p), pAt)) : known<Protocol>({ invalid: '' }, at);
    const num = (k: string) => (props.get(k) ? evNumber(this.ctx.ev.value(src, props.get(k)!)) : null);
    const port: PortValue = { protocol, from: num('fromPort'), to: num('toPort'), label: '', at: props.get('fromPort') ? spanOf(src, props.get('fromPort')!, '') : at };
    const keys: [string, (v: Value<string>) => Peer][] = [
      ['cidrIp', (cidr) => ({ kind: 'cidr4', cidr })],
      ['cidrIpv6', (cidr) => ({ kind: 'cidr6', cidr })],
      [direction === 'ingress' ? 'sourcePrefixListId' : 'destinationPrefixListId', (id) => ({ kind: 'prefixList', id })],
    ];
    const peers: { peer: Peer; label: string; at: Span }[] = [];
    for (const [key, make] of keys) {
      const e = props.get(key);
      if (e) peers.push({ peer: make(evString(this.ctx.ev.value(src, e))), label: key, at: spanOf(src, e, '') });
    }
    const groupKey = direction === 'ingress' ? 'sourceSecurityGroupId' : 'destinationSecurityGroupId';
    const groupPeer = props.get(groupKey);
    if (groupPeer) {
      const t = this.resolve(groupPeer);
      const refs: GroupRef[] = t ? [...t.groups.map((g) => ({ kind: 'model', id: g.id }) as GroupRef), ...t.external] : [{ kind: 'external', id: evString(this.ctx.ev.value(src, groupPeer)) }];
      for (const ref of refs) peers.push({ peer: { kind: 'securityGroup', ref }, label: groupKey, at: spanOf(src, groupPeer, '') });
    }
    const description = this.str(props.get('description'));
    const groupExpr = standalone?.groupExpr;
    const groupRef: GroupRef | null = group ? { kind: 'model', id: group.id } : groupExpr ? { kind: 'external', id: evString(this.ctx.ev.value(src, groupExpr)) } : null;
    this.pushRules(groupRef, group ? this.addressOf(group.id) : (standalone?.address ?? src.path), direction, peers.length > 0 ? peers : [{ peer: { kind: 'none' }, label: '', at }], port, description, at, 'cdk-l1', true);
  }

  private method(call: ts.CallExpression): void {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee)) return;
    const method = callee.name.text;
    const recv = callee.expression;
    const args = call.arguments;
    const at = spanOf(this.ctx.src, call, '');
    if (method === 'addIngressRule' || method === 'addEgressRule') {
      const target = this.resolve(recv);
      if (!target) return this.unseen(recv, at);
      const direction: Direction = method === 'addIngressRule' ? 'ingress' : 'egress';
      const peer = this.peer(args[0]);
      const port = this.port(args[1]);
      const description = args[2] ? this.str(args[2]) : null;
      this.addToTarget(target, direction, peer, port, description, at);
      return;
    }
    if (method === 'addSecurityGroup') {
      const target = this.resolve(recv);
      const added = this.resolve(args[0]);
      if (target?.attachment && added) target.attachment.groups.push(...added.groups.map((g) => ({ ref: { kind: 'model', id: g.id } as GroupRef, at: spanOf(this.ctx.src, args[0]!, '') })), ...added.external.map((ref) => ({ ref, at })));
      return;
    }
    if (method === 'addListener') {
      this.listener(call, recv);
      return;
    }
    if (ts.isPropertyAccessExpression(recv) && recv.name.text === 'connections' && CONNECTION_METHODS.has(method)) {
      const target = this.resolve(recv.expression);
      if (target) this.connections(method, target, args, at);
      else this.unseen(recv.expression, at);
    }
  }

  /** Rules added to something this file cannot see into (a prop, a construct's internals): say so, never guess. */
  private unseen(recv: ts.Expression, at: Span): void {
    const v = this.ctx.ev.value(this.ctx.src, recv);
    this.ctx.facts.unresolved.push(unresolved(v.k === 'unresolved' ? v.why : 'cdk-token', text(this.ctx.src, recv), at));
  }

  /** `lb.addListener('L', { port, open })`: open (the default) admits the world on the listener's port. */
  private listener(call: ts.CallExpression, recv: ts.Expression): void {
    const lb = this.resolve(recv);
    if (!lb?.loadBalancer) return;
    const props = this.props(call.arguments[1]);
    const at = spanOf(this.ctx.src, call, '');
    const port = props.get('port') ? this.portFromNumber(props.get('port')!) : /HTTPS/.test(props.get('protocol')?.getText(this.ctx.src.sf) ?? '') || props.has('certificates') ? tcpPort(443, at) : tcpPort(80, at);
    const listener: Target = { groups: lb.groups, external: [], defaultPort: port, label: lb.label };
    this.bind(call, listener);
    if (this.bool(props.get('open'), true) === true) {
      const world = { peer: { kind: 'cidr4', cidr: known(ANY_IPV4, at) } as Peer, label: ANY_IPV4 };
      for (const g of lb.groups) this.addRule(g, 'ingress', world, port, known(`Allow from anyone on port ${port.label}`, at), at, 'cdk-generated', at);
    }
  }

  /** `x.connections.allowFrom(...)` and friends: both sides of the connection get their rule, as CDK renders them. */
  private connections(method: string, self: Target, args: readonly ts.Expression[], at: Span): void {
    const anyV4 = (): PeerValue => ({ peers: [{ peer: { kind: 'cidr4', cidr: known(ANY_IPV4, at) }, label: ANY_IPV4 }], at });
    const describe = (i: number) => (args[i] ? this.str(args[i]) : null);
    const defaultPort = (t: Target | undefined) => t?.defaultPort ?? { protocol: unresolved('cdk-token', 'default port', at), from: null, to: null, label: '{DefaultPort}', at };
    switch (method) {
      case 'allowFrom':
        return this.connect(self, this.peer(args[0]), this.resolve(args[0]), this.port(args[1]), describe(2), at, 'ingress');
      case 'allowTo':
        return this.connect(self, this.peer(args[0]), this.resolve(args[0]), this.port(args[1]), describe(2), at, 'egress');
      case 'allowFromAnyIpv4':
        return this.connect(self, anyV4(), undefined, this.port(args[0]), describe(1), at, 'ingress');
      case 'allowToAnyIpv4':
        return this.connect(self, anyV4(), undefined, this.port(args[0]), describe(1), at, 'egress');
      case 'allowDefaultPortFrom':
        return this.connect(self, this.peer(args[0]), this.resolve(args[0]), defaultPort(self), describe(1), at, 'ingress');
      case 'allowDefaultPortFromAnyIpv4':
        return this.connect(self, anyV4(), undefined, defaultPort(self), describe(0), at, 'ingress');
      case 'allowDefaultPortTo': {
        const other = this.resolve(args[0]);
        return this.connect(self, this.peer(args[0]), other, defaultPort(other), describe(1), at, 'egress');
      }
      case 'allowInternally':
        return this.connect(self, this.selfPeer(self, at), self, this.port(args[0]), describe(1), at, 'ingress');
      case 'allowDefaultPortInternally':
        return this.connect(self, this.selfPeer(self, at), self, defaultPort(self), describe(0), at, 'ingress');
      default:
        return undefined;
    }
  }

  private selfPeer(self: Target, at: Span): PeerValue {
    const external = self.external.map((ref) => ({ peer: { kind: 'securityGroup', ref } as Peer, label: self.label }));
    return { peers: [...self.groups.map((g) => ({ peer: { kind: 'securityGroup', ref: { kind: 'model', id: g.id } } as Peer, label: g.label })), ...external], at };
  }

  private connect(self: Target, peer: PeerValue, other: Target | undefined, port: PortValue, description: Value<string> | null, at: Span, direction: Direction): void {
    this.addToTarget(self, direction, peer, port, description, at);
    if (!other) return;
    const back: Direction = direction === 'ingress' ? 'egress' : 'ingress';
    this.addToTarget(other, back, this.selfPeer(self, at), port, description, at);
  }

  /** Rules on a target's own groups, and on groups it imports (CDK renders those as standalone rules on the imported id). */
  private addToTarget(target: Target, direction: Direction, peer: PeerValue, port: PortValue, description: Value<string> | null, at: Span): void {
    for (const g of target.groups) this.addL2(g, direction, peer, port, description, at);
    if (direction === 'egress' && target.externalAllowsAllOutbound !== false) return;
    for (const ref of target.external) {
      for (const p of peer.peers) {
        const generated = known(`${direction === 'ingress' ? 'from' : 'to'} ${p.label}:${port.label}`, at);
        this.pushRules(ref, target.address ?? this.ctx.src.path, direction, [{ ...p, at: peer.at }], port, description ?? generated, at, description ? 'cdk-l2' : 'cdk-generated', false);
      }
    }
  }

  private addL2(group: Group, direction: Direction, peer: PeerValue, port: PortValue, description: Value<string> | null, at: Span): void {
    for (const p of peer.peers) {
      const generated = known(`${direction === 'ingress' ? 'from' : 'to'} ${p.label}:${port.label}`, at);
      this.addRule(group, direction, p, port, description, at, description ? 'cdk-l2' : 'cdk-generated', peer.at, false, generated);
    }
  }

  private addRule(group: Group, direction: Direction, p: { peer: Peer; label: string }, port: PortValue, description: Value<string> | null, at: Span, origin: RuleOrigin, peerAt: Span, implicit = false, generated?: Value<string>): void {
    // allowAllOutbound (the default) already admits everything: CDK drops explicit egress rules on such a group.
    if (direction === 'egress' && group.allowAllOutbound === true && origin !== 'default' && !implicit) return;
    // One statement read twice (a loop over equal values) is one rule; the same rule stated again elsewhere is kept,
    // so that `rule-duplicate` can point at it (CDK renders it once, or twice when its values differ only in form).
    const key = `${at.file}:${at.start.line}:${at.start.column}|${group.id}|${direction}|${JSON.stringify(p.peer)}|${JSON.stringify([port.protocol, port.from, port.to].map((v) => (v?.k === 'known' ? v.v : v?.k)))}`;
    if (this.seenRules.has(key)) return;
    this.seenRules.add(key);
    this.pushRules({ kind: 'model', id: group.id }, this.addressOf(group.id), direction, [{ ...p, at: peerAt }], port, description ?? generated ?? null, at, origin, false, implicit);
  }

  /**
   * The address of a group of the run (its groups are indexed as they come: a search of them per rule was quadratic);
   * the file's path for one that is not there.
   */
  private addressOf(id: string): string {
    this.groupsById ??= new GrowingIndex(this.ctx.facts.groups, (g) => g.id);
    return this.groupsById.get(id)?.address ?? this.ctx.src.path;
  }

  private pushRules(groupRef: GroupRef | null, resource: string, direction: Direction, peers: { peer: Peer; at: Span }[], port: PortValue, description: Value<string> | null, at: Span, origin: RuleOrigin, singlePeer: boolean, implicit = false): void {
    const src = this.ctx.src;
    const entryId = `cdk:${src.path}#${at.start.line}:${at.start.column}:${direction}:${this.ctx.facts.rules.length}`;
    const madeAt = groupRef?.kind === 'model' ? this.madeAt.get(groupRef.id) : undefined;
    const uncertain = this.site !== null && mayBeSkipped(this.site, (loop) => (this.arrayElements(loop.expression)?.length ?? 0) > 0, madeAt);
    const entry = { id: entryId, peerCount: peers.filter((p) => p.peer.kind !== 'none').length, singlePeer, ...(uncertain ? { uncertain } : {}), at };
    peers.forEach((p, i) => {
      const rule: SgRule = {
        id: `${entryId}#${i}`,
        group: null,
        groupRef,
        direction,
        protocol: port.protocol,
        fromPort: port.from,
        toPort: port.to,
        peer: p.peer,
        peerAt: p.at,
        description,
        origin,
        entry,
        resource,
        implicit,
        at,
      };
      this.ctx.facts.rules.push(rule);
    });
  }

  // ---------- peers and ports ----------

  private peer(original: ts.Expression | undefined): PeerValue {
    if (!original) return { peers: [], at: spanOf(this.ctx.src, this.ctx.src.sf, '') };
    const at = spanOf(this.ctx.src, original, '');
    // A Peer held in a const (here or in a relative import) is read where it is made, and reported where it is used.
    const { src, expr } = this.ctx.ev.follow(this.ctx.src, original);
    const call = unwrapCall(expr);
    const name = call ? this.ctx.ev.cdkName(src, call.expression) : null;
    if (call && name?.path[0] === 'Peer') {
      const arg = (): Value<string> => ({ ...evString(this.ctx.ev.value(src, call.arguments[0]!)), at }) as Value<string>;
      switch (name.path[1]) {
        case 'anyIpv4':
          return { peers: [{ peer: { kind: 'cidr4', cidr: known(ANY_IPV4, at) }, label: ANY_IPV4 }], at };
        case 'anyIpv6':
          return { peers: [{ peer: { kind: 'cidr6', cidr: known(ANY_IPV6, at) }, label: ANY_IPV6 }], at };
        case 'ipv4':
        case 'ipv6': {
          const v = call.arguments[0] ? arg() : unresolved('unsupported-expression', text(src, expr), at);
          return { peers: [{ peer: { kind: name.path[1] === 'ipv4' ? 'cidr4' : 'cidr6', cidr: v }, label: v.k === 'known' ? v.v : text(src, call.arguments[0] ?? expr) }], at };
        }
        case 'prefixList':
          return { peers: [{ peer: { kind: 'prefixList', id: arg(), ...this.prefixListOf(src, call.arguments[0]) }, label: 'prefix list' }], at };
        case 'securityGroupId':
          return { peers: [{ peer: { kind: 'securityGroup', ref: { kind: 'external', id: arg() } }, label: 'security group' }], at };
        default:
          break;
      }
    }
    const target = this.resolve(original);
    if (target) {
      const peers = [...target.groups.map((g) => ({ peer: { kind: 'securityGroup', ref: { kind: 'model', id: g.id } } as Peer, label: g.label })), ...target.external.map((ref) => ({ peer: { kind: 'securityGroup', ref } as Peer, label: target.label }))];
      return { peers, at };
    }
    // Something we cannot see through (a parameter, a property of another construct): its address is unknown.
    const v = this.ctx.ev.value(this.ctx.src, original);
    const why = v.k === 'unresolved' ? v.why : 'cdk-token';
    return { peers: [{ peer: { kind: 'cidr4', cidr: unresolved(why, text(this.ctx.src, original), at) }, label: text(this.ctx.src, original) }], at };
  }

  /** `pl.prefixListId` of `new ec2.PrefixList(…, { maxEntries })`, or of an AWS-managed list looked up by its name. */
  private prefixListOf(src: CdkSource, arg: ts.Expression | undefined): { weight?: Value<number>; family?: 4 | 6 } {
    if (!arg || !ts.isPropertyAccessExpression(arg) || arg.name.text !== 'prefixListId') return {};
    const { src: at, expr } = this.ctx.ev.follow(src, arg.expression);
    const made = ts.isNewExpression(expr) ? expr : unwrapCall(expr);
    const name = made ? this.ctx.ev.cdkName(at, made.expression) : null;
    if (!made || name?.module !== 'aws-ec2' || name.path[0] !== 'PrefixList') return {};
    const options = made.arguments?.[2];
    const props = options && ts.isObjectLiteralExpression(options) ? this.props(options) : new Map<string, ts.Expression>();
    if (ts.isNewExpression(made)) {
      const max = props.get('maxEntries');
      const entries = props.get('entries');
      const family = props.get('addressFamily') ? addressFamilyOf(props.get('addressFamily')!.getText(at.sf).split('.').pop() ?? '') : 4;
      // Without maxEntries, CDK sizes the list to the entries it is given.
      const weight = max ? evNumber(this.ctx.ev.value(at, max)) : entries && ts.isArrayLiteralExpression(entries) ? known(entries.elements.length, spanOf(at, entries, '')) : undefined;
      return { ...(weight ? { weight } : {}), ...(family ? { family } : {}) };
    }
    const listName = name.path[1] === 'fromLookup' && props.get('prefixListName') ? this.ctx.ev.value(at, props.get('prefixListName')!) : null;
    const text = listName?.k === 'known' && typeof listName.v === 'string' ? listName.v : null;
    const weight = text === null ? undefined : awsManagedPrefixListWeight(text);
    return weight === undefined ? {} : { weight: known(weight, spanOf(at, made, '')), family: awsManagedPrefixListFamily(text!) };
  }

  private port(original: ts.Expression | undefined): PortValue {
    const at = original ? spanOf(this.ctx.src, original, '') : spanOf(this.ctx.src, this.ctx.src.sf, '');
    const unknown = (why: Parameters<typeof unresolved>[0]) => {
      const u = unresolved(why, original ? text(this.ctx.src, original) : 'port', at);
      return { protocol: u, from: u, to: u, label: original ? text(this.ctx.src, original) : '?', at };
    };
    if (!original) return unknown('unsupported-expression');
    // A Port held in a const (here or in a relative import) is read where it is made, and reported where it is used.
    const { src, expr } = this.ctx.ev.follow(this.ctx.src, original);
    if (ts.isIdentifier(expr)) {
      const decl = this.ctx.ev.declarationOf(src, expr);
      return unknown(decl?.kind === 'parameter' ? 'function-parameter' : decl?.kind === 'loop' ? 'loop-variable' : 'unknown-reference');
    }
    const name = ts.isPropertyAccessExpression(expr) ? this.ctx.ev.cdkName(src, expr) : null;
    if (name?.path[0] === 'Port' && name.path[1] && PORT_CONSTANTS[name.path[1]]) return fromSpec(PORT_CONSTANTS[name.path[1]]!, at);
    if (ts.isNewExpression(expr) && this.ctx.ev.cdkName(src, expr.expression)?.path.at(-1) === 'Port') {
      const props = this.props(expr.arguments?.[0]);
      const proto = props.get('protocol');
      const protoName = proto ? this.ctx.ev.cdkName(src, proto) : null;
      const protocol = protoName?.path[0] === 'Protocol' && protoName.path[1] ? known(normalizeProtocol(PROTOCOLS[protoName.path[1]] ?? protoName.path[1].toLowerCase()), at) : unresolved('cdk-token', proto ? text(src, proto) : 'protocol', at);
      const num = (k: string): Value<number> | null => (props.get(k) ? ({ ...evNumber(this.ctx.ev.value(src, props.get(k)!)), at } as Value<number>) : null);
      const label = this.str(props.get('stringRepresentation'), src);
      return { protocol, from: num('fromPort'), to: num('toPort'), label: label?.k === 'known' ? label.v : '', at };
    }
    const call = unwrapCall(expr);
    const factory = call ? this.ctx.ev.cdkName(src, call.expression) : null;
    if (!call || factory?.path[0] !== 'Port') return unknown('cdk-token');
    // Port findings point at the Port.* call (RULES.md), so its numbers take the call's span.
    const n = (i: number): Value<number> => ({ ...evNumber(this.ctx.ev.value(src, call.arguments[i] ?? call)), at }) as Value<number>;
    const lbl = (v: Value<number>) => (v.k === 'known' ? String(v.v) : '?');
    switch (factory.path[1]) {
      case 'tcp':
      case 'udp': {
        const p = n(0);
        return { protocol: known<Protocol>(factory.path[1], at), from: p, to: p, label: factory.path[1] === 'udp' ? `UDP ${lbl(p)}` : lbl(p), at };
      }
      case 'tcpRange':
      case 'udpRange': {
        const [a, b] = [n(0), n(1)];
        const protocol = factory.path[1] === 'tcpRange' ? 'tcp' : 'udp';
        return { protocol: known<Protocol>(protocol, at), from: a, to: b, label: `${protocol === 'udp' ? 'UDP ' : ''}${lbl(a)}-${lbl(b)}`, at };
      }
      case 'allTcp':
        return fromSpec({ protocol: 'tcp', from: 0, to: 65535, label: 'ALL PORTS' }, at);
      case 'allUdp':
        return fromSpec({ protocol: 'udp', from: 0, to: 65535, label: 'UDP ALL PORTS' }, at);
      case 'allTraffic':
        return allTraffic(at);
      case 'icmpPing':
        return fromSpec({ protocol: 'icmp', from: 8, to: -1, label: 'ICMP PING' }, at);
      case 'icmpType': {
        const t = n(0);
        return { protocol: known<Protocol>('icmp', at), from: t, to: known(-1, at), label: `ICMP Type ${lbl(t)}`, at };
      }
      case 'icmpTypeAndCode': {
        const [t, c] = [n(0), n(1)];
        return { protocol: known<Protocol>('icmp', at), from: t, to: c, label: `ICMP Type ${lbl(t)} Code ${lbl(c)}`, at };
      }
      case 'allIcmp':
        return fromSpec({ protocol: 'icmp', from: -1, to: -1, label: 'ALL ICMP' }, at);
      case 'allIcmpV6':
        return fromSpec({ protocol: 'icmpv6', from: -1, to: -1, label: 'ALL ICMPv6' }, at);
      default:
        return unknown('cdk-token');
    }
  }
}

function unwrapCall(expr: ts.Expression): ts.CallExpression | undefined {
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  return ts.isCallExpression(e) ? e : undefined;
}

function fromSpec(spec: { protocol: string; from: number | null; to: number | null; label: string }, at: Span): PortValue {
  return {
    protocol: known(normalizeProtocol(spec.protocol), at),
    from: spec.from === null ? null : known(spec.from, at),
    to: spec.to === null ? null : known(spec.to, at),
    label: spec.label,
    at,
  };
}

function tcpPort(port: number, at: Span): PortValue {
  return fromSpec({ protocol: 'tcp', from: port, to: port, label: String(port) }, at);
}

function allTraffic(at: Span): PortValue {
  return fromSpec({ protocol: '-1', from: null, to: null, label: 'ALL TRAFFIC' }, at);
}

export type { CdkName, EV };
