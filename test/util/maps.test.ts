import { describe, expect, it } from 'vitest';
import { addOneOrMore, addTo, groupBy, GrowingIndex } from '../../src/util/maps.js';
import { cut } from '../../src/util/strings.js';
import { NumberList } from '../../src/util/number-list.js';

describe('groupBy', () => {
  const items = ['a1', 'a2', 'b1', 'x1', 'a3', 'b2', 'b3', 'x2', 'c1'];
  const keyOf = (s: string) => (s.startsWith('x') ? null : s[0]!);

  it('gives what addTo over every item gives, keys in order of first item', () => {
    const expected = new Map<string, string[]>();
    for (const s of items) if (keyOf(s) !== null) addTo(expected, keyOf(s)!, s);
    const grouped = groupBy(items, keyOf);
    expect([...grouped]).toEqual([...expected]);
  });

  it('asks for the key of an item that sameKey ties to the one before only once per run', () => {
    const asked: string[] = [];
    const grouped = groupBy(items, (s) => (asked.push(s), keyOf(s)), (a, b) => a[0] === b[0]);
    expect(asked).toEqual(['a1', 'b1', 'x1', 'a3', 'b2', 'x2', 'c1']);
    expect(grouped.get('b')).toEqual(['b1', 'b2', 'b3']);
  });

  it('copies runs: the lists are not the input', () => {
    const run = ['k1', 'k2', 'k3'];
    const grouped = groupBy(run, (s) => s[0]!);
    expect(grouped.get('k')).toEqual(run);
    expect(grouped.get('k')).not.toBe(run);
  });
});

describe('addOneOrMore', () => {
  it('keeps a lone value as itself and makes a list, in order, when more come', () => {
    const map = new Map<string, { n: number } | { n: number }[]>();
    const [a, b, c, d] = [1, 2, 3, 4].map((n) => ({ n }));
    addOneOrMore(map, 'one', a!);
    addOneOrMore(map, 'many', b!);
    addOneOrMore(map, 'many', c!);
    addOneOrMore(map, 'many', d!);
    expect(map.get('one')).toBe(a);
    expect(map.get('many')).toEqual([b, c, d]);
    expect([...map.keys()]).toEqual(['one', 'many']);
  });
});

describe('NumberList', () => {
  it('keeps what is pushed, past the length where it moves to a typed array', () => {
    const list = new NumberList();
    const pushed: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const n = i * 1e6 + 0.5;
      list.push(n);
      pushed.push(n);
      if (i === 10 || i === 1023 || i === 1024 || i === 4999) {
        expect(list.length).toBe(i + 1);
        expect(Array.from(list.view())).toEqual(pushed);
      }
    }
    expect(list.view()[1500]).toBe(1500 * 1e6 + 0.5);
  });
});

describe('GrowingIndex', () => {
  it('finds the first item of a key, items added after a lookup included, and starts afresh when the array shrank', () => {
    const items = [{ k: 'a', n: 1 }, { k: 'b', n: 2 }, { k: 'a', n: 3 }];
    const index = new GrowingIndex(items, (item) => item.k);
    expect(index.get('a')?.n).toBe(1);
    expect(index.get('c')).toBeUndefined();
    items.push({ k: 'c', n: 4 });
    expect(index.get('c')?.n).toBe(4);
    items.length = 1;
    items[0] = { k: 'd', n: 5 };
    expect([index.get('d')?.n, index.get('b')]).toEqual([5, undefined]);
  });
});

describe('cut', () => {
  it('keeps a text up to its limit and cuts a longer one to the limit, `...` included', () => {
    expect(cut('abcdef', 6)).toBe('abcdef');
    expect(cut('abcdefg', 6)).toBe('abc...');
  });
});
