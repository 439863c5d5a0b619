import type { Span } from '../model/location.js';
import type { Cidr } from '../model/net.js';
import type { Model, SourceFormat } from '../model/types.js';
import type { Unresolved } from '../model/value.js';
import type { Verdict } from './online/provider.js';

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
  /** Extra data for machine-readable reports (JSON and SARIF `properties`), e.g. a reputation provider's details. */
  properties?: Record<string, unknown>;
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

/** The online pass's verdicts (ARCHITECTURE.md 3.8). Only rules marked `online: true` get it. */
export interface OnlineLookup {
  /** Who gave the verdicts, as messages name it: "MetaDefender", "AbuseIPDB", "the blocklist lists/drop.txt". */
  readonly provider: string;
  /** The verdicts for the public host addresses of a CIDR the pass checked; none for special, world and wide ranges. */
  verdicts(cidr: Cidr): { address: string; verdict: Verdict }[];
}

export interface OnlineRuleContext<O> extends RuleContext<O> {
  readonly online: OnlineLookup;
}

export interface RuleOptionsSpec<O> {
  /** JSON Schema (draft-07) of the options object; compiled with ajv strict mode. */
  schema: Record<string, unknown>;
  defaults: O;
}

interface RuleMeta<O> {
  id: string;
  title: string;
  description: string;
  level: Level;
  /** 0.1 to 10, emitted as SARIF properties["security-severity"]. */
  securitySeverity?: number;
  tags: string[];
  /** Formats the rule applies to; default all. */
  formats?: SourceFormat[];
  /** Rules that report the same problem in different words share a family; see ReportDescriptor.claim. */
  exclusive?: 'world-exposure';
  /** Which RULES.md practice (1-6) the rule comes from. */
  practice: number;
  /**
   * The rule relates deployment units to each other (a group used by name from another root), so it needs the whole
   * run's model: while it is on, the rules run once over the whole model rather than on each thread's share of it.
   */
  wholeRun?: true;
  options: RuleOptionsSpec<O>;
  messages: Record<string, string>;
}

export interface OfflineRule<O> extends RuleMeta<O> {
  online?: false;
  check(ctx: RuleContext<O>): void;
}

/** A rule that needs the network: it runs only when the online pass ran, and only it sees `ctx.online`. */
export interface OnlineRule<O> extends RuleMeta<O> {
  online: true;
  check(ctx: OnlineRuleContext<O>): void;
}

export type RuleModule<O = Record<string, never>> = OfflineRule<O> | OnlineRule<O>;

// eslint-style identity helper: gives rule files type inference for their options.
export function defineRule<O>(rule: RuleModule<O>): RuleModule<O> {
  return rule;
}

export const noOptions: RuleOptionsSpec<Record<string, never>> = {
  schema: { type: 'object', properties: {}, additionalProperties: false },
  defaults: {},
};

export const REPOSITORY_URL = 'https://github.com/sg-lint/sg-lint';

/** A built-in rule's doc page as released with `version` (its tag), so a report links to the rule it was checked by. */
export const docsUrl = (id: string, version: string): string => `${REPOSITORY_URL}/blob/v${version}/rules/${id}.md`;
