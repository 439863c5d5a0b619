// AWS's constraints on security group and rule descriptions (and group names).
export const MAX_DESCRIPTION_LENGTH = 255;

/** Characters AWS accepts in VPC security group names and descriptions: a-z A-Z 0-9, space, and ._-:/()#,@[]+=&;{}!$* */
const ALLOWED = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

/** The characters of `text` AWS does not accept, each once, in order. */
export function invalidCharacters(text: string): string[] {
  if (ALLOWED.test(text)) return [];
  return [...new Set([...text].filter((c) => !ALLOWED.test(c)))];
}

export function showCharacters(chars: string[]): string {
  return chars.map((c) => (c === ' ' || /\s/.test(c) ? JSON.stringify(c) : /[\x20-\x7e]/.test(c) ? `'${c}'` : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)).join(', ');
}
