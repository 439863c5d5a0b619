import { ts } from './typescript.js';
import type { CdkEvaluator } from './evaluate.js';
import type { CdkSource } from './source.js';
import { addTo } from '../../util/maps.js';

/** Methods that add rules to the group they are called on: calling them is not a use of the group. */
const RULE_METHODS = new Set(['addIngressRule', 'addEgressRule']);
/** Construct-tree plumbing on the group itself (dependencies, overrides, removal policy): not a use either. */
const PLUMBING = new Set(['node', 'applyRemovalPolicy', 'addOverride', 'addPropertyOverride', 'addDeletionOverride', 'addDependency', 'addMetadata', 'cfnOptions']);
/** Properties that stand for the group itself: where they go, the group goes. */
const IDENTITY = new Set(['securityGroupId', 'attrGroupId', 'ref']);
/** CDK calls that take a construct without using it: `Tags.of(sg)`, `Aspects.of(sg)`. */
const TREE_HELPERS = new Set(['Tags', 'Aspects']);

/**
 * Where the group a `new SecurityGroup(…)` (or `CfnSecurityGroup`) makes is used, or null when it only gets rules: the
 * first place its variable or property is passed, returned, stored or read for anything other than adding rules to it.
 * An exported variable, and a property that is not private, export it (another stack or construct can use it).
 */
export function groupUse(src: CdkSource, ev: CdkEvaluator, created: ts.Expression, connectionMethods: ReadonlySet<string>): ts.Node | null {
  const finder = new UseFinder(src, ev, connectionMethods);
  return finder.use(created);
}

class UseFinder {
  constructor(
    private readonly src: CdkSource,
    private readonly ev: CdkEvaluator,
    private readonly connectionMethods: ReadonlySet<string>,
  ) {}

  use(created: ts.Expression): ts.Node | null {
    const holder = outermost(created);
    const parent = holder.parent;
    if (ts.isVariableDeclaration(parent) && parent.initializer === holder) {
      if (!ts.isIdentifier(parent.name) || isExported(parent)) return parent;
      return this.variableUse(parent, parent.name.text);
    }
    if (ts.isPropertyDeclaration(parent) && parent.initializer === holder) return this.propertyUse(parent, parent.name.getText(this.src.sf));
    if (ts.isBinaryExpression(parent) && parent.right === holder && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = parent.left;
      if (ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword) return this.propertyUse(left, left.name.text);
      if (ts.isIdentifier(left)) {
        const decl = this.ev.declarationOf(this.src, left)?.node;
        return decl && ts.isVariableDeclaration(decl) && !isExported(decl) ? this.variableUse(decl, left.text) : parent;
      }
      return parent;
    }
    if (ts.isExpressionStatement(parent)) return null;
    return this.isUse(holder) ? holder : null;
  }

  private variableUse(decl: ts.VariableDeclaration, name: string): ts.Node | null {
    for (const id of this.identifiers(name)) {
      if (id === decl.name || isPropertyName(id)) continue;
      if (this.ev.declarationOf(this.src, id)?.node !== decl) continue;
      if (this.isUse(id)) return id;
    }
    return null;
  }

  /** `this.x`: a private property is followed through the class; any other property exports the group. */
  private propertyUse(at: ts.Node, name: string): ts.Node | null {
    const cls = enclosingClass(at);
    const member = cls?.members.find((m) => m.name?.getText(this.src.sf) === name);
    const isPrivate = member && (ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0;
    if (!cls || !(isPrivate || name.startsWith('#'))) return at;
    let found: ts.Node | null = null;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isPropertyAccessExpression(n) && n.expression.kind === ts.SyntaxKind.ThisKeyword && n.name.getText(this.src.sf) === name && !isAssigned(n) && this.isUse(n)) {
        found = n;
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(cls);
    return found;
  }

  /** Whether the group, read at `expr`, is used there (passed, returned, stored, read) rather than given rules. */
  private isUse(expr: ts.Node): boolean {
    const e = outermost(expr);
    const p = e.parent;
    if (ts.isPropertyAccessExpression(p) && p.expression === e) {
      const name = p.name.text;
      if (RULE_METHODS.has(name) && isCallee(p)) return false;
      if (PLUMBING.has(name)) return false;
      if (name === 'connections') {
        const method = p.parent;
        return !(ts.isPropertyAccessExpression(method) && method.expression === p && this.connectionMethods.has(method.name.text) && isCallee(method));
      }
      if (IDENTITY.has(name)) return this.isUse(p) && !this.isOwnRuleGroupId(p);
      return true;
    }
    if (ts.isCallExpression(p) && p.arguments.includes(e as ts.Expression)) {
      const callee = p.expression;
      const helper = ts.isPropertyAccessExpression(callee) && callee.name.text === 'of' ? this.ev.cdkName(this.src, callee.expression) : null;
      if (helper && TREE_HELPERS.has(helper.path[helper.path.length - 1] ?? '')) return false;
    }
    return true;
  }

  /** `groupId: sg.attrGroupId` in a `CfnSecurityGroupIngress`/`Egress`: the rule belongs to the group. */
  private isOwnRuleGroupId(expr: ts.Node): boolean {
    const e = outermost(expr);
    const assignment = e.parent;
    if (!ts.isPropertyAssignment(assignment) || assignment.name.getText(this.src.sf) !== 'groupId') return false;
    const created = assignment.parent.parent;
    if (!ts.isNewExpression(created)) return false;
    const cls = this.ev.cdkName(this.src, created.expression)?.path.at(-1);
    return cls === 'CfnSecurityGroupIngress' || cls === 'CfnSecurityGroupEgress';
  }

  private identifiers(name: string): ts.Identifier[] {
    let byName = identifierIndex.get(this.src.sf);
    if (!byName) {
      const index = new Map<string, ts.Identifier[]>();
      const visit = (n: ts.Node): void => {
        if (ts.isIdentifier(n)) addTo(index, n.text, n);
        ts.forEachChild(n, visit);
      };
      visit(this.src.sf);
      identifierIndex.set(this.src.sf, (byName = index));
    }
    return byName.get(name) ?? [];
  }
}

/** Each file's identifiers by name, built once for all the groups it makes. */
const identifierIndex = new WeakMap<ts.SourceFile, Map<string, ts.Identifier[]>>();

function outermost(node: ts.Node): ts.Node {
  let n = node;
  while (ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent) || ts.isNonNullExpression(n.parent) || ts.isSatisfiesExpression(n.parent)) n = n.parent;
  return n;
}

function isCallee(node: ts.Node): boolean {
  return ts.isCallExpression(node.parent) && node.parent.expression === node;
}

function isAssigned(node: ts.Node): boolean {
  const p = outermost(node).parent;
  return ts.isBinaryExpression(p) && p.left === outermost(node) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

/** The name in `x.name` or `{ name: … }`, which is not a reference to a variable `name`. */
function isPropertyName(id: ts.Identifier): boolean {
  const p = id.parent;
  return (ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isPropertyAssignment(p) && p.name === id) || (ts.isMethodDeclaration(p) && p.name === id) || (ts.isPropertyDeclaration(p) && p.name === id);
}

function isExported(decl: ts.VariableDeclaration): boolean {
  const statement = decl.parent.parent;
  return ts.isVariableStatement(statement) && (statement.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  let n: ts.Node | undefined = node.parent;
  while (n && !ts.isClassLike(n)) n = n.parent;
  return n;
}
