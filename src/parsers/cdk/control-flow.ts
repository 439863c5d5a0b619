import { ts } from './typescript.js';

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
 * callback, in an optional call, or after a statement that may leave early (`if (!props.enabled) return;`). With `since`
 * (where the group the code adds to is made), only what lies between the two counts: a rule added in the same branch
 * as its group exists whenever the group does.
 */
export function mayBeSkipped(node: ts.Node, runs: (loop: ts.ForOfStatement) => boolean, since?: ts.Node): boolean {
  if (ts.isOptionalChain(node)) return true;
  for (let child = node, parent = node.parent; parent && !ts.isSourceFile(parent); child = parent, parent = parent.parent) {
    if (since && holds(parent, since)) return ts.isBlock(parent) && exitsBetween(parent, since.pos, child.pos);
    if (ts.isIfStatement(parent) && child !== parent.expression) return true;
    if (ts.isConditionalExpression(parent) && child !== parent.condition) return true;
    if (ts.isBinaryExpression(parent) && child === parent.right && SHORT_CIRCUIT.has(parent.operatorToken.kind)) return true;
    if (ts.isCaseClause(parent) || ts.isDefaultClause(parent) || ts.isCatchClause(parent) || ts.isOptionalChain(parent)) return true;
    if (ts.isForStatement(parent) || ts.isForInStatement(parent) || ts.isWhileStatement(parent)) return true;
    if (ts.isForOfStatement(parent) && child === parent.statement && !runs(parent)) return true;
    if ((ts.isArrowFunction(parent) || ts.isFunctionExpression(parent)) && ts.isCallOrNewExpression(parent.parent)) return true;
    if (ts.isBlock(parent) && exitsBetween(parent, -1, child.pos)) return true;
  }
  return false;
}

function holds(outer: ts.Node, inner: ts.Node): boolean {
  return outer.getSourceFile() === inner.getSourceFile() && outer.pos <= inner.pos && inner.end <= outer.end;
}

const exits = new WeakMap<ts.Block, number[]>();

/** Whether a statement of the block that starts after `from` and before `to` may leave it; worked out once per block. */
function exitsBetween(block: ts.Block, from: number, to: number): boolean {
  let starts = exits.get(block);
  if (!starts) exits.set(block, (starts = block.statements.filter(mayLeave).map((s) => s.pos)));
  return starts.some((pos) => pos > from && pos < to);
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
