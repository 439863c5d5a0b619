import type { Span } from './location.js';
import type { SourceFormat } from './types.js';

/** What is known of each analyzed file to tell deployment units (roots) apart. */
export interface RootSource {
  format: SourceFormat;
  /** Set where the root is not the format's default (a CDK source's app directory). */
  root?: string;
}

/**
 * The root of a located value (CONTRACTS.md "Finding identity"): the file it was reached from (the outermost module
 * call or nested-stack site, else its own file) stands in its root: a Terraform file in its module directory, a
 * template for itself, a CDK source in its app.
 */
export function rootOf(at: Span, files: ReadonlyMap<string, RootSource>): string {
  const file = at.via?.[0]?.file ?? at.file;
  const source = files.get(file);
  if (source?.root) return source.root;
  if (source?.format === 'terraform') {
    const slash = file.lastIndexOf('/');
    return slash < 0 ? '.' : file.slice(0, slash);
  }
  return file;
}
