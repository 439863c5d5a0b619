// AWS's constraints on security group and rule descriptions (and group names).
export const MAX_DESCRIPTION_LENGTH = 255;

/** Characters AWS accepts in VPC security group names and descriptions: a-z A-Z 0-9, space, and ._-:/()#,@[]+=&;{}!$* */
const ALLOWED = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

/** The characters of `text` AWS does not accept, each once, in order. */
export function invalidCharacters(text: string): string[] {
  if (ALLOWED.test(text)) return [];
  return [...new Set([...text].filter((c) => !ALLOWED.test(c)))];
}

const NAMES: Record<string, string> = { "'": 'apostrophe', '"': 'double quote', '`': 'backtick', '\n': 'line break', '\r': 'carriage return', '\t': 'tab' };

/** Characters a message shows; the rest are counted (a description of 3,000 emoji made a message of 43 KB). */
const MAX_SHOWN = 10;

/** "'é' (U+00E9), \"'\" (apostrophe)": each character visible, with its name or code point; the first ten of them. */
export function showCharacters(chars: string[]): string {
  const more = chars.length > MAX_SHOWN ? ` and ${chars.length - MAX_SHOWN} more` : '';
  return (
    chars
      .slice(0, MAX_SHOWN)
      .map((c) => {
        const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
        const shown = /[\x20-\x7e]/.test(c) || /\p{L}|\p{N}|\p{P}|\p{S}/u.test(c) ? JSON.stringify(c) : JSON.stringify(c).replace(/^"|"$/g, '');
        return `${shown} (${NAMES[c] ?? code})`;
      })
      .join(', ') + more
  );
}
