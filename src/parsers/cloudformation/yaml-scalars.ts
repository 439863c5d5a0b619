/**
 * Scalar values as `yaml` 2.x composes them (YAML 1.2 core schema), for the fast YAML reader. Each function returns
 * null where `yaml` would report an error or where this module does not follow it: the reader then gives the text
 * to `yaml`.
 */

export interface Resolved {
  value: unknown;
  format?: 'HEX' | 'OCT' | 'EXP';
  minFractionDigits?: number;
}

/**
 * The core schema's tags in `yaml`'s order (null, bool, int as octal, decimal and hex, .inf/.nan, exponent float,
 * float): the first whose test matches resolves a plain scalar; none is a string.
 */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** Every text the tests above match starts with one of these characters. */
const MAY_BE_TYPED = /^[-+.~0-9nNtTfF]/;

export function resolvePlain(source: string): Resolved {
  if (!MAY_BE_TYPED.test(source)) return { value: source };
  if (NULL.test(source)) return { value: null };
  if (BOOL.test(source)) return { value: source[0] === 't' || source[0] === 'T' };
  if (INT_OCT.test(source)) return { value: parseInt(source.substring(2), 8), format: 'OCT' };
  if (INT.test(source)) return { value: parseInt(source, 10) };
  if (INT_HEX.test(source)) return { value: parseInt(source.substring(2), 16), format: 'HEX' };
  if (FLOAT_NAN.test(source)) return { value: source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY };
  if (FLOAT_EXP.test(source)) return { value: parseFloat(source), format: 'EXP' };
  if (FLOAT.test(source)) {
    const dot = source.indexOf('.');
    return dot !== -1 && source.endsWith('0') ? { value: parseFloat(source), minFractionDigits: source.length - dot - 1 } : { value: parseFloat(source) };
  }
  return { value: source };
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\',
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/** The value of a one-line double-quoted scalar, from the text between its quotes (no line break in it). */
export function doubleQuoted(inner: string): string | null {
  if (!inner.includes('\\')) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = inner[++i] ?? '';
    const escaped = ESCAPES[next];
    if (escaped !== undefined) {
      out += escaped;
      continue;
    }
    const length = HEX_LENGTH[next];
    if (length === undefined) return null;
    const hex = inner.substr(i + 1, length);
    if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) return null;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) return null;
    out += String.fromCodePoint(code);
    i += length;
  }
  return out;
}

/** The value of a one-line single-quoted scalar, from the text between its quotes. */
export const singleQuoted = (inner: string): string => (inner.includes("'") ? inner.replace(/''/g, "'") : inner);

export interface BlockHeader {
  folded: boolean;
  /** The explicit indentation indicator, 0 when there is none. */
  indent: number;
  chomp: '' | '-' | '+';
}

/** `|`, `>` with an optional chomping indicator and indentation indicator (1-9), in either order; null otherwise. */
export function blockHeader(source: string): BlockHeader | null {
  const m = /^([|>])(?:([-+])([1-9])?|([1-9])([-+])?)?$/.exec(source);
  if (!m) return null;
  return { folded: m[1] === '>', indent: Number(m[3] ?? m[4] ?? 0), chomp: (m[2] ?? m[5] ?? '') as BlockHeader['chomp'] };
}

/**
 * The value of a block scalar from its content lines (`source`: from the line after the header to the end of the
 * scalar, its last line break included), as yaml's resolveBlockScalar computes it. `parentIndent` is the indentation
 * of the collection holding the scalar.
 */
export function blockValue(header: BlockHeader, source: string, parentIndent: number): string | null {
  const lines = splitLines(source);
  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0; --i) {
    if (lines[i]![1] === '') chompStart = i;
    else break;
  }
  if (chompStart === 0) return null;
  let trimIndent = parentIndent + header.indent;
  let contentStart = 0;
  for (let i = 0; i < chompStart; ++i) {
    const [indent, content] = lines[i]!;
    if (content === '') {
      if (header.indent === 0 && indent.length > trimIndent) trimIndent = indent.length;
    } else {
      if (indent.length < trimIndent) return null;
      if (header.indent === 0) trimIndent = indent.length;
      contentStart = i;
      break;
    }
  }
  for (let i = lines.length - 1; i >= chompStart; --i) {
    if (lines[i]![0].length > trimIndent) chompStart = i + 1;
  }
  let value = '';
  let sep = '';
  let prevMoreIndented = false;
  for (let i = 0; i < contentStart; ++i) value += lines[i]![0].slice(trimIndent) + '\n';
  for (let i = contentStart; i < chompStart; ++i) {
    const [indent, content] = lines[i]!;
    if (content !== '' && indent.length < trimIndent) return null;
    if (!header.folded) {
      value += sep + indent.slice(trimIndent) + content;
      sep = '\n';
    } else if (indent.length > trimIndent) {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      value += sep + indent.slice(trimIndent) + content;
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      prevMoreIndented = false;
    }
  }
  if (header.chomp === '+') {
    for (let i = chompStart; i < lines.length; ++i) value += '\n' + lines[i]![0].slice(trimIndent);
    if (!value.endsWith('\n')) value += '\n';
  } else if (header.chomp === '') value += '\n';
  return value;
}

/** Lines as [indentation, content]. */
function splitLines(source: string): [string, string][] {
  const split = source.split(/\n( *)/);
  const first = split[0]!;
  const spaces = /^( *)/.exec(first)![1]!;
  const lines: [string, string][] = [[spaces, first.slice(spaces.length)]];
  for (let i = 1; i < split.length; i += 2) lines.push([split[i]!, split[i + 1]!]);
  return lines;
}
