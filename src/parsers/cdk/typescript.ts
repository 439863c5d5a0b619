// The TypeScript compiler API for the syntax-only CDK front end. ts-morph bundles it as @ts-morph/common's
// dist/typescript.js and re-exports it as `ts`; requiring that file directly skips loading ts-morph's own 4 MB, which
// this front end never uses (a quarter of the time ts-morph takes to load). When the file is not where ts-morph keeps
// it today, ts-morph's export is used.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ts as TS } from 'ts-morph';

const require = createRequire(import.meta.url);

function loadTypeScript(): typeof TS {
  try {
    const common = createRequire(require.resolve('ts-morph')).resolve('@ts-morph/common');
    return require(join(dirname(common), 'typescript.js')) as typeof TS;
  } catch {
    return (require('ts-morph') as typeof import('ts-morph')).ts;
  }
}

export const ts: typeof TS = loadTypeScript();

/** The compiler API's types the front end names (`ts.Node` and so on), beside the value above. */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace ts {
  export type BindingName = TS.BindingName;
  export type Block = TS.Block;
  export type CallExpression = TS.CallExpression;
  export type ClassLikeDeclaration = TS.ClassLikeDeclaration;
  export type CommentRange = TS.CommentRange;
  export type ConditionalExpression = TS.ConditionalExpression;
  export type DiagnosticWithLocation = TS.DiagnosticWithLocation;
  export type ElementAccessExpression = TS.ElementAccessExpression;
  export type Expression = TS.Expression;
  export type ForOfStatement = TS.ForOfStatement;
  export type Identifier = TS.Identifier;
  export type NewExpression = TS.NewExpression;
  export type Node = TS.Node;
  export type PropertyAccessExpression = TS.PropertyAccessExpression;
  export type ScriptKind = TS.ScriptKind;
  export type SourceFile = TS.SourceFile;
  export type VariableDeclaration = TS.VariableDeclaration;
}
