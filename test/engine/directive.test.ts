import { describe, expect, it } from 'vitest';
import {
  isCalendarDate,
  isExpired,
  lineKinds,
  mayHoldSuppression,
  maySuppress,
  parseDirective,
  targetLine,
  todayUtc,
  type Directive,
} from '../../src/engine/directive.js';

const opts = {
  knownRules: new Set(['ingress-world-admin-port', 'egress-all-open', 'sg-unused', 'a', 'b', 'c']),
  today: '2026-06-15',
};
const parse = (text: string) => parseDirective(text, opts);

describe('parseDirective: valid', () => {
  it.each<[string, string, Directive]>([
    ['single id', 'sg-lint-ignore a -- legacy', { rules: ['a'], reason: 'legacy' }],
    [
      'example from the docs',
      'sg-lint-ignore ingress-world-admin-port until=2027-03-01 -- bastion, reviewed 2026-11 (SEC-42)',
      { rules: ['ingress-world-admin-port'], until: '2027-03-01', reason: 'bastion, reviewed 2026-11 (SEC-42)' },
    ],
    ['ids without spaces', 'sg-lint-ignore a,b,c -- r', { rules: ['a', 'b', 'c'], reason: 'r' }],
    ['ids with spaces around commas', 'sg-lint-ignore a , b,  c -- r', { rules: ['a', 'b', 'c'], reason: 'r' }],
    ['duplicate ids are merged', 'sg-lint-ignore a, a -- r', { rules: ['a'], reason: 'r' }],
    ['leading/trailing whitespace', '   sg-lint-ignore sg-unused -- r   ', { rules: ['sg-unused'], reason: 'r' }],
    ['/* */ inner text', ' sg-lint-ignore egress-all-open -- NAT only ', { rules: ['egress-all-open'], reason: 'NAT only' }],
    ['reason containing --', 'sg-lint-ignore a -- see SEC-1 -- and SEC-2', { rules: ['a'], reason: 'see SEC-1 -- and SEC-2' }],
    ['reason containing #', 'sg-lint-ignore a -- per ticket #123 # again', { rules: ['a'], reason: 'per ticket #123 # again' }],
    ['reason with commas', 'sg-lint-ignore a -- one, two, three', { rules: ['a'], reason: 'one, two, three' }],
    [
      'reason with dates that are not until= tokens',
      'sg-lint-ignore a -- approved 2026-01-01, valid until 2027-01-01, notuntil=x',
      { rules: ['a'], reason: 'approved 2026-01-01, valid until 2027-01-01, notuntil=x' },
    ],
    ['until == today is still valid', 'sg-lint-ignore a until=2026-06-15 -- r', { rules: ['a'], until: '2026-06-15', reason: 'r' }],
    ['leap day', 'sg-lint-ignore a until=2028-02-29 -- r', { rules: ['a'], until: '2028-02-29', reason: 'r' }],
    [
      'extra whitespace and tabs',
      'sg-lint-ignore\ta,b   until=2027-01-01\t--\t r ',
      { rules: ['a', 'b'], until: '2027-01-01', reason: 'r' },
    ],
  ])('%s', (_name, text, directive) => {
    expect(parse(text)).toEqual({ ok: true, directive });
  });
});

describe('parseDirective: not a directive', () => {
  it.each([
    ['empty', ''],
    ['ordinary comment', 'allow the bastion'],
    ['keyword not at start', 'see sg-lint-ignore a -- r'],
    ['sg-lint-expect', 'sg-lint-expect a -- r'],
    ['other sg-lint- word', 'sg-lint-disable a -- r'],
    ['sg-lint-ignored', 'sg-lint-ignored a -- r'],
    ['sg-lint-ignore-next-line', 'sg-lint-ignore-next-line a -- r'],
    ['keyword followed by a colon', 'sg-lint-ignore: a -- r'],
    ['different case', 'SG-LINT-IGNORE a -- r'],
  ])('%s', (_name, text) => {
    expect(parse(text)).toBeNull();
  });
});

describe('parseDirective: invalid', () => {
  it.each<[string, string, RegExp, string[]]>([
    ['keyword alone', 'sg-lint-ignore', /^no rule ids/, []],
    ['no ids before --', 'sg-lint-ignore -- r', /^no rule ids/, []],
    ['until= instead of ids', 'sg-lint-ignore until=2027-01-01 -- r', /^no rule ids/, []],
    ['only a comma', 'sg-lint-ignore , -- r', /^no rule ids/, []],
    ['malformed id (case, underscore)', 'sg-lint-ignore Ingress_World -- r', /^malformed rule id 'Ingress_World'/, ['Ingress_World']],
    ['wildcard', 'sg-lint-ignore ingress-* -- r', /^malformed rule id 'ingress-\*'.*no wildcards/, ['ingress-*']],
    ['double hyphen in id', 'sg-lint-ignore a--b -- r', /^malformed rule id 'a--b'/, ['a--b']],
    ['empty id between commas', 'sg-lint-ignore a,,b -- r', /^empty rule id/, ['a', 'b']],
    ['trailing comma', 'sg-lint-ignore a, -- r', /^empty rule id/, ['a']],
    ['unknown id', 'sg-lint-ignore nope -- r', /^unknown rule id 'nope'$/, ['nope']],
    ['unknown among known', 'sg-lint-ignore a, nope, zip -- r', /^unknown rule ids 'nope', 'zip'$/, ['a', 'nope', 'zip']],
    ['a very long unknown id, cut', `sg-lint-ignore ${'x'.repeat(5000)} -- r`, new RegExp(`^unknown rule id '${'x'.repeat(57)}\\.\\.\\.'$`), ['x'.repeat(5000)]],
    [
      'twelve unknown ids, ten named',
      `sg-lint-ignore ${Array.from({ length: 12 }, (_, i) => `n${i}`).join(',')} -- r`,
      /^unknown rule ids 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9' and 2 more$/,
      Array.from({ length: 12 }, (_, i) => `n${i}`),
    ],
    ['no separator', 'sg-lint-ignore a', /^missing ' -- <reason>'/, ['a']],
    ['reason without separator', 'sg-lint-ignore a because legacy', /^missing ' -- <reason>'/, ['a']],
    ['-- glued to the reason', 'sg-lint-ignore a --legacy', /^missing ' -- <reason>'/, ['a']],
    ['empty reason', 'sg-lint-ignore a --', /^empty reason/, ['a']],
    ['whitespace-only reason', 'sg-lint-ignore a --    ', /^empty reason/, ['a']],
    ['impossible date', 'sg-lint-ignore a until=2026-02-30 -- r', /^until=2026-02-30 is not a valid date/, ['a']],
    ['Feb 29 of a common year', 'sg-lint-ignore a until=2027-02-29 -- r', /not a valid date/, ['a']],
    ['month 13', 'sg-lint-ignore a until=2026-13-01 -- r', /not a valid date/, ['a']],
    ['unpadded date', 'sg-lint-ignore a until=2026-6-1 -- r', /not a valid date/, ['a']],
    ['two-digit year', 'sg-lint-ignore a until=27-03-01 -- r', /not a valid date/, ['a']],
    ['empty until', 'sg-lint-ignore a until= -- r', /^until= is not a valid date/, ['a']],
    ['until == yesterday', 'sg-lint-ignore a until=2026-06-14 -- r', /^suppression expired on 2026-06-14$/, ['a']],
    ['long expired', 'sg-lint-ignore a, b until=2020-01-01 -- r', /expired on 2020-01-01/, ['a', 'b']],
    ['until= inside the reason', 'sg-lint-ignore a -- reason until=2027-01-01', /^misplaced until=/, ['a']],
    ['until= starting the reason', 'sg-lint-ignore a -- until=2027-01-01', /^misplaced until=/, ['a']],
    ['unexpected token', 'sg-lint-ignore a extra -- r', /^unexpected 'extra' before ' -- '/, ['a']],
    ['ids without commas', 'sg-lint-ignore a b -- r', /^unexpected 'b'/, ['a']],
    ['token after until=', 'sg-lint-ignore a until=2027-01-01 please -- r', /^unexpected 'please'/, ['a']],
    ['until without =', 'sg-lint-ignore a until 2027-01-01 -- r', /^unexpected 'until', '2027-01-01'/, ['a']],
    ['duplicate until', 'sg-lint-ignore a until=2027-01-01 until=2027-02-01 -- r', /^duplicate until=/, ['a']],
  ])('%s', (_name, text, message, rules) => {
    const result = parse(text);
    expect(result).toMatchObject({ ok: false, rules });
    expect(result?.ok === false && result.message).toMatch(message);
  });
});

describe('dates', () => {
  it.each([
    ['2026-06-14', '2026-06-15', true],
    ['2026-06-15', '2026-06-15', false],
    ['2026-06-16', '2026-06-15', false],
    ['2025-12-31', '2026-01-01', true],
  ])('isExpired(%s, %s) = %s', (until, today, expired) => {
    expect(isExpired(until, today)).toBe(expired);
  });

  it.each([
    ['2024-02-29', true],
    ['2026-04-31', false],
    ['2026-00-10', false],
    ['2026-01-01T00:00', false],
  ])('isCalendarDate(%s) = %s', (s, valid) => {
    expect(isCalendarDate(s)).toBe(valid);
  });

  it('todayUtc uses the UTC date', () => {
    expect(todayUtc(new Date('2026-06-15T23:30:00-05:00'))).toBe('2026-06-16');
    expect(todayUtc()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('lineKinds / targetLine', () => {
  const hcl = [
    /*  1 */ 'resource "aws_security_group" "web" {',
    /*  2 */ '  # sg-lint-ignore a -- own line',
    /*  3 */ '  ingress {',
    /*  4 */ '    cidr_blocks = ["0.0.0.0/0"] # sg-lint-ignore b -- trailing',
    /*  5 */ '  }',
    /*  6 */ '  # sg-lint-ignore a -- stacked 1',
    /*  7 */ '  // sg-lint-ignore b -- stacked 2',
    /*  8 */ '  /* just a note */',
    /*  9 */ '  egress {}',
    /* 10 */ '  # sg-lint-ignore c -- detached',
    /* 11 */ '   ',
    /* 12 */ '  x = 1',
    /* 13 */ '}',
    /* 14 */ '# sg-lint-ignore a -- at end of file',
  ].join('\n');
  const isComment = (line: string) => /^(#|\/\/|\/\*)/.test(line);
  const kinds = lineKinds(hcl, isComment);

  it('classifies lines', () => {
    expect([...kinds.commentOnly]).toEqual([2, 6, 7, 8, 10, 14]);
    expect([...kinds.blank]).toEqual([11]);
    expect(kinds.lineCount).toBe(14);
  });

  it('handles CRLF, a final newline and empty text', () => {
    const k = lineKinds('a\r\n# c\r\n\r\n', isComment);
    expect(k).toEqual({ commentOnly: new Set([2]), blank: new Set([3]), lineCount: 3 });
    expect(lineKinds('', isComment).lineCount).toBe(0);
  });

  it.each<[string, number, boolean, number | null]>([
    ['own-line targets the next code line', 2, true, 3],
    ['trailing comment targets its own line', 4, false, 4],
    ['first of stacked directives', 6, true, 9],
    ['second of stacked directives', 7, true, 9],
    ['blank line detaches', 10, true, null],
    ['directive at end of file', 14, true, null],
  ])('%s', (_name, line, ownLine, target) => {
    expect(targetLine({ text: '', line, ownLine }, kinds.commentOnly, kinds.blank, kinds.lineCount)).toBe(target);
  });

  it('directive followed only by a final newline is detached', () => {
    const k = lineKinds('x = 1\n# sg-lint-ignore a -- r\n', isComment);
    expect(targetLine({ text: '', line: 2, ownLine: true }, k.commentOnly, k.blank, k.lineCount)).toBeNull();
  });

  it('without lineCount, comment-only lines up to the end still skip', () => {
    expect(targetLine({ text: '', line: 1, ownLine: true }, new Set([1, 2]), new Set(), undefined)).toBe(3);
  });
});

describe('mayHoldSuppression: a text without it holds no comment that may suppress', () => {
  const comment = (text: string) => ({ text, at: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, ownLine: true });

  it.each([
    'sg-lint-ignore a -- r',
    'sg-lint-ignore',
    'sg-lint-ignore unknown-rule',
    'checkov:skip=CKV_AWS_24:reviewed',
    'bridgecrew:skip=CKV_AWS_23',
    'tfsec:ignore:aws-vpc-no-public-ingress-sgr',
    'see SEC-4 #trivy:ignore:AVD-AWS-0107',
    'trivy:exp:2027-01-01:ignore:AVD-AWS-0107',
    'tflint-ignore: aws_security_group_invalid_protocol',
    'tflint-ignore-file: aws_security_group_invalid_protocol',
    'kics-scan ignore-line',
    'KICS-SCAN ignore-block',
    'kics-scan disable=65905cec-d691-4320-b320-2000436cb696',
  ])('%s: may suppress, and its text is kept', (text) => {
    expect(maySuppress(comment(text))).toBe(true);
    expect(mayHoldSuppression(`resource "x" "y" {\n  # ${text}\n}\n`)).toBe(true);
  });

  it.each(['allow the bastion', 'see sg-lint docs', 'tfsec says so', 'trivy scans this', 'checkov: skip it', ''])('%s: neither', (text) => {
    expect(maySuppress(comment(text))).toBe(false);
    expect(mayHoldSuppression(text)).toBe(false);
  });

  it('a Metadata entry (a scope) or an invalid one may suppress whatever its text', () => {
    expect(maySuppress({ ...comment('ingress-world-admin-port'), scope: comment('').at })).toBe(true);
    expect(maySuppress({ ...comment(''), invalid: 'not a list' })).toBe(true);
  });
});
