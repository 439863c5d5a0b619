import type { Span } from '../model/location.js';
import type { SourceFormat } from '../model/types.js';
import type { ParsedFile } from '../parsers/types.js';
import type { Level, RuleModule } from './define-rule.js';
import type { OnlineSummary } from './online/pass.js';
import type { Suppression } from './suppress.js';

export interface Finding {
  ruleId: string;
  level: Level;
  messageId: string;
  data: Record<string, string | number>;
  message: string;
  at: Span;
  resource: string;
  group?: string;
  related: { at: Span; message: string }[];
  fingerprint: string;
  /** The deployment unit the finding belongs to (CONTRACTS.md "Finding identity"): a Terraform root module directory, a top-level template, a CDK app. */
  root: string;
  /** The instances and variants merged into this finding, when there are several. */
  instances?: FindingInstance[];
  /** Every condition under which the finding holds, unshortened (messages shorten long ones). */
  conditions?: string[];
  suppressed?: Suppression;
  /** Extra data for machine-readable reports (JSON and SARIF `properties`). */
  properties?: Record<string, unknown>;
}

/** One of the module/resource instances or deployment variants a merged finding stands for. */
export interface FindingInstance {
  resource: string;
  group?: string;
  conditions?: string[];
}

export interface RunError {
  /**
   * Notes, not failures: `trust`, something the scanned repository asked for and the user did not allow (a plugin, an
   * endpoint, a read outside the scan root); `skipped`, a file left out on purpose (a synthesized copy of a CDK app
   * whose sources are analyzed).
   */
  kind: 'config' | 'io' | 'online' | 'internal' | 'trust' | 'skipped';
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface Stats {
  files: number;
  byFormat: Record<SourceFormat, number>;
  groups: number;
  rules: number;
  unresolvedValues: number;
  /** How many unresolved values there were, by reason (for the run summary and the corpus report). */
  unresolvedByReason: Record<string, number>;
  durationMs: number;
}

export interface Result {
  findings: Finding[];
  errors: RunError[];
  stats: Stats;
  /**
   * The files read, with their text, for code frames: a file without comments has its text read again from the file (or
   * the overlay) the first time it is asked for, so ask before the file changes or goes.
   */
  files: ParsedFile[];
  /** What the online pass did, when it ran (also with --dry-run). */
  online?: OnlineSummary;
  /** The rules of this run (built-ins, registry, plugins), for reporters that describe them (SARIF). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rules?: RuleModule<any>[];
}

/** Entries of `errors[]` that inform and never fail the run. */
export const isNote = (e: RunError): boolean => e.kind === 'trust' || e.kind === 'skipped';

export const LEVEL_RANK: Record<Level, number> = { error: 3, warning: 2, note: 1 };
