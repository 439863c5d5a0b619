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
  suppressed?: Suppression;
  /** Extra data for machine-readable reports (JSON and SARIF `properties`). */
  properties?: Record<string, unknown>;
}

export interface RunError {
  /** `trust`: something the scanned repository asked for and the user did not allow (a plugin, an endpoint, a read outside the scan root); not a failure. */
  kind: 'config' | 'io' | 'online' | 'internal' | 'trust';
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
  /** The files read, with their text, for code frames. */
  files: ParsedFile[];
  /** What the online pass did, when it ran (also with --dry-run). */
  online?: OnlineSummary;
  /** The rules of this run (built-ins, registry, plugins), for reporters that describe them (SARIF). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rules?: RuleModule<any>[];
}

export const LEVEL_RANK: Record<Level, number> = { error: 3, warning: 2, note: 1 };
