import { BUILTIN_RULES } from './engine/builtins.js';
import type { RuleModule } from './engine/define-rule.js';
import { RULES } from '../rules/index.js';

/** Every built-in rule, in precedence order, then `extra` (plugins). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fullRegistry(extra: RuleModule<any>[] = []): RuleModule<any>[] {
  return [...BUILTIN_RULES, ...RULES, ...extra];
}
