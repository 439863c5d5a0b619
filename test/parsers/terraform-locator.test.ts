import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import type { Pos } from '../../src/model/location.js';
import { indexHcl, type HclIndex, type Located } from '../../src/parsers/terraform/locator.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const corpusDir = resolve(here, '../../../shared/corpus');

/** Source text at a span (text after BOM removal, as the index sees it). */
function slice(idx: HclIndex, text: string, at: Located): string {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const off = (p: { line: number; column: number }) => (idx.lineStarts[p.line - 1] ?? 0) + p.column - 1;
  return t.slice(off(at.start), off(at.end));
}

const span = (l1: number, c1: number, l2: number, c2: number): Located => ({
  start: { line: l1, column: c1 },
  end: { line: l2, column: c2 },
});

// Deliberately independent of the locator's own helpers.
function decode(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_m, e: string) =>
    e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[e] ?? e,
  );
}
/** hcl2json re-renders templates (`%{ if x ~}` -> `%{if x}`), so templates compare without whitespace/quotes/escapes/strip markers. */
const loose = (s: string) => s.replace(/[\s\\"~]/g, '');

/** Returns why the source at `src` cannot be the JSON value `v`, or undefined when consistent. */
function inconsistency(src: string, v: unknown): string | undefined {
  if (Array.isArray(v)) return /^\[[\s\S]*\]$/.test(src) ? undefined : 'tuple expected';
  if (v !== null && typeof v === 'object') return /^\{[\s\S]*\}$/.test(src) ? undefined : 'object expected';
  if (typeof v === 'number') return Number(src.replace(/\s+/g, '')) === v ? undefined : 'number differs';
  if (typeof v === 'boolean' || v === null) return src === String(v) ? undefined : 'literal differs';
  const s = String(v);
  if (src.startsWith('"')) {
    if (src.length < 2 || !src.endsWith('"')) return 'unterminated string';
    const inner = src.slice(1, -1);
    if (!/[$%]\{/.test(inner)) return decode(inner) === s ? undefined : 'string differs';
    return loose(inner) === loose(s) ? undefined : 'template differs';
  }
  if (src.startsWith('<<')) {
    const lines = src.split('\n');
    return loose(lines.slice(1, -1).join('\n')) === loose(s) ? undefined : 'heredoc differs';
  }
  return s === `\${${src}}` ? undefined : 'expression differs';
}

const before = (a: Pos, b: Pos) => a.line < b.line || (a.line === b.line && a.column <= b.column);

/** Walks hcl2json output and checks every path against the index; returns the problems found. */
function oracle(text: string, json: Record<string, unknown>, stats = { checked: 0 }): string[] {
  const idx = indexHcl(text);
  const problems: string[] = [];
  const visit = (path: string, v: unknown, element: boolean, parent?: Located): void => {
    const at = idx.find(path);
    if (at) stats.checked++;
    if (at && parent && !(before(parent.start, at.start) && before(at.end, parent.end))) problems.push(`outside its parent: ${path}`);
    const block = idx.blockAt(path);
    if (!at) {
      // Label levels (`resource`, `resource.aws_security_group`, `...web`) have no span of their own.
      const labelLevel = Array.isArray(v) ? v.length > 0 && !!idx.blockAt(`${path}[0]`) : typeof v === 'object' && v !== null;
      if (element || !labelLevel) problems.push(`missing ${path}`);
    } else {
      const src = slice(idx, text, at);
      const why = block
        ? src.startsWith(block.type) && src.endsWith('}') && typeof v === 'object' ? undefined : 'block span'
        : inconsistency(src, v);
      if (why) problems.push(`${why} at ${path}: ${JSON.stringify(src.slice(0, 80))} vs ${JSON.stringify(v)?.slice(0, 80)}`);
    }
    if (Array.isArray(v)) v.forEach((e, i) => visit(`${path}[${i}]`, e, true, at ?? parent));
    else if (v !== null && typeof v === 'object') for (const [k, e] of Object.entries(v)) visit(`${path}.${k}`, e, false, at ?? parent);
  };
  for (const [k, v] of Object.entries(json)) visit(k, v, false);
  return problems;
}

const samples: Record<string, string> = {
  'sg.tf': `# Security group for web
resource "aws_security_group" "web" {
  name        = "web-\${var.env}"
  description = "Allow HTTP" # trailing
  vpc_id      = var.vpc_id

  ingress { from_port = 22 }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0", "10.0.0.0/8", [1, 2.5, true, null]]
  }

  dynamic "egress" {
    for_each = var.egress
    content {
      from_port = egress.value.from
      cidr_blocks = concat(
        egress.value.cidrs,
        ["1.2.3.4/32"],
      )
    }
  }

  tags = merge(var.tags, { Name = "web" })
  labels = {
    Name     = "web"
    "a-b.c"  : "x\\"y\\u00e9"
    (var.k)  = 1
    nested   = { list = [{ deep = "yes" }, "z"] }
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "web" {
  description = <<-EOT
    multi
      line \${var.x}
    EOT
}

resource aws_security_group_rule "r" {
  type              = var.enabled ? "ingress" : "egress"
  security_group_id = aws_security_group.web.id
  cidr_blocks       = [for c in var.cidrs : "\${c}/32" if c != ""]
  description       = "\${join(",", [for x in var.y : "\${x}"])} %{ if var.z }z%{ endif } $\${lit} %%{lit}"
  from_port = (
    var.a
    + 1
  )
}
`,
  'misc.tf': `terraform {
  required_version = ">= 1.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

variable "rules" {
  type = map(object({ from = number, to = number }))
  default = {
    ssh   = { from = 22, to = 22 }
    https = { from = 443, to = 443 }
  }
  validation {
    condition     = alltrue([for r in var.rules : r.from <= r.to])
    error_message = "Bad."
  }
}

locals {
  a = 1
}

/* a block
   comment */
locals {
  b = { for k, v in var.rules : k => v.from }
  c = -1
  d = 1e3
  e = "tab\\tnew\\nline"
  f = <<EOT
plain
EOT
}

data "aws_vpc" "default" {
  default = true
}

module "sg" {
  source = "./modules/sg"
  rules  = local.b
}

output "id" {
  value = module.sg.id // line comment
}

resource "null_resource" "p" {
  provisioner "local-exec" { command = "echo 1" }
  provisioner "local-exec" {
    command = "echo 2"
  }
}
`,
};

describe('indexHcl against hcl2json (oracle)', () => {
  for (const [name, text] of Object.entries(samples)) {
    it(`indexes every JSON path of ${name}`, async () => {
      expect(oracle(text, await parse(name, text))).toEqual([]);
    });
    it(`indexes every JSON path of ${name} with CRLF and BOM`, async () => {
      const crlf = `\ufeff${text.replace(/\n/g, '\r\n')}`;
      expect(oracle(crlf, await parse(name, crlf.slice(1)))).toEqual([]);
    });
  }
});

function tfFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? tfFiles(p) : p.endsWith('.tf') ? [p] : [];
  });
}

const hasCorpus = existsSync(corpusDir);
if (!hasCorpus) console.warn(`skipping corpus oracle: ${corpusDir} is absent`);

describe.skipIf(!hasCorpus)(`indexHcl over ../shared/corpus${hasCorpus ? '' : ' (skipped: directory absent)'}`, () => {
  it('finds every hcl2json path in every .tf file', { timeout: 120_000 }, async () => {
    const files = tfFiles(corpusDir);
    const problems: string[] = [];
    let parsed = 0;
    let bytes = 0;
    const stats = { checked: 0 };
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      let json: Record<string, unknown>;
      try {
        json = await parse(file, text);
      } catch {
        continue; // hcl2json rejects the file: nothing to compare against
      }
      parsed++;
      bytes += text.length;
      indexHcl(text);
      for (const p of oracle(text, json, stats)) problems.push(`${relative(corpusDir, file)}: ${p}`);
    }
    console.log(`corpus: ${parsed}/${files.length} .tf files, ${(bytes / 1e6).toFixed(2)} MB indexed, ${stats.checked} JSON paths located`);
    expect(files.length).toBeGreaterThan(0);
    expect(problems.slice(0, 20), `${problems.length} problems`).toEqual([]);
  });
});

describe('indexHcl positions', () => {
  const text = [
    '# top', //                                    1
    'resource "aws_security_group" "web" {', //   2
    '  ingress { from_port = 22 } // one-line', // 3
    '  cidr_blocks = ["a", ["b", 3]]', //        4
    '  tags = { Name = "x", "k" : 2 } /* c */', // 5
    '}', //                                         6
  ].join('\n');
  const idx = indexHcl(text);

  it('locates block header, body, type and labels', () => {
    const b = idx.blockAt('resource.aws_security_group.web[0]');
    expect(b?.type).toBe('resource');
    expect(b?.labels).toEqual(['aws_security_group', 'web']);
    expect(b?.header).toEqual(span(2, 1, 2, 36));
    expect(b?.body).toEqual(span(2, 1, 6, 2));
    expect(b?.typeAt).toEqual(span(2, 1, 2, 9));
    expect(b?.labelAt).toEqual([span(2, 10, 2, 30), span(2, 31, 2, 36)]);
    expect(idx.find('resource.aws_security_group.web[0]')).toEqual(b?.body);
    expect(idx.blocks.map((x) => x.path)).toEqual(['resource.aws_security_group.web[0]', 'resource.aws_security_group.web[0].ingress[0]']);
    expect(idx.blockAt('resource.aws_security_group.web[0].ingress[0]')?.body).toEqual(span(3, 3, 3, 29));
  });

  it('locates attributes, tuple elements and object keys', () => {
    const a = idx.attr('resource.aws_security_group.web[0].ingress[0].from_port');
    expect(a?.nameAt).toEqual(span(3, 13, 3, 22));
    expect(a?.value).toEqual(span(3, 25, 3, 27));
    expect(a?.whole).toEqual(span(3, 13, 3, 27));
    const p = 'resource.aws_security_group.web[0].cidr_blocks';
    expect(idx.find(p)).toEqual(span(4, 17, 4, 32));
    expect(idx.find(`${p}[0]`)).toEqual(span(4, 18, 4, 21));
    expect(idx.find(`${p}[1]`)).toEqual(span(4, 23, 4, 31));
    expect(idx.find(`${p}[1][1]`)).toEqual(span(4, 29, 4, 30));
    expect(slice(idx, text, idx.find(`${p}[1]`) ?? span(1, 1, 1, 1))).toBe('["b", 3]');
    expect(idx.attr(`${p}[1]`)).toBeUndefined();
    expect(idx.element(p, 1)).toEqual(idx.find(`${p}[1]`));
    expect(idx.element(`${p}[1]`, 1)).toEqual(span(4, 29, 4, 30));
    expect(idx.element(p, 2)).toBeUndefined();
    const k = idx.attr('resource.aws_security_group.web[0].tags.k');
    expect(k?.name).toBe('k');
    expect(k?.nameAt).toEqual(span(5, 24, 5, 27));
    expect(k?.value).toEqual(span(5, 30, 5, 31));
    expect(idx.find('resource.aws_security_group.web[0].tags')).toEqual(span(5, 10, 5, 33));
    expect(idx.find('resource.aws_security_group.web[0].tags.Name')).toEqual(span(5, 19, 5, 22));
  });

  it('lists what a directive may cover: blocks, attributes and keys (name through value), tuple elements', () => {
    expect(idx.constructs()).toEqual([
      span(2, 1, 6, 2),
      span(3, 3, 3, 29),
      span(3, 13, 3, 27),
      span(4, 3, 4, 32),
      span(5, 3, 5, 33),
      span(5, 12, 5, 22),
      span(5, 24, 5, 31),
      span(4, 18, 4, 21),
      span(4, 23, 4, 31),
      span(4, 24, 4, 27),
      span(4, 29, 4, 30),
    ]);
  });

  it('records comments with markers, ownLine and singleLine', () => {
    expect(idx.comments).toEqual([
      { text: 'top', marker: '#', at: span(1, 1, 1, 6), ownLine: true, singleLine: true },
      { text: 'one-line', marker: '//', at: span(3, 30, 3, 41), ownLine: false, singleLine: true },
      { text: 'c', marker: '/*', at: span(5, 34, 5, 41), ownLine: false, singleLine: true },
    ]);
    const multi = indexHcl('x = 1\n  /* a\n b */ y = 2\n');
    expect(multi.comments).toEqual([{ text: 'a\n b', marker: '/*', at: span(2, 3, 3, 6), ownLine: true, singleLine: false }]);
    expect(multi.find('y')).toEqual(span(3, 11, 3, 12));
  });

  it('counts same-named blocks, locals and dynamic blocks separately', () => {
    const i = indexHcl(
      'locals {\n a = 1\n}\nlocals {\n b = 2\n}\nresource "t" "n" {}\nresource "t" "n" {\n' +
        ' dynamic "egress" {\n  content { x = 1 }\n }\n dynamic "egress" {\n  content { x = 2 }\n }\n dynamic "ingress" {\n  content {}\n }\n}\n',
    );
    expect(i.blocks.map((b) => b.path)).toEqual([
      'locals[0]',
      'locals[1]',
      'resource.t.n[0]',
      'resource.t.n[1]',
      'resource.t.n[1].dynamic.egress[0]',
      'resource.t.n[1].dynamic.egress[0].content[0]',
      'resource.t.n[1].dynamic.egress[1]',
      'resource.t.n[1].dynamic.egress[1].content[0]',
      'resource.t.n[1].dynamic.ingress[0]',
      'resource.t.n[1].dynamic.ingress[0].content[0]',
    ]);
    expect(i.find('locals[1].b')).toEqual(span(5, 6, 5, 7));
    expect(i.find('resource.t.n[1].dynamic.egress[1].content[0].x')).toEqual(span(13, 17, 13, 18));
  });

  it('handles CRLF and a BOM', () => {
    const i = indexHcl('\ufeffa = "x"\r\nb = [\r\n  1,\r\n  2\r\n] # c\r\nblk {\r\n}\r\n');
    expect(i.find('a')).toEqual(span(1, 5, 1, 8));
    expect(i.find('b')).toEqual(span(2, 5, 5, 2));
    expect(i.find('b[1]')).toEqual(span(4, 3, 4, 4));
    expect(i.comments[0]?.at).toEqual(span(5, 3, 5, 6));
    expect(i.comments[0]?.text).toBe('c');
    expect(i.blockAt('blk[0]')?.body).toEqual(span(6, 1, 7, 2));
  });

  it('treats tabs as one column', () => {
    expect(indexHcl('x {\n\ty\t=\t"v"\n}').find('x[0].y')).toEqual(span(2, 6, 2, 9));
  });

  it('spans heredocs to their end marker', () => {
    const i = indexHcl('a = <<EOT\nline }\n"\nEOT\nb = <<-X_1\n    in ${x}\n    X_1\nc = 1\n');
    expect(i.find('a')).toEqual(span(1, 5, 4, 4));
    expect(i.find('b')).toEqual(span(5, 5, 7, 8));
    expect(i.find('c')).toEqual(span(8, 5, 8, 6));
  });

  it('skips nested interpolations, directives and escapes inside strings', () => {
    const src = 'a = "${join(",", [for x in y : "${x}}"])} %{ if z }}%{ endif } $${ %%{ \\" }"\nb = 2\n';
    const i = indexHcl(src);
    expect(i.find('a')).toEqual(span(1, 5, 1, src.indexOf('\n') + 1));
    expect(i.find('b')).toEqual(span(2, 5, 2, 6));
  });

  it('spans multi-line expressions to the newline outside brackets', () => {
    const i = indexHcl('x = var.a ? [\n  1,\n] : {\n  b = 2\n}\ny = f(\n  1)\n');
    expect(i.find('x')).toEqual(span(1, 5, 5, 2));
    expect(i.find('x[0]')).toBeUndefined(); // not a whole tuple literal, so not a JSON array
    expect(i.find('y')).toEqual(span(6, 5, 7, 5));
    expect(indexHcl('z = [for v in w : v]').find('z[0]')).toBeUndefined();
  });

  it('never throws on malformed input and keeps what it indexed', () => {
    const bad = [
      'a = "unterminated\nb = 1\n',
      'x = <<EOT\nnever ends',
      '/* open comment',
      'resource "a" "b" {\n  c = [1, 2\n',
      'r {{{{ ]]] ))) }}} = = "',
      '"${"${"${',
      'a = 1 }}} b = 2',
      '['.repeat(100_000),
      'a {'.repeat(50_000),
      '\u0000\uffff\ud800 <<- << ${ %{ \\',
      Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 200)).join(''),
    ];
    for (const t of bad) expect(() => indexHcl(t)).not.toThrow();
    expect(indexHcl(bad[0] ?? '').find('b')).toEqual(span(2, 5, 2, 6));
    expect(indexHcl(bad[3] ?? '').blockAt('resource.a.b[0]')).toBeDefined();
    expect(indexHcl('')).toMatchObject({ blocks: [], comments: [], lineStarts: [0] });
  });

  it('indexes a large generated file completely', { timeout: 20_000 }, () => {
    const block = (i: number) =>
      `resource "aws_security_group_rule" "r${i}" {\n  type = "ingress" # c\n  cidr_blocks = ["10.0.${i % 256}.0/24", var.x]\n  description = "\${var.a}-${i}"\n}\n`;
    const big = Array.from({ length: 40_000 }, (_, i) => block(i)).join('');
    expect(big.length).toBeGreaterThan(5_000_000);
    const i = indexHcl(big);
    expect(i.blocks.length).toBe(40_000);
    expect(i.find('resource.aws_security_group_rule.r39999[0].cidr_blocks[1]')).toBeDefined();
  });
});
