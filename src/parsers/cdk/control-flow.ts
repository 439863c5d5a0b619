import { ts } from 'ts-morph';

const SHORT_CIRCUIT = new Set([
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/**
 * True when the code at `node` may not run every time the code around it does, so what it adds may not exist: it sits
 * in a branch (`if`, `? :`, `&&`, `||`, `??`, `switch`, `catch`), in a loop that `runs` cannot show runs at least once, in a
 * callback, in an optional call, or after a statement that may leave early (`if (!props.enabled) return;`).
 */
export function mayBeSkipped(node: ts.Node, runs: (loop: ts.ForOfStatement) => boolean): boolean {
  if (ts.isOptionalChain(node)) return true;
  for (let child = node, parent = node.parent; parent && !ts.isSourceFile(parent); child = parent, parent = parent.parent) {
    if (ts.isIfStatement(parent) && child !== parent.expression) return true;
    if (ts.isConditionalExpression(parent) && child !== parent.condition) return true;
    if (ts.isBinaryExpression(parent) && child === parent.right && SHORT_CIRCUIT.has(parent.operatorToken.kind)) return true;
    if (ts.isCaseClause(parent) || ts.isDefaultClause(parent) || ts.isCatchClause(parent) || ts.isOptionalChain(parent)) return true;
    if (ts.isForStatement(parent) || ts.isForInStatement(parent) || ts.isWhileStatement(parent)) return true;
    if (ts.isForOfStatement(parent) && child === parent.statement && !runs(parent)) return true;
    if ((ts.isArrowFunction(parent) || ts.isFunctionExpression(parent)) && ts.isCallOrNewExpression(parent.parent)) return true;
    if (ts.isBlock(parent) && child.pos > firstExit(parent)) return true;
  }
  return false;
}

const exits = new WeakMap<ts.Block, number>();

/** Where the first statement of a block that may leave it starts (Infinity when none may); worked out once per block. */
function firstExit(block: ts.Block): number {
  let pos = exits.get(block);
  if (pos === undefined) exits.set(block, (pos = block.statements.find(mayLeave)?.pos ?? Infinity));
  return pos;
}

/** A statement that may leave the code it is in before what follows it (a `return`, `throw`, `break` or `continue`). */
function mayLeave(statement: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node, inLoop: boolean) => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isReturnStatement(n) || ts.isThrowStatement(n) || (!inLoop && (ts.isBreakStatement(n) || ts.isContinueStatement(n)))) found = true;
    else ts.forEachChild(n, (c) => visit(c, inLoop || ts.isIterationStatement(n, false) || ts.isSwitchStatement(n)));
  };
  visit(statement, false);
  return found;
}
