import { defineRule, noOptions, type RuleModule } from './define-rule.js';

/** Built-in rules: always present, reported by the engine itself rather than by a check over the model. */
export const BUILTIN_MESSAGES: Record<string, Record<string, string>> = {
  'parse-error': { parse: 'File cannot be analyzed: {detail}', partial: 'File has errors (the rest of it was analyzed): {detail}' },
  'suppression-invalid': { invalid: 'Suppression directive is invalid and suppresses nothing: {detail}' },
  'unresolved-value': {
    unresolved: 'Value `{expr}` is not known ({reason}), so {rules} could not decide',
    notAnalyzed: '`{expr}` is not known ({reason}), so what it holds was not checked',
    unneeded: 'Value `{expr}` is not known ({reason}); no enabled rule needed it',
  },
};

const builtin = (id: string, title: string, description: string, level: 'error' | 'warning' | 'note', tags: string[]): RuleModule<Record<string, never>> =>
  defineRule({
    id,
    title,
    description,
    level,
    tags: ['builtin', ...tags],
    practice: 0,
    options: noOptions,
    messages: BUILTIN_MESSAGES[id]!,
    check: () => undefined,
  });

export const BUILTIN_RULES: RuleModule<Record<string, never>>[] = [
  builtin('parse-error', 'File cannot be read or parsed', 'A file recognised as Terraform, CloudFormation or CDK that cannot be read or parsed. Nothing in it was checked.', 'error', ['correctness']),
  builtin(
    'suppression-invalid',
    'Suppression directive is malformed, unexplained, unknown or expired',
    'An inline `sg-lint-ignore` directive or a Metadata/config suppression that is malformed, has no reason, names an unknown rule or has expired. It suppresses nothing.',
    'warning',
    ['hygiene'],
  ),
  builtin(
    'unresolved-value',
    'Value could not be resolved, so a rule could not decide',
    'A value (variable without a value, data source, resource attribute, function call…) that could not be evaluated, with the enabled rules it kept from deciding. Off unless --report-unresolved.',
    'note',
    ['visibility'],
  ),
];
