import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/model/location.js';
import { alternatives, unresolved } from '../../src/model/value.js';
import { accessAll, dataEqual, evaluateRaw, type Mode, type ReferenceScope, type Step } from '../../src/parsers/terraform/evaluate.js';
import { fromPlain } from '../../src/parsers/terraform/functions.js';
import { parseExpression } from '../../src/parsers/terraform/syntax.js';
import { convertToType } from '../../src/parsers/terraform/types.js';
import { plain, type Data, type EV } from '../../src/parsers/values.js';

const AT: Span = { file: 'main.tf', start: { line: 1, column: 1 }, end: { line: 1, column: 2 }, path: 'x' };

/** `explicit` variables are given for this run (tfvars, --var, a module argument); `defaults` come from declarations only. */
function scope(explicit: Record<string, unknown> = {}, defaults: Record<string, unknown> = {}): ReferenceScope {
  return {
    reference(root: string, steps: Step[], mode: Mode, at: Span): EV {
      const [first, ...rest] = steps;
      const name = first && 'attr' in first ? first.attr : '';
      if (root === 'var') {
        if (name in explicit) return accessAll(fromPlain(explicit[name], at), rest, at, '');
        if (name in defaults) return mode === 'explicit' ? unresolved('variable-no-default', '', at) : accessAll(fromPlain(defaults[name], at), rest, at, '');
        return unresolved('variable-no-default', '', at);
      }
      if (root === 'data') return unresolved('data-source', '', at);
      return unresolved('unknown-reference', '', at);
    },
  };
}

function run(expr: string, s = scope()): EV {
  return evaluateRaw(`\${${expr}}`, 'x', () => AT, { scope: s, mode: 'normal' });
}

/** The value as plain JSON; unknown parts as `?why`. */
function show(v: EV): unknown {
  if (v.k === 'unresolved') return `?${v.why}`;
  if (v.k === 'oneOf') return alternatives(v).map((a) => [a.when.join(' & '), show(a.value)]);
  if (Array.isArray(v.v)) return v.v.map(show);
  if (v.v && typeof v.v === 'object') return Object.fromEntries(Object.entries(v.v).map(([k, x]) => [k, show(x)]));
  return v.v;
}

describe('HCL expression syntax', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 % 4 - -2', 4],
    ['!true || 1 < 2 && 3 >= 3', true],
    ['"a" == "a" && 1 != 2', true],
    ['[1, 2, 3][1]', 2],
    ['{ a = 1, "b" = 2, c: 3 }.c', 3],
    ['{ a = { b = ["x", "y"] } }.a.b.1', 'y'],
    ['"ports ${22}-${23}"', 'ports 22-23'],
    ['"tab\\tquote\\" $${literal} %%{literal}"', 'tab\tquote" ${literal} %{literal}'],
    ['"%{ if true }yes%{ else }no%{ endif }"', 'yes'],
    ['"%{ for p in [22, 80] }${p},%{ endfor }"', '22,80,'],
    ['[for s in ["a", "b", "c"] : upper(s) if s != "b"]', ['A', 'C']],
    ['{ for k, v in { x = 1, y = 2 } : v => k }', { 1: 'x', 2: 'y' }],
    ['{ for s in ["a", "b", "a"] : s => s... }', { a: ['a', 'a'], b: ['b'] }],
    ['[{ p = 22 }, { p = 80 }][*].p', [22, 80]],
    ['[{ p = 22 }, { p = 80 }].*.p', [22, 80]],
    ['null[*]', []],
    ['try({ a = 1 }.b, "fallback")', 'fallback'],
    ['can({ a = 1 }.b)', false],
    ['can({ a = 1 }.a)', true],
  ])('%s', (expr, expected) => {
    expect(show(run(expr))).toEqual(expected);
  });

  it('reads a heredoc inside an expression, with its indentation stripped', () => {
    const v = evaluateRaw('${trimspace(<<-EOT\n    10.0.0.0/8\n    EOT\n)}', 'x', () => AT, { scope: scope(), mode: 'normal' });
    expect(show(v)).toBe('10.0.0.0/8');
  });

  it('rejects malformed expressions with the offset of the problem', () => {
    expect(() => parseExpression('[1, 2')).toThrow(/offset 5/);
    expect(() => parseExpression('a ? b')).toThrow(/expected ":"/);
    expect(show(evaluateRaw('${[1, 2}', 'x', () => AT, { scope: scope(), mode: 'normal' }))).toBe('?unsupported-expression');
  });
});

describe('functions', () => {
  it.each([
    ['concat(["a"], ["b", "c"])', ['a', 'b', 'c']],
    ['flatten([["a"], [["b"]], []])', ['a', 'b']],
    ['merge({ a = 1, b = 2 }, { b = 3 }, null)', { a: 1, b: 3 }],
    ['lookup({ ssh = 22 }, "ssh", 0)', 22],
    ['lookup({ ssh = 22 }, "rdp", 0)', 0],
    ['element(["a", "b"], 3)', 'b'],
    ['distinct(["a", "b", "a"])', ['a', 'b']],
    ['compact(["a", "", null, "b"])', ['a', 'b']],
    ['split(",", "a,b")', ['a', 'b']],
    ['join("-", ["a", "b"], ["c"])', 'a-b-c'],
    ['format("%s:%d %q %5s|%-3s|%03d %%", "tcp", 22, "x", "r", "l", 7)', 'tcp:22 "x"     r|l  |007 %'],
    ['formatlist("%s/32", ["10.0.0.1", "10.0.0.2"])', ['10.0.0.1/32', '10.0.0.2/32']],
    ['replace("a-b-c", "-", "_")', 'a_b_c'],
    ['replace("10.0.0.0/8", "/\\\\/\\\\d+$/", "")', '10.0.0.0'],
    // RE2 (Go's regexp, as Terraform): `(?P<name>)` groups, and Go's `$1`, `${1}`, `$name`, `$$` in the replacement.
    ['replace("hello world", "/w(or)ld/", "$1 $${1}x $$")', 'hello or orx $'],
    ['replace("a1b22", "/(?P<d>\\\\d+)/", "<$d>")', 'a<1>b<22>'],
    ['replace("aaa", "/x*/", "-")', '-a-a-a-'],
    ['regex("[a-z]+", "53453453.345345aaabbbccc23454")', 'aaabbbccc'],
    ['regex("(\\\\d\\\\d\\\\d\\\\d)-(\\\\d\\\\d)-(\\\\d\\\\d)", "2019-02-01")', ['2019', '02', '01']],
    ['regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")', { scheme: 'https', authority: 'terraform.io' }],
    ['regexall("[a-z]+", "1234abcd5678efgh9")', ['abcd', 'efgh']],
    ['length(regexall("[0-9]", "abc"))', 0],
    ['regex("^(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")', '?wrong-type'], // no match, found in linear time
    ['regex("(a)\\\\1", "aa")', '?wrong-type'], // RE2 has no backreferences: Terraform rejects the pattern
    ['lower("ABC")', 'abc'],
    ['upper("abc")', 'ABC'],
    ['tolist(["a"])', ['a']],
    ['toset(["b", "a", "b"])', ['a', 'b']],
    ['tomap({ a = 1 })', { a: 1 }],
    ['keys({ b = 1, a = 2 })', ['a', 'b']],
    ['values({ b = 1, a = 2 })', [2, 1]],
    ['contains(["a", "b"], "b")', true],
    ['contains(["a", "b"], "c")', false],
    ['length("héllo")', 5],
    ['length({ a = 1 })', 1],
    ['range(3)', [0, 1, 2]],
    ['range(1, 7, 3)', [1, 4]],
    ['zipmap(["ssh", "rdp"], [22, 3389])', { ssh: 22, rdp: 3389 }],
    ['coalesce("", null, "x")', 'x'],
    ['coalescelist([], ["a"])', ['a']],
    ['cidrsubnet("10.0.0.0/16", 8, 2)', '10.0.2.0/24'],
    ['cidrsubnet("fd00::/56", 8, 255)', 'fd00:0:0:ff::/64'],
    ['cidrsubnets("10.0.0.0/16", 8, 4)', ['10.0.0.0/24', '10.0.16.0/20']],
    ['cidrhost("10.0.1.0/24", 5)', '10.0.1.5'],
    ['cidrhost("10.0.1.0/24", -1)', '10.0.1.255'],
    ['cidrnetmask("10.0.0.0/12")', '255.240.0.0'],
    ['jsondecode("{\\"cidr\\": [\\"0.0.0.0/0\\"]}")', { cidr: ['0.0.0.0/0'] }],
    ['jsonencode({ a = [1] })', '{"a":[1]}'],
    ['sort(["b", "a"])', ['a', 'b']],
    ['slice(["a", "b", "c"], 1, 3)', ['b', 'c']],
    ['one(["x"])', 'x'],
    ['max(1, 5, 3)', 5],
    ['alltrue([true, "true"])', true],
    ['chomp("x\\n")', 'x'],
    ['tonumber("22")', 22],
    ['trimprefix("sg-123", "sg-")', '123'],
  ])('%s', (expr, expected) => {
    expect(show(run(expr))).toEqual(expected);
  });

  it('makes only the value that depends on an unknown function or value unknown', () => {
    expect(show(run('[upper("a"), sha256("x"), data.aws_vpc.main.cidr_block]'))).toEqual(['A', '?unsupported-function', '?data-source']);
    expect(show(run('concat(["10.0.0.0/8"], var.unset)'))).toEqual(['10.0.0.0/8', '?variable-no-default']);
    expect(show(run('cidrsubnet(var.unset, 8, 1)'))).toBe('?variable-no-default');
  });

  it('builds lists of 300,000 items (a call with that many arguments overflows the stack), and refuses one of over 2,000,000', () => {
    const big = Array.from({ length: 300_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`);
    const numbers = big.map((_, i) => i);
    const s = scope({ big, numbers, nested: [big, ['0.0.0.0/0']] });
    const all = show(run('concat(var.big, ["0.0.0.0/0"])', s)) as string[];
    expect([all.length, all[0], all.at(-1)]).toEqual([300_001, '10.0.0.0/32', '0.0.0.0/0']);
    expect((show(run('flatten(var.nested)', s)) as string[]).length).toBe(300_001);
    expect((show(run('setunion(var.big, ["0.0.0.0/0"])', s)) as string[]).length).toBe(300_001);
    expect(show(run('max(var.numbers...)', s))).toBe(299_999);
    expect(show(run('min(var.numbers...)', s))).toBe(0);
    const million = scope({ big: Array.from({ length: 1_000_001 }, (_, i) => i) });
    expect(show(run('concat(var.big, var.big)', million))).toBe('?unsupported-expression');
  });

  it('finds the repeats of distinct, toset and setunion as comparing each item with every earlier one does', () => {
    let seed = 11;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const scalars = [1, '1', 1.5, '1.5', '01', true, 'true', false, null, 'null', 0, '0', '', 'a'];
    const value = (depth: number): EV => {
      const r = rand(depth > 2 ? 10 : 14);
      if (r < 10) return { k: 'known', v: scalars[rand(scalars.length)] ?? null, at: AT };
      if (r === 10) return unresolved('variable-no-default', '', AT);
      if (r < 13) return { k: 'known', v: Array.from({ length: rand(3) }, () => value(depth + 1)), at: AT };
      return { k: 'known', v: Object.fromEntries(Array.from({ length: rand(3) }, (_, i) => [`k${rand(2) + i}`, value(depth + 1)])), at: AT };
    };
    for (let round = 0; round < 300; round++) {
      const items = Array.from({ length: 1 + rand(12) }, () => value(1)).filter((v) => v.k === 'known');
      const pairwise = items.filter((v, i) => !items.slice(0, i).some((seen) => dataEqual(seen.v as Data, v.v as Data) === true));
      const s: ReferenceScope = { reference: () => ({ k: 'known', v: items, at: AT }) };
      expect(show(run('distinct(var.items)', s))).toEqual(pairwise.map(show));
    }
  });

  it('reports wrong arguments as errors that try() skips', () => {
    expect(show(run('cidrsubnet("10.0.0.0/30", 8, 1)'))).toBe('?wrong-type');
    expect(show(run('try(cidrsubnet("10.0.0.0/30", 8, 1), "10.0.0.0/30")'))).toBe('10.0.0.0/30');
    expect(show(run('try(data.x.y.z, "fallback")'))).toBe('?data-source');
  });
});

describe('conditionals and explicit values', () => {
  it('decides a conditional on a value given for this run', () => {
    const s = scope({ public: true });
    expect(show(run('var.public ? "0.0.0.0/0" : "10.0.0.0/8"', s))).toBe('0.0.0.0/0');
  });

  it('judges both branches of a conditional that depends on a default alone, naming the condition', () => {
    const s = scope({}, { public: false });
    expect(show(run('var.public ? "0.0.0.0/0" : "10.0.0.0/8"', s))).toEqual([
      ['var.public is true', '0.0.0.0/0'],
      ['var.public is false', '10.0.0.0/8'],
    ]);
  });

  it('keeps an element a filter on a default may drop, under its condition', () => {
    const s = scope({}, { open: true });
    expect(show(run('[for c in ["10.0.0.0/8", "0.0.0.0/0"] : c if c != "0.0.0.0/0" || var.open]', s))).toEqual([
      '10.0.0.0/8',
      [['c != "0.0.0.0/0" || var.open is true', '0.0.0.0/0']],
    ]);
  });

  it('distributes operations over alternatives', () => {
    const s = scope({}, { env: 'prod' });
    expect(show(run('"${var.env == "prod" ? "a" : "b"}-x"', s))).toEqual([
      ['var.env == "prod" is true', 'a-x'],
      ['var.env == "prod" is false', 'b-x'],
    ]);
  });
});

describe('variable type constraints', () => {
  it('fills optional object attributes with their defaults and converts primitives', () => {
    const value = fromPlain({ ssh: { port: '22' }, web: { port: 443, cidr: '10.0.0.0/8' } }, AT);
    const type = '${map(object({ port = number, cidr = optional(string, "0.0.0.0/0"), self = optional(bool) }))}';
    const converted = convertToType(value, type, { scope: scope(), mode: 'normal' });
    expect(converted.k).toBe('known');
    expect(plain((converted as Extract<EV, { k: 'known' }>).v)).toEqual({
      ssh: { port: 22, cidr: '0.0.0.0/0', self: null },
      web: { port: 443, cidr: '10.0.0.0/8', self: null },
    });
  });
});

describe('conditions narrow the variables they compare with a literal', () => {
  const defaults = { cidr: 'disabled', empty: '', open: '0.0.0.0/0', on: true, mode: 'b' };
  const narrowed = (expr: string, assume?: string[]) => show(evaluateRaw(`\${${expr}}`, 'x', () => AT, { scope: scope({}, defaults), mode: 'normal', ...(assume ? { assume } : {}) }));

  it('rules out a default the branch contradicts, and keeps one it allows', () => {
    expect(narrowed('var.cidr != "disabled" ? var.cidr : null')).toEqual([['var.cidr != "disabled" is true', '?variable-no-default'], ['var.cidr != "disabled" is false', null]]);
    expect(narrowed('var.empty == "" ? null : var.empty')).toEqual([['var.empty == "" is true', null], ['var.empty == "" is false', '?variable-no-default']]);
    expect(narrowed('var.open != "disabled" ? var.open : null')).toEqual([['var.open != "disabled" is true', '0.0.0.0/0'], ['var.open != "disabled" is false', null]]);
    expect(narrowed('"disabled" == var.cidr ? "x" : var.cidr')).toEqual([['"disabled" == var.cidr is true', 'x'], ['"disabled" == var.cidr is false', '?variable-no-default']]);
  });

  it('reads !, && and || as logic allows, and narrows nothing it cannot show', () => {
    expect(narrowed('var.on && var.empty != "" ? var.empty : "-"')).toEqual([['var.on && var.empty != "" is true', '?variable-no-default'], ['var.on && var.empty != "" is false', '-']]);
    // Where `a && b` is false, either may be: var.empty keeps its default.
    expect(narrowed('var.on && var.empty != "" ? "-" : var.empty')).toEqual([['var.on && var.empty != "" is true', '-'], ['var.on && var.empty != "" is false', '']]);
    expect(narrowed('var.mode == "a" || var.mode == "c" ? var.mode : "-"')).toEqual([['var.mode == "a" || var.mode == "c" is true', '?variable-no-default'], ['var.mode == "a" || var.mode == "c" is false', '-']]);
    expect(narrowed('!(var.cidr == "disabled") ? var.cidr : null')).toEqual([['!(var.cidr == "disabled") is true', '?variable-no-default'], ['!(var.cidr == "disabled") is false', null]]);
    expect(narrowed('!var.on ? var.on : "-"')).toEqual([['!var.on is true', '?variable-no-default'], ['!var.on is false', '-']]);
    expect(narrowed('length(var.cidr) > 0 ? var.cidr : null')).toEqual([['length(var.cidr) > 0 is true', 'disabled'], ['length(var.cidr) > 0 is false', null]]);
  });

  it('narrows by the conditions a resource exists under (its count), given as labels', () => {
    expect(narrowed('var.empty', ['var.empty == "" is false'])).toBe('?variable-no-default');
    expect(narrowed('var.empty', ['var.empty == "" is true'])).toBe('');
    expect(narrowed('var.open', ['var.open == "" is false', 'var.x is not 0'])).toBe('0.0.0.0/0');
    // Whitespace in a label's literal may have been collapsed: it tells nothing.
    expect(narrowed('var.cidr', ['var.cidr != "dis abled" is true', 'var.cidr == "dis abled" is true'])).toBe('disabled');
  });

  it('never narrows a name a for expression binds', () => {
    expect(narrowed('[for var in [{ cidr = "disabled" }] : var.cidr]', ['var.cidr != "disabled" is true'])).toEqual(['disabled']);
    expect(narrowed('var.cidr', ['var.cidr != "disabled" is true'])).toBe('?variable-no-default');
  });
});
