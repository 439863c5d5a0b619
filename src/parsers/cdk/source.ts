import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ts } from './typescript.js';
import type { Span } from '../../model/location.js';
import { readSource, type SourceOverlay } from '../read.js';
import type { ScanRoot } from '../../util/scan-root.js';
import type { Diagnostic, Range, SourceComment } from '../types.js';
import { maySuppress } from '../../engine/directive.js';

/** How a local name was imported: a CDK module (namespace or one export of it), or a relative module of the project. */
export type Binding = { kind: 'cdk'; module: string; name?: string } | { kind: 'relative'; file: string; name: string };

export interface CdkSource {
  abs: string;
  path: string;
  text: string;
  sf: ts.SourceFile;
  imports: Map<string, Binding>;
  /** True when the file imports aws-cdk-lib or a CDK v1 module. */
  isCdk: boolean;
  diagnostics: Diagnostic[];
}

const CDK_MODULE = /^(aws-cdk-lib|@aws-cdk\/[a-z0-9-]+)(\/[a-z0-9-]+)?$/;

/** 'aws-cdk-lib' → 'root'; 'aws-cdk-lib/aws-ec2' and '@aws-cdk/aws-ec2' → 'aws-ec2'; '@aws-cdk/core' → 'root'. */
export function cdkModule(specifier: string): string | null {
  const m = CDK_MODULE.exec(specifier);
  if (!m) return null;
  if (m[1] === 'aws-cdk-lib') return m[2] ? m[2].slice(1) : 'root';
  const v1 = m[1]!.slice('@aws-cdk/'.length);
  return v1 === 'core' ? 'root' : v1;
}

function scriptKind(abs: string): ts.ScriptKind {
  if (abs.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (abs.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.(m?js|cjs)$/.test(abs)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Parses a TypeScript/JavaScript file (syntax only: nothing is resolved, nothing runs) and reads its imports. */
export function loadSource(abs: string, path: string, scope?: ScanRoot, overlay?: SourceOverlay): CdkSource | { error: string } {
  const read = readSource(abs, scope, overlay);
  if (read.error) return { error: read.error };
  return parseSource(abs, path, read.text!);
}

/** Parses the text of a TypeScript/JavaScript file read already (see loadSource). */
export function parseSource(abs: string, path: string, text: string): CdkSource {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(abs));
  const imports = new Map<string, Binding>();
  let isCdk = false;
  const bind = (specifier: string, local: string, name?: string) => {
    const module = cdkModule(specifier);
    if (module) {
      isCdk = true;
      imports.set(local, { kind: 'cdk', module, ...(name ? { name } : {}) });
    } else if (specifier.startsWith('.')) {
      const file = resolveRelative(abs, specifier);
      if (file) imports.set(local, { kind: 'relative', file, name: name ?? '*' });
    }
  };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      const clause = st.importClause;
      if (cdkModule(spec)) isCdk = true;
      if (!clause) continue;
      if (clause.name) bind(spec, clause.name.text, 'default');
      const named = clause.namedBindings;
      if (named && ts.isNamespaceImport(named)) bind(spec, named.name.text);
      else if (named) for (const el of named.elements) bind(spec, el.name.text, (el.propertyName ?? el.name).text);
    } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference) && ts.isStringLiteral(st.moduleReference.expression)) {
      // import cdk = require('aws-cdk-lib');
      bind(st.moduleReference.expression.text, st.name.text);
    } else if (ts.isVariableStatement(st)) {
      // const ec2 = require('aws-cdk-lib/aws-ec2'); const { SecurityGroup } = require('aws-cdk-lib/aws-ec2')
      for (const d of st.declarationList.declarations) {
        const init = d.initializer;
        if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require') continue;
        const arg = init.arguments[0];
        if (!arg || !ts.isStringLiteral(arg)) continue;
        if (ts.isIdentifier(d.name)) bind(arg.text, d.name.text);
        else if (ts.isObjectBindingPattern(d.name)) {
          for (const el of d.name.elements) if (ts.isIdentifier(el.name)) bind(arg.text, el.name.text, el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text);
        }
      }
    }
  }
  const diagnostics = ((sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? []).map((d) => {
    const p = sf.getLineAndCharacterOfPosition(d.start);
    return { line: p.line + 1, column: p.character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') };
  });
  return { abs, path, text, sf, imports, isCdk, diagnostics };
}

function resolveRelative(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(m?js|cjs)$/, '');
  for (const candidate of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.js`, `${stem}.mjs`, resolve(base, 'index.ts'), resolve(base, 'index.js')]) {
    if (/\.(ts|tsx|js|mjs)$/.test(candidate) && !candidate.endsWith('.d.ts') && existsSync(candidate)) return candidate;
  }
  return null;
}

export function spanOf(src: CdkSource, node: ts.Node, path: string): Span {
  const start = src.sf.getLineAndCharacterOfPosition(node.getStart(src.sf));
  const end = src.sf.getLineAndCharacterOfPosition(node.getEnd());
  return { file: src.path, start: { line: start.line + 1, column: start.character + 1 }, end: { line: end.line + 1, column: end.character + 1 }, path };
}

/** Every comment (for suppression directives) and every statement (what a directive above it covers). */
export function commentsAndConstructs(src: CdkSource): { comments: SourceComment[]; constructs: Range[] } {
  const comments = new Map<number, SourceComment>();
  const statements: ts.Node[] = [];
  const pos = (offset: number) => {
    const p = src.sf.getLineAndCharacterOfPosition(offset);
    return { line: p.line + 1, column: p.character + 1 };
  };
  const take = (ranges: ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) {
      if (comments.has(r.pos)) continue;
      const raw = src.text.slice(r.pos, r.end);
      const single = r.kind === ts.SyntaxKind.SingleLineCommentTrivia;
      const inner = single ? raw.slice(2) : raw.slice(2, -2);
      if (!single && inner.includes('\n')) continue;
      const lineStart = src.text.lastIndexOf('\n', r.pos - 1) + 1;
      comments.set(r.pos, { text: inner.trim(), at: { start: pos(r.pos), end: pos(r.end) }, ownLine: src.text.slice(lineStart, r.pos).trim() === '' });
    }
  };
  const visit = (node: ts.Node) => {
    take(ts.getLeadingCommentRanges(src.text, node.pos));
    take(ts.getTrailingCommentRanges(src.text, node.end));
    if (ts.isStatement(node) || ts.isClassElement(node) || ts.isPropertyAssignment(node)) statements.push(node);
    ts.forEachChild(node, visit);
  };
  visit(src.sf);
  take(ts.getLeadingCommentRanges(src.text, src.sf.endOfFileToken.pos));
  const sorted = [...comments.values()].sort((a, b) => a.at.start.line - b.at.start.line || a.at.start.column - b.at.start.column);
  // Only a directive (ours or another scanner's) needs the constructs it may cover.
  const constructs = sorted.some(maySuppress) ? statements.map((node) => ({ start: pos(node.getStart(src.sf)), end: pos(node.getEnd()) })) : [];
  return { comments: sorted, constructs };
}
