// The tokens of strict JSON (what JSON.parse accepts), for the two JSON readers: the CloudFormation parser, which
// builds yaml nodes, and the export index, which records offsets only.

/**
 * JSON nested deeper than this is reported as too deeply nested. The YAML parser, which read JSON templates before,
 * gave up a little under 800 levels (its recursion hit the call stack); the JSON readers have no stack limit of their own.
 */
export const MAX_JSON_DEPTH = 1000;

const TAB = 9;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
export const QUOTE = 34;
const PLUS = 43;
export const COMMA = 44;
export const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
export const COLON = 58;
const UPPER_E = 69;
export const OPEN_BRACKET = 91;
const BACKSLASH = 92;
export const CLOSE_BRACKET = 93;
const LOWER_E = 101;
export const LOWER_F = 102;
export const LOWER_N = 110;
export const LOWER_T = 116;
const LOWER_U = 117;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;

/** The characters that may follow a backslash in a JSON string, apart from `u`: " \ / b f n r t. */
const SIMPLE_ESCAPES = new Set([34, 92, 47, 98, 102, 110, 114, 116]);

export const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Reads tokens from `i` on; each method moves `i` past what it read, or returns false where the text is not JSON. */
export class JsonLexer {
  protected i = 0;
  /** Whether the string read last has a backslash escape (its value is then JSON.parse's, not a slice). */
  protected escaped = false;

  /** `lineStarts` gets the offset after each line feed met (in JSON, every line feed is white space). */
  constructor(
    protected readonly text: string,
    protected readonly lineStarts: number[],
  ) {}

  protected skipSpace(): void {
    const text = this.text;
    let i = this.i;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LINE_FEED) this.lineStarts.push(i + 1);
      else if (c !== SPACE && c !== TAB && c !== CARRIAGE_RETURN) break;
    }
    this.i = i;
  }

  /** A string, from its opening quote at `i`; sets `escaped`. */
  protected string(): boolean {
    const text = this.text;
    let i = this.i + 1;
    let escaped = false;
    for (;;) {
      if (i >= text.length) return false;
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        const next = text.charCodeAt(i + 1);
        if (next === LOWER_U) {
          for (let k = 2; k < 6; k++) if (!isHex(text.charCodeAt(i + k))) return false;
          i += 6;
        } else if (SIMPLE_ESCAPES.has(next)) i += 2;
        else return false;
        continue;
      }
      if (c < SPACE) return false;
      i++;
    }
    this.i = i + 1;
    this.escaped = escaped;
    return true;
  }

  /** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` */
  protected number(): boolean {
    const text = this.text;
    let i = this.i;
    if (text.charCodeAt(i) === MINUS) i++;
    if (text.charCodeAt(i) === ZERO) i++;
    else if (isDigit(text.charCodeAt(i))) i = this.digits(i);
    else return false;
    if (text.charCodeAt(i) === DOT) {
      if (!isDigit(text.charCodeAt(i + 1))) return false;
      i = this.digits(i + 1);
    }
    const e = text.charCodeAt(i);
    if (e === LOWER_E || e === UPPER_E) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === PLUS || sign === MINUS) i++;
      if (!isDigit(text.charCodeAt(i))) return false;
      i = this.digits(i);
    }
    this.i = i;
    return true;
  }

  /** `true`, `false` or `null`. */
  protected literal(word: string): boolean {
    if (!this.text.startsWith(word, this.i)) return false;
    this.i += word.length;
    return true;
  }

  private digits(from: number): number {
    let i = from;
    while (isDigit(this.text.charCodeAt(i))) i++;
    return i;
  }
}
