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
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', '\t': '\t',
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/**
 * A plain or single-quoted scalar's lines folded: each line break between two lines becomes a space, and n empty
 * lines become n line breaks; the space around line breaks is dropped.
 */
export function foldLines(source: string): string {
  if (!source.includes('\n')) return source;
  const lines = source.split('\n');
  let out = lines[0]!.replace(/[ \t]+$/, '');
  let sep = ' ';
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i]!.replace(/^[ \t]+|[ \t]+$/g, '');
    if (line === '') {
      if (sep === '\n') out += sep;
      else sep = '\n';
    } else {
      out += sep + line;
      sep = ' ';
    }
  }
  return out + sep + lines[lines.length - 1]!.replace(/^[ \t]*/, '');
}

/** The value of a double-quoted scalar from the text between its quotes; null for an escape `yaml` rejects. */
export function doubleQuoted(inner: string): string | null {
  if (!inner.includes('\\') && !inner.includes('\n')) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === '\n') {
      // A line break and the blank lines after it fold to a space or to n - 1 line breaks; indentation goes.
      let fold = '';
      while (isBlank(inner[i + 1]) || inner[i + 1] === '\n') if (inner[++i] === '\n') fold += '\n';
      out += fold || ' ';
    } else if (c === '\\') {
      const next = inner[++i] ?? '';
      const escaped = ESCAPES[next];
      if (escaped !== undefined) out += escaped;
      else if (next === '\n') {
        // An escaped line break joins the lines, without the next line's indentation.
        while (isBlank(inner[i + 1])) i++;
      } else {
        const length = HEX_LENGTH[next];
        if (length === undefined) return null;
        const hex = inner.substr(i + 1, length);
        if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) return null;
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) return null;
        out += String.fromCodePoint(code);
        i += length;
      }
    } else if (isBlank(c)) {
      // Spaces before a line break go.
      const from = i;
      while (isBlank(inner[i + 1])) i++;
      if (inner[i + 1] !== '\n') out += inner.slice(from, i + 1);
    } else out += c;
  }
  return out;
}

/** The value of a single-quoted scalar, from the text between its quotes. */
export const singleQuoted = (inner: string): string => {
  const folded = foldLines(inner);
  return folded.includes("'") ? folded.replace(/''/g, "'") : folded;
};

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
