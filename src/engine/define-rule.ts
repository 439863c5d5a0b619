import type { Span } from '../model/location.js';
import type { Model, SourceFormat } from '../model/types.js';
import type { Unresolved } from '../model/value.js';

export type Level = 'error' | 'warning' | 'note';
export type LevelSetting = Level | 'off';

export interface RelatedLocation {
  at: Span;
  message: string;
}

export interface ReportDescriptor {
  messageId: string;
  data?: Record<string, string | number>;
  /** Where the finding points (RULES.md "Where a finding points"). */
  at: Span;
  /** Address of the resource block that holds the offending value. */
  resource: string;
  /** Address of the group the finding is about. */
  group?: string;
  related?: RelatedLocation[];
  /** Conditions under which the finding holds ("IsProd is false"); rendered after the message. */
  when?: string[];
  /** Normalized content of the offending entry or value, for the fingerprint (never line numbers or indexes). */
  key: string;
  /**
   * Findings of rules in the same `exclusive` family that share a claim are one problem: only the rule that comes first
   * in the family's precedence order keeps its finding (RULES.md "No overlap").
   */
  claim?: string;
  /** Drop this finding when the named rule kept a finding with this claim (e.g. `rule-port-range-wide` on an all-traffic entry). */
  yieldsTo?: { rule: string; claim: string };
  /** A cap on this finding's level, below the rule's configured one (e.g. `ingress-world-icmp` on broad sources). */
  levelOverride?: Level;
}

export interface RuleContext<O> {
  readonly model: Model;
  readonly options: O;
  report(finding: ReportDescriptor): void;
  /** Record that an unresolved value kept this rule from deciding (feeds the built-in `unresolved-value`). */
  unresolved(value: Unresolved): void;
  /** The environment profile names that apply to a file (e.g. "production"). */
  environmentsOf(file: string): readonly string[];
}

export interface RuleOptionsSpec<O> {
  /** JSON Schema (draft-07) of the options object; compiled with ajv strict mode. */
  schema: Record<string, unknown>;
  defaults: O;
}

export interface RuleModule<O = Record<string, never>> {
  id: string;
  title: string;
  description: string;
  level: Level;
  /** 0.1 to 10, emitted as SARIF properties["security-severity"]. */
  securitySeverity?: number;
  tags: string[];
  /** Formats the rule applies to; default all. */
  formats?: SourceFormat[];
  online?: boolean;
  /** Rules that report the same problem in different words share a family; see ReportDescriptor.claim. */
  exclusive?: 'world-exposure';
  /** Which RULES.md practice (1-6) the rule comes from. */
  practice: number;
  options: RuleOptionsSpec<O>;
  messages: Record<string, string>;
  check(ctx: RuleContext<O>): void;
}

// eslint-style identity helper: gives rule files type inference for their options.
export function defineRule<O>(rule: RuleModule<O>): RuleModule<O> {
  return rule;
}

export const noOptions: RuleOptionsSpec<Record<string, never>> = {
  schema: { type: 'object', properties: {}, additionalProperties: false },
  defaults: {},
};

export const DOCS_BASE = 'https://github.com/sg-lint/sg-lint/blob/main/rules/';
export const docsUrl = (id: string): string => `${DOCS_BASE}${id}.md`;
