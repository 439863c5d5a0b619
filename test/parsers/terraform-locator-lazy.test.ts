// The locator indexes the inside of a top-level block when a path into it is first asked for: whatever the order of the
// questions, every answer must be the one a full first pass gives.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexHcl, type HclIndex } from '../../src/parsers/terraform/locator.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
if (!existsSync(CORPUS)) console.warn(`lazy locator over the corpus skipped: ${CORPUS} is absent (it ships beside the project in CI, not in a user's clone)`);

function tfFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : tfFiles(p);
    return /\.tf$/.test(name) ? [p] : [];
  });
}

/** Every attribute, object key and block path the full index knows, found by asking it (the index lists no attribute paths). */
function knownPaths(full: HclIndex, text: string): string[] {
  const names = [...new Set(text.match(/[A-Za-z_][\w-]*/g) ?? [])];
  const blockPaths = full.blocks.map((b) => b.path);
  const attrs: string[] = [];
  for (const prefix of ['', ...blockPaths]) for (const name of names) if (full.attr(prefix ? `${prefix}.${name}` : name)) attrs.push(prefix ? `${prefix}.${name}` : name);
  for (const path of [...attrs]) for (const name of names) if (full.attr(`${path}.${name}`)) attrs.push(`${path}.${name}`);
  return [...attrs, ...blockPaths];
}

/** Deterministic shuffle, so that blocks are reached in an order other than the text's. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function expectSameAnswers(text: string): number {
  const full = indexHcl(text, false);
  const lazy = indexHcl(text);
  expect(lazy.comments).toEqual(full.comments);
  const paths = knownPaths(full, text);
  for (const path of shuffled(paths, paths.length)) {
    expect(lazy.find(path), path).toEqual(full.find(path));
    expect(lazy.attr(path), path).toEqual(full.attr(path));
    expect(lazy.blockAt(path), path).toEqual(full.blockAt(path));
    for (let i = 0; i < 20; i++) {
      const element = full.element(path, i);
      expect(lazy.element(path, i), `${path}[${i}]`).toEqual(element);
      if (!element) break;
    }
  }
  expect(lazy.blocks).toEqual(full.blocks);
  expect(lazy.constructs()).toEqual(full.constructs());
  return paths.length;
}

describe('lazy locator index', () => {
  it('answers as a full pass does, blocks reached in any order', () => {
    const text = [
      '# leading comment',
      'variable "cidrs" {',
      '  default = ["10.0.0.0/8", "192.168.0.0/16"] # trailing',
      '}',
      'resource "aws_security_group" "web" {',
      '  ingress {',
      '    cidr_blocks = var.cidrs',
      '    tags = { Name = "web", Nested = { a = [1, 2] } }',
      '  }',
      '  ingress {',
      '    description = <<EOT',
      '    } not a brace # not a comment',
      '    EOT',
      '  }',
      '}',
      'locals {',
      '  rules = { ssh = [22, 22, "tcp"] }',
      '}',
      'locals {',
      '  other = "x" // second locals block',
      '}',
    ].join('\n');
    expect(expectSameAnswers(text)).toBeGreaterThan(10);
    const lazy = indexHcl(text);
    expect(lazy.find('resource.aws_security_group.web[0].ingress[1].description')?.start).toEqual({ line: 11, column: 19 });
    expect(lazy.find('locals[1].other')?.start).toEqual({ line: 20, column: 11 });
    expect(lazy.element('variable.cidrs[0].default', 1)?.start).toEqual({ line: 3, column: 28 });
  });

  it("answers as a full pass does on every .tf of the project's fixtures", () => {
    let paths = 0;
    for (const file of tfFiles(join(ROOT, 'fixtures'))) paths += expectSameAnswers(readFileSync(file, 'utf8'));
    expect(paths).toBeGreaterThan(1000);
  });

  it.skipIf(!existsSync(CORPUS))('answers as a full pass does on every .tf of the corpus', () => {
    let paths = 0;
    for (const file of tfFiles(CORPUS)) paths += expectSameAnswers(readFileSync(file, 'utf8'));
    expect(paths).toBeGreaterThan(10_000);
  });
});
