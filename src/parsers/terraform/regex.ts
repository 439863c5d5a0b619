// Terraform's regex, regexall and replace use Go's RE2: the same syntax here (`(?P<name>…)`, no backreferences or
// lookaround) and the same guarantee, time linear in the input, whatever the pattern.
import { RE2JS, type Matcher } from 're2js';

/** The compiled pattern, or null when RE2 rejects it (Terraform then fails the call too). */
export function compileRe2(pattern: string): RE2JS | null {
  try {
    return RE2JS.compile(pattern);
  } catch {
    return null;
  }
}

/** Every non-overlapping match, in order (a matcher steps past empty matches itself). */
function* matches(re: RE2JS, s: string): Generator<Matcher> {
  const m = re.matcher(s);
  while (m.find()) yield m;
}

/** `replace(s, "/re/", template)`: Go's ReplaceAllString, with its `$1`, `${1}`, `$name`, `${name}` and `$$` expansion. */
export function replaceAll(re: RE2JS, s: string, template: string): string {
  const names = re.namedGroups() as Record<string, number>;
  const out: string[] = [];
  let last = 0;
  for (const m of matches(re, s)) {
    out.push(s.slice(last, m.start()), expand(template, m, names));
    last = m.end();
  }
  out.push(s.slice(last));
  return out.join('');
}

function expand(template: string, m: Matcher, names: Record<string, number>): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    const ref = /^\{(\w+)\}|^(\w+)/.exec(template.slice(i + 1));
    if (!ref) {
      out += '$'; // malformed: Go keeps the `$` as text
      continue;
    }
    const name = ref[1] ?? ref[2]!;
    const index = /^\d+$/.test(name) ? Number(name) : names[name];
    if (index !== undefined && index <= m.groupCount()) out += m.group(index) ?? '';
    i += ref[0].length;
  }
  return out;
}

/** A match as Terraform's regex returns it (plain data): the matched text, a list of the captures, or a map of the named captures. */
export type MatchValue = string | (string | null)[] | Record<string, string | null>;

function matchValue(re: RE2JS, m: Matcher): MatchValue {
  const groups = re.groupCount();
  if (groups === 0) return m.group(0) ?? '';
  const names = Object.entries(re.namedGroups() as Record<string, number>);
  if (names.length > 0) return Object.fromEntries(names.map(([name, i]) => [name, m.group(i)]));
  return Array.from({ length: groups }, (_, i) => m.group(i + 1));
}

/** `regex(pattern, s)`: the first match, or null when there is none (Terraform fails the call). */
export function firstMatch(re: RE2JS, s: string): MatchValue | null {
  for (const m of matches(re, s)) return matchValue(re, m);
  return null;
}

/** `regexall(pattern, s)`: every match. */
export function allMatches(re: RE2JS, s: string): MatchValue[] {
  const out: MatchValue[] = [];
  for (const m of matches(re, s)) out.push(matchValue(re, m));
  return out;
}
