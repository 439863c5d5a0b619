import { ts } from './typescript.js';
import type { Span } from '../../model/location.js';
import { known, unresolved, type UnresolvedReason } from '../../model/value.js';
import { relocate, type Data, type EV } from '../values.js';
import { spanOf, type CdkSource } from './source.js';
import { cut } from '../../util/strings.js';

export interface SourceLoader {
  source(abs: string): CdkSource | null;
}

/** A name reached through a CDK import: `ec2.Peer.anyIpv4` → { module: 'aws-ec2', path: ['Peer', 'anyIpv4'] }. */
export interface CdkName {
  module: string;
  path: string[];
}

type Declaration = { node: ts.Node; scope: ts.Node; kind: 'const' | 'let' | 'parameter' | 'loop' };

const MAX_DEPTH = 32;

/**
 * Static values of TypeScript expressions: literals, templates, consts never reassigned (in this file or exported from
 * a relative import), object and array literals. Everything else is unknown with a reason; nothing is executed.
 */
export class CdkEvaluator {
  private readonly declarations = new WeakMap<ts.SourceFile, Map<ts.Node, Map<string, Declaration>>>();
  private readonly reassigned = new WeakMap<ts.SourceFile, Set<string>>();
  /** While a loop body is read once per element, the element each loop variable stands for. */
  private readonly loopElements = new Map<ts.Node, ts.Expression>();

  /** Runs `fn` with the loop variable declared by `decl` standing for `element`. */
  withLoopElement<T>(decl: ts.Node, element: ts.Expression, fn: () => T): T {
    this.loopElements.set(decl, element);
    try {
      return fn();
    } finally {
      this.loopElements.delete(decl);
    }
  }

  /** The element a loop variable stands for at the moment, if its loop is being unrolled. */
  loopElement(decl: ts.Node): ts.Expression | undefined {
    return this.loopElements.get(decl);
  }

  constructor(private readonly loader: SourceLoader) {}

  /** The CDK module and member path an expression names, following import aliases (`cdk.aws_ec2.Port.tcp`). */
  cdkName(src: CdkSource, expr: ts.Expression): CdkName | null {
    const parts: string[] = [];
    let e: ts.Expression = expr;
    while (ts.isPropertyAccessExpression(e)) {
      parts.unshift(e.name.text);
      e = e.expression;
    }
    if (!ts.isIdentifier(e)) return null;
    const binding = src.imports.get(e.text);
    if (!binding || binding.kind !== 'cdk') return null;
    let module = binding.module;
    let path = binding.name && binding.name !== 'default' ? [binding.name, ...parts] : parts;
    if (module === 'root' && path[0]?.startsWith('aws_')) {
      module = path[0].replace(/_/g, '-');
      path = path.slice(1);
    }
    return { module, path };
  }

  /**
   * Follows an identifier to the expression it stands for: a loop element being unrolled, a same-file const, or a
   * const exported by a relative import (then in that file). Anything else is returned as it is.
   */
  follow(src: CdkSource, expr: ts.Expression, depth = 0): { src: CdkSource; expr: ts.Expression } {
    let e = expr;
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    if (!ts.isIdentifier(e) || depth > 6) return { src, expr: e };
    const decl = this.declarationOf(src, e);
    if (decl?.kind === 'loop') {
      const element = this.loopElements.get(decl.node);
      return element ? this.follow(src, element, depth + 1) : { src, expr: e };
    }
    if (decl?.kind === 'const' && ts.isVariableDeclaration(decl.node) && decl.node.initializer) return this.follow(src, decl.node.initializer, depth + 1);
    const imported = !decl ? src.imports.get(e.text) : undefined;
    if (imported?.kind === 'relative') {
      const other = this.loader.source(imported.file);
      const init = other ? exportedConst(other, imported.name) : undefined;
      if (other && init) return this.follow(other, init, depth + 1);
    }
    return { src, expr: e };
  }

  /**
   * `c ? a : b`: the branch `c` picks when `c` is known; otherwise both, each under its condition ("props.prod is
   * true"), as deployment variants of the app (CDK decides them at synth time, from values this file does not hold).
   */
  private conditional(src: CdkSource, node: ts.ConditionalExpression, at: Span, depth: number): EV {
    const cond = this.value(src, node.condition, depth + 1);
    if (cond.k === 'known' && typeof cond.v === 'boolean') return relocate(this.value(src, cond.v ? node.whenTrue : node.whenFalse, depth + 1), at);
    const label = text(src, node.condition);
    return {
      k: 'oneOf',
      at,
      options: [
        { when: `${label} is true`, value: this.value(src, node.whenTrue, depth + 1) },
        { when: `${label} is false`, value: this.value(src, node.whenFalse, depth + 1) },
      ],
    };
  }

  value(src: CdkSource, node: ts.Expression, depth = 0): EV {
    const at = spanOf(src, node, '');
    if (depth > MAX_DEPTH) return unresolved('unsupported-expression', text(src, node), at);
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node)) {
      return relocate(this.value(src, node.expression, depth + 1), at);
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return known(node.text, at);
    if (ts.isNumericLiteral(node)) return known(Number(node.text), at);
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) return known(-Number(node.operand.text), at);
    if (node.kind === ts.SyntaxKind.TrueKeyword) return known(true, at);
    if (node.kind === ts.SyntaxKind.FalseKeyword) return known(false, at);
    if (node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined')) return known(null, at);
    if (ts.isTemplateExpression(node)) {
      let out = node.head.text;
      for (const span of node.templateSpans) {
        const v = this.value(src, span.expression, depth + 1);
        if (v.k !== 'known' || (typeof v.v !== 'string' && typeof v.v !== 'number')) return v.k === 'unresolved' ? { ...v, expr: text(src, node), at } : unresolved('unsupported-expression', text(src, node), at);
        out += String(v.v) + span.literal.text;
      }
      return known(out, at);
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const [l, r] = [this.value(src, node.left, depth + 1), this.value(src, node.right, depth + 1)];
      if (l.k === 'known' && r.k === 'known' && (typeof l.v === 'string' || typeof l.v === 'number') && (typeof r.v === 'string' || typeof r.v === 'number')) {
        return known((l.v as never) + (r.v as never), at);
      }
      return unresolved(l.k === 'unresolved' ? l.why : r.k === 'unresolved' ? r.why : 'unsupported-expression', text(src, node), at);
    }
    if (ts.isConditionalExpression(node)) return this.conditional(src, node, at, depth);
    if (ts.isArrayLiteralExpression(node)) return known(node.elements.map((el) => this.value(src, el as ts.Expression, depth + 1)), at);
    if (ts.isObjectLiteralExpression(node)) {
      const out: Record<string, EV> = {};
      for (const p of node.properties) {
        const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
        if (!name) continue;
        if (ts.isPropertyAssignment(p)) out[name] = this.value(src, p.initializer, depth + 1);
        else if (ts.isShorthandPropertyAssignment(p)) out[name] = this.value(src, p.name, depth + 1);
      }
      return known(out, at);
    }
    if (ts.isIdentifier(node)) return relocate(this.identifier(src, node, depth), at);
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return relocate(this.member(src, node, depth), at);
    if (ts.isCallExpression(node)) return unresolved(this.cdkName(src, node.expression) ? 'cdk-token' : 'function-call', text(src, node), at);
    return unresolved('unsupported-expression', text(src, node), at);
  }

  private identifier(src: CdkSource, id: ts.Identifier, depth: number): EV {
    const at = spanOf(src, id, '');
    const decl = this.declarationOf(src, id);
    if (decl) {
      if (decl.kind === 'parameter') return unresolved('function-parameter', id.text, at);
      if (decl.kind === 'loop') {
        const element = this.loopElements.get(decl.node);
        return element ? this.value(src, element, depth + 1) : unresolved('loop-variable', id.text, at);
      }
      if (decl.kind === 'let' && this.reassignedNames(src).has(id.text)) return unresolved('unsupported-expression', `${id.text} (reassigned)`, at);
      const init = (decl.node as ts.VariableDeclaration).initializer;
      return init ? this.value(src, init, depth + 1) : unresolved('unknown-reference', id.text, at);
    }
    const imported = src.imports.get(id.text);
    if (imported?.kind === 'relative') {
      const other = this.loader.source(imported.file);
      const exported = other ? exportedConst(other, imported.name) : undefined;
      if (other && exported) return this.value(other, exported, depth + 1);
    }
    if (imported?.kind === 'cdk') return unresolved('cdk-token', id.text, at);
    return unresolved('unknown-reference', id.text, at);
  }

  private member(src: CdkSource, node: ts.PropertyAccessExpression | ts.ElementAccessExpression, depth: number): EV {
    const at = spanOf(src, node, '');
    const key: EV = ts.isPropertyAccessExpression(node) ? known(node.name.text, at) : this.value(src, node.argumentExpression, depth + 1);
    const target = node.expression;
    if (target.kind === ts.SyntaxKind.ThisKeyword) return unresolved('cdk-token', text(src, node), at);
    if (ts.isIdentifier(target) && this.declarationOf(src, target)?.kind === 'parameter') return unresolved('function-parameter', text(src, node), at);
    const base = this.value(src, target, depth + 1);
    if (base.k === 'known' && key.k === 'known') {
      const data = base.v;
      const found = Array.isArray(data) && typeof key.v === 'number' ? data[key.v] : data && typeof data === 'object' && !Array.isArray(data) ? data[String(key.v)] : undefined;
      if (found) return found;
    }
    // A property of a construct or of anything unknown (vpc.vpcCidrBlock, props.cidr) is a token at synth time.
    return unresolved(base.k === 'unresolved' && base.why === 'function-parameter' ? 'function-parameter' : 'cdk-token', text(src, node), at);
  }

  /** The declaration an identifier refers to: the one of its name in the innermost scope around it. */
  declarationOf(src: CdkSource, id: ts.Identifier): Declaration | undefined {
    const scopes = this.declarationsOf(src);
    for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
      const found = scopes.get(n)?.get(id.text);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * A file's declarations by the scope they are in, then by name (the first of a name in a scope): an identifier is
   * resolved by walking up its scopes, so a name declared in ten thousand functions costs no more than one.
   */
  private declarationsOf(src: CdkSource): Map<ts.Node, Map<string, Declaration>> {
    const known = this.declarations.get(src.sf);
    if (known) return known;
    const byScope = new Map<ts.Node, Map<string, Declaration>>();
    const add = (name: ts.BindingName, node: ts.Node, kind: Declaration['kind']) => {
      const scope = scopeOf(node);
      let names = byScope.get(scope);
      if (!names) byScope.set(scope, (names = new Map()));
      for (const n of ts.isIdentifier(name) ? [name] : collectBindingIdentifiers(name)) {
        if (!names.has(n.text)) names.set(n.text, { node: ts.isIdentifier(name) ? node : n, scope, kind: ts.isIdentifier(name) ? kind : kind === 'const' ? 'let' : kind });
      }
    };
    const visit = (node: ts.Node) => {
      if (ts.isVariableDeclaration(node)) {
        const list = node.parent;
        const loop = list && (ts.isForOfStatement(list.parent) || ts.isForInStatement(list.parent));
        const isConst = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
        add(node.name, node, loop ? 'loop' : isConst ? 'const' : 'let');
      } else if (ts.isParameter(node)) add(node.name, node, 'parameter');
      ts.forEachChild(node, visit);
    };
    visit(src.sf);
    this.declarations.set(src.sf, byScope);
    return byScope;
  }

  private reassignedNames(src: CdkSource): Set<string> {
    let set = this.reassigned.get(src.sf);
    if (set) return set;
    set = new Set();
    const visit = (node: ts.Node) => {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment && ts.isIdentifier(node.left)) set!.add(node.left.text);
      if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && ts.isIdentifier(node.operand)) set!.add(node.operand.text);
      ts.forEachChild(node, visit);
    };
    visit(src.sf);
    this.reassigned.set(src.sf, set);
    return set;
  }
}

function scopeOf(node: ts.Node): ts.Node {
  let n: ts.Node | undefined = node.parent;
  if (ts.isParameter(node)) return node.parent;
  while (n && !ts.isBlock(n) && !ts.isSourceFile(n) && !ts.isFunctionLike(n) && !ts.isForOfStatement(n) && !ts.isForInStatement(n) && !ts.isForStatement(n) && !ts.isModuleBlock(n)) n = n.parent;
  return n ?? node.getSourceFile();
}

function collectBindingIdentifiers(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : collectBindingIdentifiers(el.name)));
}

function exportedConst(src: CdkSource, name: string): ts.Expression | undefined {
  for (const st of src.sf.statements) {
    if (!ts.isVariableStatement(st) || !st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) return d.initializer;
  }
  return undefined;
}

export function text(src: CdkSource, node: ts.Node): string {
  const t = node.getText(src.sf).replace(/\s+/g, ' ');
  return cut(t, 120);
}

export type { Data, Span, UnresolvedReason };
