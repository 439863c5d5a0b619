import type { Pos } from '../model/location.js';
import type { Facts, SourceFormat } from '../model/types.js';

export interface Range {
  start: Pos;
  end: Pos;
}

/** A comment as the suppression engine needs it: inner text (markers stripped) and where it stands. */
export interface SourceComment {
  text: string;
  at: Range;
  /** Nothing but whitespace before the comment on its line. */
  ownLine: boolean;
  /** When set, the construct the directive covers regardless of lines (`.tf.json` "//" properties, CloudFormation Metadata). */
  scope?: Range;
  /** A suppression that is invalid before its grammar is even checked (a Metadata entry of the wrong shape), and why. */
  invalid?: string;
}

/** The other scanners whose suppressions sg-lint honours (README "Migrating from other scanners"). */
export type PeerTool = 'checkov' | 'tfsec' | 'trivy' | 'tflint' | 'kics' | 'cfn_nag' | 'cfn-lint';

/**
 * A suppression written for another scanner in a template's data rather than in a comment: a CloudFormation
 * resource's `Metadata` (checkov `skip`, cfn_nag `rules_to_suppress`, cfn-lint `ignore_checks`), or the template's.
 */
export interface PeerMark {
  tool: PeerTool;
  /** The peer's check id, as written. */
  id: string;
  reason?: string;
  /** The entry itself. */
  at: Range;
  /** What it covers: the resource, or the whole template. */
  scope: Range;
}

/**
 * What every front end hands the engine about each file it read. Once parsed, a file none of whose comments may be a
 * suppression keeps no text (it is read again when asked for), comments, constructs or resources: only directives
 * need them.
 */
export interface ParsedFile {
  path: string;
  format: SourceFormat;
  text: string;
  comments: SourceComment[];
  /** Blocks, attributes, YAML keys, statements: the constructs a directive on the line above covers. */
  constructs: Range[];
  /** Terraform top-level blocks and CloudFormation resources: what a checkov skip comment inside one of them covers. */
  resources?: Range[];
  /** Other scanners' suppressions kept in the file's data (CloudFormation Metadata). */
  peerMarks?: PeerMark[];
  /** A file recognised as ours that cannot be read or parsed: becomes one `parse-error` finding. */
  diagnostics: Diagnostic[];
  /** False when the file was not analyzed (e.g. it did not parse). */
  analyzed: boolean;
  /**
   * The deployment unit a finding located directly in this file belongs to, when it is not the format's default (a
   * Terraform file's directory, a template itself): a CDK source's app directory (nearest cdk.json).
   */
  root?: string;
}

export interface Diagnostic {
  line: number;
  column: number;
  message: string;
}

export interface FrontEndResult {
  facts: Facts;
  files: ParsedFile[];
  /** Files (indices into `files`) whose text was left out, to be read again from the source if asked for. */
  textsLeftOut?: number[];
}

export function emptyFacts(): Facts {
  return { groups: [], rules: [], attachments: [], references: [], files: [], unresolved: [] };
}

/** Drops whatever was added to `facts` since this call: a file whose analysis failed half-way leaves nothing behind. */
export function rollbackPoint(facts: Facts): () => void {
  const lengths = { groups: facts.groups.length, rules: facts.rules.length, attachments: facts.attachments.length, references: facts.references.length, files: facts.files.length, unresolved: facts.unresolved.length };
  return () => {
    facts.groups.length = lengths.groups;
    facts.rules.length = lengths.rules;
    facts.attachments.length = lengths.attachments;
    facts.references.length = lengths.references;
    facts.files.length = lengths.files;
    facts.unresolved.length = lengths.unresolved;
  };
}

export function diagnosticFile(path: string, format: SourceFormat, text: string, diagnostics: Diagnostic[]): ParsedFile {
  return { path, format, text, comments: [], constructs: [], diagnostics, analyzed: false };
}
