import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/model/location.js';
import { known, unresolved } from '../../src/model/value.js';
import { allOf, among, anyOf, except, narrow, type Equality } from '../../src/parsers/narrowing.js';
import type { EV } from '../../src/parsers/values.js';

const AT: Span = { file: 't.yaml', start: { line: 1, column: 1 }, end: { line: 1, column: 2 }, path: 'x' };
const text: Equality = (a, b) => String(a) === String(b);
const gone = () => unresolved('cfn-parameter', '!Ref P', AT);
const oneOf = (...values: string[]): EV => ({ k: 'oneOf', at: AT, options: values.map((v) => ({ when: `P is ${JSON.stringify(v)}`, value: known(v, AT) })) });

describe('narrowing', () => {
  it('combines what both parts say (And) and what every part says (Or)', () => {
    expect(allOf([among('P', ['a', 'b']), except('P', ['b'])], text).get('P')).toEqual({ among: ['a'] });
    expect(allOf([except('P', ['a']), except('P', ['b'])], text).get('P')).toEqual({ except: ['a', 'b'] });
    expect(anyOf([among('P', ['a']), among('P', ['b'])], text).get('P')).toEqual({ among: ['a', 'b'] });
    expect(anyOf([except('P', ['a', 'b']), except('P', ['b'])], text).get('P')).toEqual({ except: ['b'] });
    expect(anyOf([among('P', ['a']), except('P', ['a', 'b'])], text).get('P')).toEqual({ except: ['b'] });
    // A part that says nothing about Q leaves Q free in an Or.
    expect(anyOf([among('P', ['a']), allOf([among('P', ['b']), among('Q', ['x'])], text)], text).has('Q')).toBe(false);
  });

  it('drops the alternatives a branch rules out, and reads a ruled-out value as unknown', () => {
    expect(narrow(known('disabled', AT), { except: ['disabled'] }, text, gone)).toEqual(gone());
    expect(narrow(known('10.0.0.0/8', AT), { except: ['disabled'] }, text, gone)).toEqual(known('10.0.0.0/8', AT));
    expect(narrow(oneOf('off', 'on', '10.0.0.0/8'), { except: ['off'] }, text, gone)).toEqual(oneOf('on', '10.0.0.0/8'));
    expect(narrow(oneOf('off', 'on'), { among: ['x'] }, text, gone)).toEqual(gone());
    expect(narrow(known(22, AT), { among: ['22'] }, text, gone)).toEqual(known(22, AT));
    expect(narrow(gone(), { among: ['x'] }, text, () => known('never', AT))).toEqual(gone());
  });
});
