import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as hcl2json } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { parseHcl } from '../../src/parsers/terraform/hcl.js';
import { NativeParseError, parseHclNative } from '../../src/parsers/terraform/native-hcl.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SHARED = join(ROOT, '..', 'shared');
const sharedPresent = existsSync(join(SHARED, 'corpus'));
if (!sharedPresent) console.warn(`native HCL parser parity on the corpus skipped: ${SHARED} is absent (it ships beside the project in CI, not in a user's clone)`);

function configFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === '.git') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return configFiles(path);
    return /\.(tf|tfvars)$/.test(name) ? [path] : [];
  });
}

type Outcome = { ok: true; json: string } | { ok: false; why: string };

async function byHcl2json(text: string): Promise<Outcome> {
  try {
    return { ok: true, json: JSON.stringify(await hcl2json('main.tf', text)) };
  } catch (e) {
    return { ok: false, why: String(e).slice(0, 300) };
  }
}

function natively(text: string): Outcome {
  try {
    return { ok: true, json: JSON.stringify(parseHclNative(text)) };
  } catch (e) {
    if (!(e instanceof NativeParseError)) throw e;
    return { ok: false, why: e.message };
  }
}

/** Files where the native parser's JSON (key order included) differs from hcl2json's, or where it refuses valid input. */
async function disagreements(files: string[], base: string): Promise<string[]> {
  const out: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const want = await byHcl2json(text);
    const got = natively(text);
    if (want.ok && !got.ok) out.push(`${relative(base, file)}: refused (${got.why})`);
    else if (!want.ok && got.ok) out.push(`${relative(base, file)}: accepted what hcl2json rejects (${want.why})`);
    else if (want.ok && got.ok && want.json !== got.json) out.push(`${relative(base, file)}: different JSON`);
  }
  return out;
}

const EDGE_CASES: Record<string, string> = {
  'comments and layout': `/* block\n   comment */ a = 1\nk = [\n  1, # one\n  2, // two\n  /* three */ 3,\n]\nl = {\n  a = 1 # c\n  b = 2\n}\ns = "a" # trailing\n`,
  'expressions kept as source': `c = [for k, v in var.m : "\${k}=\${v}" if v != null]\nd = {for k, v in var.m : k => v...}\ne = var.list[*].id\nf = var.list.*.id\ng = aws_instance.web["a"].id\nm = !var.x\no = 1 == 2 ? "a" : "b"\nt = provider::aws::arn_parse("x")\ny = var.a ? var.b : var.c\nd2 = (var.x)\ns2 = ((var.a))\nl2 = ([1, 2])\nn2 = -var.y\n`,
  'literals folded': `n = -5\nm = !true\nx = 0.5e-2\nz = 1.50\nw = 1e3\nq = null\nr = true\np = [[1, 2], [3]]\nzz = []\nzo = {}\nn1 = "\${1}"\no1 = "\${"abc"}"\np1 = "x\${true}"\n`,
  'templates': `u = "\${a}\${b}"\nv = "\${"\${"nested"}"}"\nf = "%{if var.a}yes%{else}no%{endif}-%{ for k, v in var.m }\${k}=\${v}%{ endfor }"\ne = "x\${var.a ? "p" : "q"}y"\nq = "\${ var.spaced }"\nh = "%{if length(var.ports) > 1 } and%{endif}"\n`,
  'escapes': `a = "$\${b}"\nb = "x\${var.a}$\${b}"\nc = ["%%{b}"]\ng = "a\\\\b\\"c\\n\\t\\u00e9\\U0001F600"\nj = "$$"\nk = "$\${"\nl = "%\${var.a}"\n`,
  'object keys': `c = { z = 1, y = "q", (var.k) = 2, "s\${var.x}" = 3, a.b = 4, 1 = 5, true = 6, "\${var.w}" = 7, "quoted key" = 8 }\n`,
  'heredocs': `a = <<EOT\n  kept \${indent}\n$\${escaped}\nEOT\nb = <<-EOT\n      plain\n    indented\n\n  \n      more\n    EOT\nc = <<-EOT\n    \${var.x} first\n    %{if c}yes%{endif}\n    EOT\nd = <<EOT\nEOT\n`,
  'blocks': `block "label" {}\nblock2 label_ident {\n}\nnested {\n  inner {\n    deep = 1\n  }\n}\none_line { x = "y" }\nresource "t" "n" {\n  x = 1\n  blk { y = 2 }\n  blk {\n    y = 3\n  }\n}\nresource "t" "m" { }\nlocals { q = 1 }\nlocals { r = 2 }\n`,
  'CRLF line ends': 'a = 1\r\nresource "x" "y" {\r\n  b = "c"\r\n  d = [1,\r\n  2]\r\n}\r\ne = <<-EOT\r\n  line\r\n\r\n  next\r\n  EOT\r\n',
  'lists of plain strings': `a = ["x", "y",]\nb = [\n  "p",\n\n  "q"\n]\nc = ["x"] # c\nd = ["x", "y"][0]\ne = ["x", "\${v}"]\nf = ["a{b}", "c\\"d", "é"]\ng = []\nh = [ ]\ni = ["x"] == ["y"]\nj = { k = ["x", "y"] }\nk = ["x" ]  \nl = [ # first\n  "x",\n]\nm = ["x", /* two */ "y"]\nn = ["%%{x}", "$$"]\nblk { o = ["x"] }\np = ["with\ttab", "a string of more than thirteen characters"]\n`,
  'a list of plain strings with CRLF line ends': 'a = ["x",\r\n  "y"]\r\nb = ["z"]\r\n',
  'byte order mark, no final newline': '\ufeffa = 1',
  'empty': '',
  'a comment only': '# nothing else',
};

const INVALID: Record<string, string> = {
  'two attributes on a line': 'a = 1 b = 2\n',
  'object items without a separator': 'a = { x = 1 y = 2 }\n',
  'a value on the next line': 'a =\n  1\n',
  'an object value on the next line': 'a = {\n  x =\n  1\n}\n',
  'a comma starting an object line': 'a = {\n  x = 1\n  , y = 2\n}\n',
  'a tuple without commas': 'a = [1 2]\n',
  'a list of strings without commas': 'a = ["x" "y"]\n',
  'a list of strings followed by more on its line': 'a = ["x"] b = 1\n',
  'a list of strings with an empty item': 'a = ["x",, "y"]\n',
  'an invalid escape': 'a = "\\q"\n',
  'a newline in a quoted string': 'a = "one\ntwo"\n',
  'an attribute defined twice': 'a = 1\na = 2\n',
  'a block opened on the next line': 'resource "a" "b"\n{\n}\n',
  'an unclosed block': 'resource "a" "b" {\n  x = 1\n',
  'a stray closing brace': 'a = 1\n}\n',
  'a block after its closing brace on the same line': 'a {\n} b {\n}\n',
  'an interpolated block label': 'resource "a" "${var.b}" {\n}\n',
  'an unterminated heredoc': 'a = <<EOT\nno end\n',
  'an unterminated interpolation': 'a = "${var.b"\n',
  'a conditional over two lines': 'a = var.x\n  ? 1 : 2\n',
};

/** Valid HCL that the native parser leaves to hcl2json; parseHcl must still give hcl2json's JSON for it. */
const LEFT_TO_HCL2JSON: Record<string, string> = {
  'strip markers': 'a = <<EOT\n%{ for x in var.l ~}\n  ${x}\n%{~ endfor }\nEOT\n',
  'a Unicode identifier': 'a = var.ünïcode\n',
  'an indented heredoc with an interpolation over two lines': 'a = <<-EOT\n    x ${var.a +\n      var.b} y\n    EOT\n',
};

describe('the native HCL parser', () => {
  it('gives exactly the JSON of hcl2json for every configuration file among our fixtures', async () => {
    const files = configFiles(join(ROOT, 'fixtures'));
    expect(files.length).toBeGreaterThan(100);
    expect(await disagreements(files, ROOT)).toEqual([]);
  });

  it.skipIf(!sharedPresent)('gives exactly the JSON of hcl2json for every configuration file of the corpora', { timeout: 120_000 }, async () => {
    const files = [...configFiles(join(SHARED, 'corpus')), ...configFiles(join(SHARED, 'corpus-extra'))];
    expect(files.length).toBeGreaterThan(700);
    expect(await disagreements(files, SHARED)).toEqual([]);
  });

  it.each(Object.entries(EDGE_CASES))('agrees with hcl2json on %s', async (_, text) => {
    const want = await byHcl2json(text);
    expect(want.ok).toBe(true);
    expect(natively(text)).toEqual(want);
  });

  it.each(Object.entries(INVALID))('refuses %s, as hcl2json does', async (_, text) => {
    expect((await byHcl2json(text)).ok).toBe(false);
    expect(natively(text).ok).toBe(false);
  });

  it.each(Object.entries(LEFT_TO_HCL2JSON))('leaves %s to hcl2json, whose JSON parseHcl returns', async (_, text) => {
    expect(natively(text).ok).toBe(false);
    const want = await hcl2json('main.tf', text);
    expect(await parseHcl('main.tf', text)).toEqual({ ok: true, body: want });
  });

  it('returns the diagnostics of hcl2json for a file neither parser accepts', async () => {
    const parsed = await parseHcl('main.tf', 'resource "aws_security_group" "a" {\n  description =\n}\n');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.diagnostics[0]).toMatchObject({ line: 2 });
  });

  it('never accepts a mutated fixture that hcl2json rejects, nor reads one differently', async () => {
    const files = configFiles(join(ROOT, 'fixtures')).filter((f) => f.endsWith('.tf'));
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    let seed = 20261206;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    const inserts = ['{', '}', '[', ']', '(', ')', '"', '=', ',', '\n', ' ', '$', '%', '~', '?', ':', '.', '#', '<', '-', 'a', '1', '\\'];
    const problems: string[] = [];
    for (let k = 0; k < 400; k++) {
      let text = texts[random(texts.length)]!;
      const at = random(text.length);
      const kind = random(3);
      if (kind === 0) text = text.slice(0, at) + text.slice(at + 1);
      else if (kind === 1) text = text.slice(0, at) + inserts[random(inserts.length)] + text.slice(at);
      else text = text.slice(0, at) + text.slice(at, (text.indexOf('\n', at) + 1 || text.length + 1) - 1) + text.slice(at);
      const want = await byHcl2json(text);
      const got = natively(text);
      if (got.ok && (!want.ok || want.json !== got.json)) problems.push(`${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}: ${want.ok ? 'different JSON' : want.why}`);
    }
    expect(problems).toEqual([]);
  });

  it('reads a tuple of 200,000 strings without running out of stack', () => {
    const text = `cidr_blocks = [${Array.from({ length: 200_000 }, (_, i) => `"10.${(i >> 8) & 255}.${i & 255}.0/24"`).join(', ')}]\n`;
    const body = parseHclNative(text);
    expect((body.cidr_blocks as string[]).length).toBe(200_000);
    expect((body.cidr_blocks as string[])[257]).toBe('10.1.1.0/24');
  });
});
