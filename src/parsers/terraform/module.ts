import { basename } from 'node:path';
import type { Span } from '../../model/location.js';
import { unresolved } from '../../model/value.js';
import { relocate, type EV } from '../values.js';
import { evaluate, type Scope } from './expr.js';
import type { HclBody } from './hcl.js';
import type { Located } from './locator.js';

/** A parsed Terraform file: its values (hcl2json's JSON shape) and a locator for source positions. */
export interface TfFile {
  /** Display path (relative to the working directory, `/` separators). */
  path: string;
  text: string;
  body: HclBody;
  find(path: string): Located | undefined;
  /** A block's header (type keyword and labels), for findings about the block as a whole. */
  header?(path: string): Located | undefined;
}

/** Where variable values come from, besides defaults (Terraform's precedence: later wins). */
export interface VarSource {
  /** Display path of the file, or "--var". */
  label: string;
  values: Record<string, unknown>;
  file?: TfFile;
}

export interface ModuleInputs {
  /** Auto-loaded and explicitly selected var files and --var values, lowest precedence first. */
  sources: VarSource[];
  /** Var files that Terraform does not load by itself and nobody selected: each is one deployment alternative. */
  alternatives: VarSource[];
}

export function spanIn(file: TfFile, path: string): Span {
  let p = path;
  for (;;) {
    const found = file.find(p);
    if (found) return { file: file.path, start: found.start, end: found.end, path };
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return { file: file.path, start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, path };
    p = p.slice(0, cut);
  }
}

interface Declared {
  file: TfFile;
  path: string;
  body: Record<string, unknown>;
}

/** The values one Terraform module directory sees: variables (with inputs) and locals. */
export class ModuleScope implements Scope {
  private readonly variables = new Map<string, Declared>();
  private readonly locals = new Map<string, { file: TfFile; path: string; raw: unknown }>();
  private readonly localValues = new Map<string, EV>();
  private readonly evaluating = new Set<string>();

  constructor(
    files: TfFile[],
    private readonly inputs: ModuleInputs,
  ) {
    for (const file of files) {
      for (const [name, list] of Object.entries(asRecord(file.body.variable))) {
        const body = Array.isArray(list) ? list[0] : undefined;
        if (!this.variables.has(name)) this.variables.set(name, { file, path: `variable.${name}[0]`, body: asRecord(body) });
      }
      const localsBlocks = Array.isArray(file.body.locals) ? file.body.locals : [];
      localsBlocks.forEach((block, i) => {
        for (const [name, raw] of Object.entries(asRecord(block))) this.locals.set(name, { file, path: `locals[${i}].${name}`, raw });
      });
    }
  }

  variable(name: string, at: Span): EV | undefined {
    const decl = this.variables.get(name);
    if (!decl) return undefined;
    const base = this.baseValue(name, decl, at);
    const alternatives = this.inputs.alternatives.filter((s) => name in s.values);
    if (alternatives.length === 0) return base;
    return {
      k: 'oneOf',
      at,
      options: this.inputs.alternatives.map((s) => ({
        when: `with ${basename(s.label)}`,
        value: name in s.values ? relocate(this.sourceValue(s, name), at) : base,
      })),
    };
  }

  private baseValue(name: string, decl: Declared, at: Span): EV {
    for (let i = this.inputs.sources.length - 1; i >= 0; i--) {
      const source = this.inputs.sources[i]!;
      if (name in source.values) return relocate(this.sourceValue(source, name), at);
    }
    if ('default' in decl.body) return relocate(evaluate(decl.body.default, `${decl.path}.default`, (p) => spanIn(decl.file, p), this), at);
    return unresolved('variable-no-default', `var.${name}`, at);
  }

  private sourceValue(source: VarSource, name: string): EV {
    const file = source.file;
    const spanAt = (p: string): Span =>
      file ? spanIn(file, p) : { file: source.label, start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, path: p };
    return evaluate(source.values[name], name, spanAt, this);
  }

  local(name: string, at: Span): EV | undefined {
    const decl = this.locals.get(name);
    if (!decl) return undefined;
    let value = this.localValues.get(name);
    if (!value) {
      if (this.evaluating.has(name)) return unresolved('unsupported-expression', `local.${name} (self-reference)`, at);
      this.evaluating.add(name);
      value = evaluate(decl.raw, decl.path, (p) => spanIn(decl.file, p), this);
      this.evaluating.delete(name);
      this.localValues.set(name, value);
    }
    return relocate(value, at);
  }
}

export function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Blocks of one type inside a body, as hcl2json nests them (always an array of objects). */
export function blocksOf(body: Record<string, unknown>, type: string): Record<string, unknown>[] {
  const v = body[type];
  return Array.isArray(v) ? v.filter((b): b is Record<string, unknown> => !!b && typeof b === 'object' && !Array.isArray(b)) : [];
}
