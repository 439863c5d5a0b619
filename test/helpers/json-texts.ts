/** A small deterministic generator of JSON texts, and of near misses (one character dropped, added or changed). */
export function* jsonTexts(count: number): Generator<string> {
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const space = () => pick(['', ' ', '\n', '\t', '\r\n', '  \n  ', '\r']);
  const strings = ['"a"', '"Type"', '"é"', '"\\u00e9"', '"\\ud83d\\ude00"', '"\\ud800"', '"x\\"y"', '"\\\\"', '"\\/"', '"\\b\\f\\n\\r\\t"', '""', '"\u2028"'];
  const numbers = ['0', '-0', '1.25', '-3e7', '1E-2', '1e+2', '12345678901234567890', '1e400', '0.5'];
  const value = (depth: number): string => {
    const r = rand();
    if (depth > 4 || r < 0.4) return pick([...strings, ...numbers, 'true', 'false', 'null']);
    const n = Math.floor(rand() * 4);
    if (r < 0.7) return `{${Array.from({ length: n }, () => `${space()}${pick(strings)}${space()}:${space()}${value(depth + 1)}${space()}`).join(',')}}`;
    return `[${Array.from({ length: n }, () => `${space()}${value(depth + 1)}${space()}`).join(',')}]`;
  };
  for (let i = 0; i < count; i++) {
    let text = `${space()}${value(0)}${space()}`;
    if (rand() < 0.4) {
      const at = Math.floor(rand() * (text.length + 1));
      text = text.slice(0, at) + pick(['', ',', '"', '\\', '\u0001', '}', ']', ':', 'x', '-', '.', 'e', '\u00a0', '\ufeff']) + text.slice(at + (rand() < 0.5 ? 1 : 0));
    }
    yield text;
  }
}
