import { describe, expect, it } from 'vitest';
import { parse as hcl2json } from '@cdktf/hcl2json';
import { parseDiagnostics, parseHcl, quoteLongHeredocs } from '../../src/parsers/terraform/hcl.js';

const BLOCKS = [
  (i: number) => `resource "aws_security_group" "g${i % 7}" {\n  description = "group ${i}"\n  ingress {\n    from_port = ${i}\n    to_port = ${i}\n    protocol = "tcp"\n    cidr_blocks = ["10.0.${i % 256}.0/24"]\n  }\n}\n`,
  (i: number) => `data "aws_vpc" "v${i}" {\n  id = "vpc-${i}"\n}\n`,
  (i: number) => `locals {\n  l${i} = { a = [${i}, "\${var.x}"] }\n}\n`,
  (i: number) => `variable "var${i}" {\n  default = ${i}\n}\n`,
  (i: number) => `module "m${i}" {\n  source = "./m"\n  n = ${i}\n}\n`,
  (i: number) => `# a comment ${i}\noutput "o${i}" {\n  value = local.l${i - 2}\n}\n`,
];

/** Offsets of every line start that follows a block's closing brace. */
function everyCut(text: string): number[] {
  return [...text.matchAll(/^}\n/gm)].map((m) => m.index + 2);
}

// A template strip marker makes the native parser hand the file to hcl2json, the parser that takes pieces.
const LEFT_TO_HCL2JSON = 'locals {\n  stripped = "%{ if true ~} x %{~ endif }"\n}\n';

describe('parsing a large file in pieces (when it is left to hcl2json)', () => {
  it('gives the same body as one parse', async () => {
    const text = LEFT_TO_HCL2JSON + Array.from({ length: 120 }, (_, i) => BLOCKS[i % BLOCKS.length]!(i)).join('\n');
    const pieces = await parseHcl('main.tf', text, () => everyCut(text).filter((_, i) => i % 5 === 0));
    expect(pieces).toEqual({ ok: true, body: await hcl2json('main.tf', text) });
  });

  it('reports an error in a later piece at its line in the whole file', async () => {
    const good = Array.from({ length: 30 }, (_, i) => BLOCKS[1]!(i)).join('');
    const text = `${good}resource "aws_security_group" "bad" {\n  description =\n}\n${good}`;
    const pieces = await parseHcl('main.tf', text, () => everyCut(text));
    const whole = await parseHcl('main.tf', text);
    expect(pieces.ok).toBe(false);
    expect(!pieces.ok && pieces.diagnostics.map((d) => d.line)).toEqual(!whole.ok && whole.diagnostics.map((d) => d.line));
    expect(!pieces.ok && pieces.diagnostics[0]!.line).toBe(92);
  });
});

describe('long heredocs', () => {
  const heredoc = (lines: number, extra = '') => Array.from({ length: lines }, (_, i) => `  line ${i} "quoted" \\back\tslash ${extra}`).join('\n');

  it('are parsed as the quoted string they equal, with the lines after them where they were', async () => {
    const text = `locals {\n  doc = <<EOT\n${heredoc(600)}\nEOT\n  after = "x"\n}\n\nresource "aws_security_group" "g" {\n  description =\n}\n`;
    const rewritten = quoteLongHeredocs(text);
    expect(rewritten).not.toContain('<<EOT');
    expect(rewritten.split('\n').length).toBe(text.split('\n').length);
    const valid = text.replace('description =\n', 'description = "d"\n');
    expect(await parseHcl('main.tf', valid)).toEqual({ ok: true, body: await hcl2json('main.tf', valid) });
    const broken = await parseHcl('main.tf', text);
    const original = await hcl2json('main.tf', text).then(
      () => [],
      (e: Error) => parseDiagnostics('main.tf', e.message),
    );
    expect(!broken.ok && broken.diagnostics).toEqual(original);
    expect(original.map((d) => d.line)).toEqual([608]);
  });

  it('are left alone when short, flush (<<-) or holding template sequences', () => {
    for (const text of [
      `a = <<EOT\n${heredoc(10)}\nEOT\n`,
      `a = <<-EOT\n${heredoc(600)}\n  EOT\n`,
      `a = <<EOT\n${heredoc(600, '${var.x}')}\nEOT\n`,
    ]) {
      expect(quoteLongHeredocs(text)).toBe(text);
    }
  });
});
