// A strict XML 1.0 well-formedness check for the subset sg-lint writes (a declaration, elements, attributes, character
// data, references, comments), returning the element tree with references resolved. Anything outside that subset
// (DOCTYPE, CDATA, processing instructions, non-ASCII names) is rejected rather than guessed at, so it never accepts a
// document a conforming parser would refuse. No XML parser is a dependency of the project; the checkstyle tests use
// this one, and Python's expat as well where Python is installed.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlError extends Error {}

// XML 1.0 Char: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF (no lone surrogates).
const isChar = (cp: number) => cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
const NAME = /^[A-Za-z_:][-A-Za-z0-9._:]*/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

export function parseXml(text: string): XmlElement {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (!isChar(cp)) throw new XmlError(`character U+${cp.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML 1.0`);
  }
  // End-of-line handling comes before parsing: CRLF and a lone CR are read as LF.
  const doc = text.replace(/\r\n?/g, '\n');
  let i = 0;
  const fail = (what: string): never => {
    throw new XmlError(`${what} at offset ${i}: ${JSON.stringify(doc.slice(i, i + 30))}`);
  };
  const skipSpace = () => {
    while (i < doc.length && /[ \t\r\n]/.test(doc[i]!)) i++;
  };
  const misc = () => {
    for (;;) {
      skipSpace();
      if (doc.startsWith('<!--', i)) {
        const end = doc.indexOf('-->', i + 4);
        if (end < 0) fail('unterminated comment');
        if (doc.slice(i + 4, end).includes('--') || doc[end - 1] === '-') fail('"--" inside a comment');
        i = end + 3;
      } else if (doc.startsWith('<?', i) || doc.startsWith('<!', i)) fail('unsupported markup (processing instruction, DOCTYPE or CDATA)');
      else return;
    }
  };
  const name = (): string => {
    const m = NAME.exec(doc.slice(i, i + 200));
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  /** Text up to `stop`, with references resolved; `<` is never allowed in it, `&` only as a reference. */
  const chars = (stop: RegExp, inAttribute: boolean): string => {
    let out = '';
    while (i < doc.length && !stop.test(doc[i]!)) {
      const c = doc[i]!;
      if (c === '<') fail(inAttribute ? '"<" in an attribute value' : 'unexpected "<"');
      if (c === '&') {
        const m = /^&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z]+);/.exec(doc.slice(i, i + 12));
        if (!m) fail('"&" that starts no reference');
        const ref = m![1]!;
        if (ref.startsWith('#')) {
          const cp = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
          if (!isChar(cp)) fail(`reference to a character XML does not allow (${ref})`);
          out += String.fromCodePoint(cp);
        } else {
          if (!(ref in PREDEFINED)) fail(`undeclared entity &${ref};`);
          out += PREDEFINED[ref];
        }
        i += m![0].length;
        continue;
      }
      if (!inAttribute && doc.startsWith(']]>', i)) fail('"]]>" in character data');
      // Attribute-value normalization: literal white space characters become spaces.
      out += inAttribute && /[\t\r\n]/.test(c) ? ' ' : c;
      i++;
    }
    return out;
  };
  const element = (): XmlElement => {
    if (doc[i] !== '<') fail('expected an element');
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (doc.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (doc[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail('expected white space before an attribute');
      const attr = name();
      if (attr in el.attrs) fail(`duplicate attribute ${attr}`);
      skipSpace();
      if (doc[i] !== '=') fail('expected "="');
      i++;
      skipSpace();
      const quote = doc[i];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
      i++;
      el.attrs[attr] = chars(quote === '"' ? /"/ : /'/, true);
      if (doc[i] !== quote) fail('unterminated attribute value');
      i++;
    }
    for (;;) {
      el.text += chars(/</, false);
      if (i >= doc.length) fail(`unclosed element <${el.name}>`);
      if (doc.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        skipSpace();
        if (doc[i] !== '>') fail('expected ">"');
        i++;
        return el;
      }
      if (doc.startsWith('<!--', i)) {
        const end = doc.indexOf('-->', i + 4);
        if (end < 0 || doc.slice(i + 4, end).includes('--')) fail('bad comment');
        i = end + 3;
        continue;
      }
      if (doc.startsWith('<?', i) || doc.startsWith('<!', i)) fail('unsupported markup');
      el.children.push(element());
    }
  };

  const decl = /^<\?xml version="1\.0"( encoding="UTF-8")?( standalone="(yes|no)")?\s*\?>/.exec(doc);
  if (decl) i = decl[0].length;
  else if (doc.startsWith('<?xml')) fail('malformed XML declaration');
  misc();
  const root = element();
  misc();
  if (i !== doc.length) fail('content after the root element');
  return root;
}
